/**
 * JPEG Lossless, Huffman-coded (ITU T.81 process 14, any of the 7 predictors, point
 * transform, restart intervals). No maintained WASM codec covers it, so it is ours.
 * Returns one 8- or 16-bit sample per component, interleaved.
 */
import { DicomError } from '../errors.ts';
import { BitReader, readTables, u16, type Huffman } from './jpeg-common.ts';

interface Component {
  id: number;
  table: number;
}

export interface LosslessImage {
  width: number;
  height: number;
  precision: number;
  components: number;
  samples: Uint16Array;
}


function difference(reader: BitReader, table: Huffman): number {
  const ssss = reader.decode(table);
  if (ssss === 0) return 0;
  if (ssss === 16) return 32768;
  const bits = reader.read(ssss);
  return bits < 1 << (ssss - 1) ? bits - (1 << ssss) + 1 : bits;
}

function predict(selection: number, a: number, b: number, c: number): number {
  switch (selection) {
    case 1: return a;
    case 2: return b;
    case 3: return c;
    case 4: return a + b - c;
    case 5: return a + ((b - c) >> 1);
    case 6: return b + ((a - c) >> 1);
    default: return (a + b) >> 1;
  }
}

interface Header {
  width: number;
  height: number;
  precision: number;
  frameComponents: number[];
  tables: Map<number, Huffman>;
  restartInterval: number;
  scan?: { components: Component[]; predictor: number; pointTransform: number; start: number };
}

function readHeader(data: Uint8Array): Header {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new DicomError('invalid', 'the JPEG frame does not start with SOI');
  const header: Header = { width: 0, height: 0, precision: 0, frameComponents: [], tables: new Map(), restartInterval: 0 };
  let pos = 2;
  while (pos + 4 <= data.length && !header.scan) {
    if (data[pos] !== 0xff) { pos++; continue; }
    const marker = data[pos + 1] ?? 0;
    const length = u16(data, pos + 2);
    const body = pos + 4;
    if (marker === 0xc3) {
      Object.assign(header, { precision: data[body] ?? 0, height: u16(data, body + 1), width: u16(data, body + 3) });
      header.frameComponents = Array.from({ length: data[body + 5] ?? 0 }, (_, i) => data[body + 6 + i * 3] ?? 0);
    } else if (marker === 0xc4) readTables(data, body, pos + 2 + length, header.tables);
    else if (marker === 0xdd) header.restartInterval = u16(data, body);
    else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc8 && marker !== 0xcc) {
      throw new DicomError('unsupported-format', `JPEG process with marker FF${marker.toString(16).toUpperCase()} is not lossless Huffman`);
    } else if (marker === 0xda) {
      const count = data[body] ?? 0;
      const components = Array.from({ length: count }, (_, i) => ({ id: data[body + 1 + i * 2] ?? 0, table: (data[body + 2 + i * 2] ?? 0) >> 4 }));
      const tail = body + 1 + count * 2;
      header.scan = { components, predictor: data[tail] ?? 1, pointTransform: (data[tail + 2] ?? 0) & 0x0f, start: pos + 2 + length };
    }
    pos += 2 + length;
  }
  return header;
}

export function decodeJpegLossless(data: Uint8Array): LosslessImage {
  const h = readHeader(data);
  const scan = h.scan;
  if (!scan || h.width < 1 || h.height < 1) throw new DicomError('invalid', 'the JPEG frame has no lossless frame header or scan');
  const n = scan.components.length;
  const tables = scan.components.map((c) => {
    const table = h.tables.get(c.table);
    if (!table) throw new DicomError('invalid', `JPEG Huffman table ${c.table} is missing`);
    return table;
  });
  const samples = new Uint16Array(h.width * h.height * n);
  const reader = new BitReader(data, scan.start);
  const mask = 0xffff;
  const initial = 1 << (h.precision - scan.pointTransform - 1);
  let sinceRestart = 0;
  let restartRow = 0;
  for (let y = 0; y < h.height; y++) {
    for (let x = 0; x < h.width; x++) {
      if (h.restartInterval && sinceRestart === h.restartInterval) {
        reader.restart();
        sinceRestart = 0;
        restartRow = y;
      }
      const fresh = sinceRestart === 0;
      for (let c = 0; c < n; c++) {
        const i = (y * h.width + x) * n + c;
        const a = samples[i - n] ?? 0;
        const b = samples[i - h.width * n] ?? 0;
        const d = samples[i - h.width * n - n] ?? 0;
        let prediction: number;
        if (fresh || (y === restartRow && x === 0)) prediction = initial;
        else if (y === restartRow) prediction = a;
        else if (x === 0) prediction = b;
        else prediction = predict(scan.predictor, a, b, d);
        samples[i] = (prediction + difference(reader, tables[c] as Huffman)) & mask;
      }
      sinceRestart++;
    }
  }
  if (scan.pointTransform) for (let i = 0; i < samples.length; i++) samples[i] = ((samples[i] ?? 0) << scan.pointTransform) & mask;
  return { width: h.width, height: h.height, precision: h.precision, components: n, samples };
}
