/**
 * Sequential DCT JPEG with Huffman coding, 8 or 12 bits (ITU T.81 processes 1, 2 and 4):
 * what DICOM calls JPEG Extended. Cornerstone's libjpeg-turbo build is 8-bit only, so 12-bit
 * CT and MR need this. Interleaved scans, any sampling factors, restart intervals.
 */
import { DicomError } from '../errors.ts';
import { BitReader, readTables, u16, type Huffman } from './jpeg-common.ts';
import { idct8x8, scaledQuant } from './idct.ts';

const ZIGZAG = Uint8Array.from([0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63]);

interface FrameComponent {
  id: number;
  h: number;
  v: number;
  quant: number;
  dc: number;
  ac: number;
  pred: number;
  blocksPerLine: number;
  blocksPerColumn: number;
  plane: Uint16Array;
}

interface Parsed {
  precision: number;
  width: number;
  height: number;
  components: FrameComponent[];
  quant: Map<number, Int32Array>;
  tables: Map<number, Huffman>;
  restartInterval: number;
  scanStart: number;
}

function readQuant(data: Uint8Array, start: number, end: number, quant: Map<number, Int32Array>): void {
  let pos = start;
  while (pos < end) {
    const sixteen = (data[pos] ?? 0) >> 4;
    const id = (data[pos] ?? 0) & 15;
    const table = new Int32Array(64);
    for (let k = 0; k < 64; k++) table[k] = sixteen ? u16(data, pos + 1 + 2 * k) : (data[pos + 1 + k] ?? 0);
    quant.set(id, table);
    pos += 1 + 64 * (sixteen ? 2 : 1);
  }
}

function readFrame(data: Uint8Array, body: number, parsed: Parsed): void {
  parsed.precision = data[body] ?? 8;
  parsed.height = u16(data, body + 1);
  parsed.width = u16(data, body + 3);
  const count = data[body + 5] ?? 0;
  parsed.components = Array.from({ length: count }, (_, i) => {
    const o = body + 6 + i * 3;
    return { id: data[o] ?? 0, h: (data[o + 1] ?? 17) >> 4, v: (data[o + 1] ?? 17) & 15, quant: data[o + 2] ?? 0, dc: 0, ac: 0, pred: 0, blocksPerLine: 0, blocksPerColumn: 0, plane: new Uint16Array(0) };
  });
}

function readScan(data: Uint8Array, body: number, parsed: Parsed): void {
  const count = data[body] ?? 0;
  if (count !== parsed.components.length) throw new DicomError('unsupported-format', 'JPEG with non-interleaved scans is not supported');
  for (let i = 0; i < count; i++) {
    const c = parsed.components.find((k) => k.id === data[body + 1 + i * 2]);
    if (!c) throw new DicomError('invalid', 'a JPEG scan names an unknown component');
    c.dc = (data[body + 2 + i * 2] ?? 0) >> 4;
    c.ac = (data[body + 2 + i * 2] ?? 0) & 15;
  }
}

function parse(data: Uint8Array): Parsed {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new DicomError('invalid', 'the JPEG frame does not start with SOI');
  const parsed: Parsed = { precision: 8, width: 0, height: 0, components: [], quant: new Map(), tables: new Map(), restartInterval: 0, scanStart: 0 };
  let pos = 2;
  while (pos + 4 <= data.length && parsed.scanStart === 0) {
    if (data[pos] !== 0xff) { pos++; continue; }
    const marker = data[pos + 1] ?? 0;
    if (marker === 0xff) { pos++; continue; }
    const length = u16(data, pos + 2);
    const body = pos + 4;
    if (marker === 0xdb) readQuant(data, body, pos + 2 + length, parsed.quant);
    else if (marker === 0xc4) readTables(data, body, pos + 2 + length, parsed.tables);
    else if (marker === 0xdd) parsed.restartInterval = u16(data, body);
    else if (marker === 0xc0 || marker === 0xc1) readFrame(data, body, parsed);
    else if (marker >= 0xc2 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      throw new DicomError('unsupported-format', `JPEG process with marker FF${marker.toString(16).toUpperCase()} is not sequential DCT`);
    } else if (marker === 0xda) {
      readScan(data, body, parsed);
      parsed.scanStart = pos + 2 + length;
    }
    pos += 2 + length;
  }
  if (!parsed.scanStart || parsed.width < 1 || parsed.height < 1) throw new DicomError('invalid', 'the JPEG frame has no frame header or scan');
  return parsed;
}

function receiveExtend(reader: BitReader, size: number): number {
  if (size === 0) return 0;
  const bits = reader.read(size);
  return bits < 1 << (size - 1) ? bits - (1 << size) + 1 : bits;
}

function table(tables: Map<number, Huffman>, key: number): Huffman {
  const found = tables.get(key);
  if (!found) throw new DicomError('invalid', `JPEG Huffman table ${key.toString(16)} is missing`);
  return found;
}

/**
 * Huffman-decode and dequantise one block into `coef` (natural order, AAN-scaled; see idct.ts).
 * Returns whether any AC coefficient is non-zero.
 */
function readBlock(reader: BitReader, c: FrameComponent, dc: Huffman, ac: Huffman, q: Float64Array, coef: Float64Array): boolean {
  coef.fill(0);
  c.pred += receiveExtend(reader, reader.decode(dc));
  coef[0] = c.pred * (q[0] as number);
  let any = false;
  for (let k = 1; k < 64;) {
    const rs = reader.decode(ac);
    const s = rs & 15;
    const r = rs >> 4;
    if (s === 0) {
      if (r !== 15) break;
      k += 16;
      continue;
    }
    k += r;
    if (k > 63) break;
    const at = ZIGZAG[k] as number;
    coef[at] = receiveExtend(reader, s) * (q[at] as number);
    any = true;
    k++;
  }
  return any;
}

/** Inverse DCT, level shift and clamp of one block into the component's plane. */
function writeBlock(c: FrameComponent, precision: number, row: number, col: number, coef: Float64Array, hasAc: boolean, work: Float64Array): void {
  const shift = 1 << (precision - 1);
  const max = (1 << precision) - 1;
  const stride = c.blocksPerLine * 8;
  const base = row * 8 * stride + col * 8;
  if (!hasAc) {
    // DC only (flat areas such as the air around a CT): one value for all 64 samples.
    const value = Math.min(max, Math.max(0, Math.round((coef[0] as number) + shift)));
    for (let y = 0; y < 8; y++) c.plane.fill(value, base + y * stride, base + y * stride + 8);
    return;
  }
  idct8x8(coef, work);
  const plane = c.plane;
  for (let y = 0; y < 8; y++) {
    const out = base + y * stride;
    const row = y * 8;
    for (let x = 0; x < 8; x++) {
      // + 0.5 then truncation rounds, as sum is positive once the clamp has passed.
      const sum = (coef[row + x] as number) + shift + 0.5;
      plane[out + x] = sum <= 0 ? 0 : sum >= max ? max : sum | 0;
    }
  }
}

interface Coding {
  dc: Huffman;
  ac: Huffman;
  q: Float64Array;
}

function decodeScan(data: Uint8Array, p: Parsed): void {
  const hMax = Math.max(...p.components.map((c) => c.h));
  const vMax = Math.max(...p.components.map((c) => c.v));
  const single = p.components.length === 1;
  const mcusX = single ? Math.ceil(p.width / 8) : Math.ceil(p.width / (8 * hMax));
  const mcusY = single ? Math.ceil(p.height / 8) : Math.ceil(p.height / (8 * vMax));
  for (const c of p.components) {
    c.blocksPerLine = single ? mcusX : mcusX * c.h;
    c.blocksPerColumn = single ? mcusY : mcusY * c.v;
    c.plane = new Uint16Array(c.blocksPerLine * 8 * c.blocksPerColumn * 8);
  }
  const coding = p.components.map((c): Coding => {
    const q = p.quant.get(c.quant);
    if (!q) throw new DicomError('invalid', `JPEG quantisation table ${c.quant} is missing`);
    return { dc: table(p.tables, c.dc), ac: table(p.tables, 0x10 | c.ac), q: scaledQuant(q, ZIGZAG) };
  });
  const reader = new BitReader(data, p.scanStart);
  const coef = new Float64Array(64);
  const tmp = new Float64Array(64);
  let mcu = 0;
  for (let my = 0; my < mcusY; my++) {
    for (let mx = 0; mx < mcusX; mx++, mcu++) {
      if (p.restartInterval && mcu > 0 && mcu % p.restartInterval === 0) {
        reader.restart();
        for (const c of p.components) c.pred = 0;
      }
      for (const [index, c] of p.components.entries()) {
        const { dc, ac, q } = coding[index] as Coding;
        const h = single ? 1 : c.h;
        const v = single ? 1 : c.v;
        for (let by = 0; by < v; by++) {
          for (let bx = 0; bx < h; bx++) writeBlock(c, p.precision, my * v + by, mx * h + bx, coef, readBlock(reader, c, dc, ac, q, coef), tmp);
        }
      }
    }
  }
}

export interface DctImage {
  width: number;
  height: number;
  precision: number;
  components: number;
  samples: Uint16Array;
}

export function decodeJpegDct(data: Uint8Array): DctImage {
  const p = parse(data);
  decodeScan(data, p);
  const n = p.components.length;
  const hMax = Math.max(...p.components.map((c) => c.h));
  const vMax = Math.max(...p.components.map((c) => c.v));
  const only = p.components[0];
  // One component whose blocks tile the image exactly: the plane already is the image.
  if (n === 1 && only && only.blocksPerLine * 8 === p.width && only.plane.length === p.width * p.height) {
    return { width: p.width, height: p.height, precision: p.precision, components: 1, samples: only.plane };
  }
  const samples = new Uint16Array(p.width * p.height * n);
  p.components.forEach((c, index) => {
    const stride = c.blocksPerLine * 8;
    if (n === 1) {
      for (let y = 0; y < p.height; y++) samples.set(c.plane.subarray(y * stride, y * stride + p.width), y * p.width);
      return;
    }
    // Subsampled chroma is replicated up to full resolution.
    const sx = n === 1 ? 1 : hMax / c.h;
    const sy = n === 1 ? 1 : vMax / c.v;
    for (let y = 0; y < p.height; y++) {
      for (let x = 0; x < p.width; x++) samples[(y * p.width + x) * n + index] = c.plane[Math.floor(y / sy) * stride + Math.floor(x / sx)] ?? 0;
    }
  });
  return { width: p.width, height: p.height, precision: p.precision, components: n, samples };
}
