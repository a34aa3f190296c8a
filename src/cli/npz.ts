/**
 * Reads NumPy .npz archives (a zip of .npy arrays), enough for uint8 image stacks and label
 * vectors. Node only: it uses zlib for deflated members.
 */
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

export interface NpyArray {
  shape: number[];
  data: Uint8Array;
}

function parseNpy(bytes: Uint8Array, name: string): NpyArray {
  const magic = String.fromCharCode(...bytes.subarray(1, 6));
  if (bytes[0] !== 0x93 || magic !== 'NUMPY') throw new Error(`${name}: not a .npy array`);
  const major = bytes[6] ?? 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  if (!/'descr':\s*'\|u1'/.test(header)) throw new Error(`${name}: only uint8 arrays are supported (${header})`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${name}: Fortran order is not supported`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { shape, data: bytes.subarray(headerStart + headerLength) };
}

/** Every member of the archive, by name without the .npy suffix. */
export function readNpz(path: string): Map<string, NpyArray> {
  const file = readFileSync(path);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const arrays = new Map<string, NpyArray>();
  let offset = 0;
  while (offset + 30 <= file.length && view.getUint32(offset, true) === 0x04034b50) {
    const method = view.getUint16(offset + 8, true);
    const compressedSize = view.getUint32(offset + 18, true);
    const nameLength = view.getUint16(offset + 26, true);
    const extraLength = view.getUint16(offset + 28, true);
    const name = file.subarray(offset + 30, offset + 30 + nameLength).toString('utf8');
    const start = offset + 30 + nameLength + extraLength;
    const raw = file.subarray(start, start + compressedSize);
    const bytes = method === 8 ? inflateRawSync(raw) : method === 0 ? raw : undefined;
    if (!bytes) throw new Error(`${name}: zip method ${method} is not supported`);
    arrays.set(name.replace(/\.npy$/, ''), parseNpy(new Uint8Array(bytes), name));
    offset = start + compressedSize;
  }
  return arrays;
}
