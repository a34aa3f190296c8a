/** Huffman tables, the entropy-coded bit stream and marker helpers shared by our JPEG decoders. */
import { DicomError } from '../errors.ts';

const LOOKAHEAD = 9;

export interface Huffman {
  maxCode: Int32Array;
  valPtr: Int32Array;
  minCode: Int32Array;
  values: Uint8Array;
  /** For every 9-bit prefix: (code length << 8 | value), or 0 when the code is longer. */
  fast: Uint16Array;
}

function lookahead(counts: Uint8Array, values: Uint8Array): Uint16Array {
  const fast = new Uint16Array(1 << LOOKAHEAD);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= LOOKAHEAD; length++) {
    for (let i = 0; i < (counts[length - 1] ?? 0); i++, code++, k++) {
      const shift = LOOKAHEAD - length;
      fast.fill((length << 8) | (values[k] ?? 0), code << shift, (code + 1) << shift);
    }
    code <<= 1;
  }
  return fast;
}

export function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxCode = new Int32Array(18).fill(-1);
  const valPtr = new Int32Array(17);
  const minCode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1] ?? 0;
    valPtr[length] = k;
    minCode[length] = code;
    code += n;
    k += n;
    maxCode[length] = n ? code - 1 : -1;
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff;
  return { maxCode, valPtr, minCode, values, fast: lookahead(counts, values) };
}

export class BitReader {
  private bits = 0;
  private count = 0;
  constructor(private readonly data: Uint8Array, public pos: number) {}

  private fill(): void {
    let byte = 0;
    if (this.pos < this.data.length) {
      byte = this.data[this.pos] ?? 0;
      if (byte === 0xff) {
        const next = this.data[this.pos + 1] ?? 0;
        if (next === 0x00) this.pos += 2;
        else byte = 0; // a marker: feed zeros, do not consume it
      } else this.pos += 1;
    }
    this.bits = ((this.bits << 8) | byte) >>> 0;
    this.count += 8;
  }

  read(n: number): number {
    while (this.count < n) this.fill();
    this.count -= n;
    return (this.bits >>> this.count) & ((1 << n) - 1);
  }

  /** Skip to the next restart marker (RSTm) and start afresh after it. */
  restart(): void {
    this.bits = 0;
    this.count = 0;
    while (this.pos + 1 < this.data.length && !(this.data[this.pos] === 0xff && ((this.data[this.pos + 1] ?? 0) & 0xf8) === 0xd0)) this.pos++;
    this.pos += 2;
  }

  decode(table: Huffman): number {
    while (this.count < LOOKAHEAD) this.fill();
    const hit = table.fast[(this.bits >>> (this.count - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1)] as number;
    if (hit !== 0) {
      this.count -= hit >> 8;
      return hit & 0xff;
    }
    let code = this.read(1);
    let length = 1;
    while (code > (table.maxCode[length] ?? -1)) {
      code = (code << 1) | this.read(1);
      if (++length > 16) throw new DicomError('invalid', 'a JPEG Huffman code is longer than 16 bits');
    }
    return table.values[(table.valPtr[length] ?? 0) + code - (table.minCode[length] ?? 0)] ?? 0;
  }
}

export function u16(data: Uint8Array, pos: number): number {
  return ((data[pos] ?? 0) << 8) | (data[pos + 1] ?? 0);
}

export function readTables(data: Uint8Array, start: number, end: number, tables: Map<number, Huffman>): void {
  let pos = start;
  while (pos < end) {
    // Keyed by class and id (Tc << 4 | Th): DC tables are 0x0n, AC tables 0x1n.
    const id = data[pos] ?? 0;
    const counts = data.subarray(pos + 1, pos + 17);
    const total = counts.reduce((s, n) => s + n, 0);
    tables.set(id, buildHuffman(counts, data.subarray(pos + 17, pos + 17 + total)));
    pos += 17 + total;
  }
}

