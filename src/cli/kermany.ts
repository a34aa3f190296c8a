/**
 * The Kermany chest X-ray folder (labels.csv + 128x128 grey PNGs) as uint8 stacks per split.
 * `suggested_split` holds the validation patients; the official test split is used once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

export interface GreyStack {
  size: number;
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const keys = (header ?? '').split(',');
  return lines.map((line) => {
    const values = line.split(',');
    return Object.fromEntries(keys.map((k, i) => [k, values[i] ?? '']));
  });
}

/** Reads one grey PNG (any colour type) into `out` at `offset`; the image must be size x size. */
export function readGreyPng(path: string, size: number, out: Uint8Array, offset: number): void {
  const png = PNG.sync.read(readFileSync(path));
  if (png.width !== size || png.height !== size) throw new Error(`${path}: ${png.width}x${png.height}, expected ${size}x${size}`);
  for (let i = 0; i < size * size; i++) out[offset + i] = png.data[i * 4] ?? 0;
}

/** The rows of one split, whichever column the folder keeps it in (`split`, `suggested_split`, `patient_split`); 'all' keeps every row. */
export function rowsOfSplit(rows: readonly Record<string, string>[], split: string): Record<string, string>[] {
  return rows.filter((r) => split === 'all' || r.split === split || r.suggested_split === split || r.patient_split === split);
}

export function loadKermany(root: string, split: 'train' | 'val' | 'test', size = 128): GreyStack {
  const rows = readCsv(join(root, 'labels.csv')).filter((r) => r.suggested_split === split);
  const pixels = new Uint8Array(rows.length * size * size);
  const labels = new Uint8Array(rows.length);
  rows.forEach((row, i) => {
    readGreyPng(join(root, row.path ?? ''), size, pixels, i * size * size);
    labels[i] = Number(row.label_id);
  });
  return { size, pixels, labels, count: rows.length };
}

/** The app's 'unit-range' preprocessing for a batch: each image's min..max to 0..1. */
export function unitRangeBatch(stack: GreyStack, indices: readonly number[]): Float32Array {
  const area = stack.size * stack.size;
  const out = new Float32Array(indices.length * area);
  indices.forEach((index, b) => {
    const image = stack.pixels.subarray(index * area, (index + 1) * area);
    let min = 255;
    let max = 0;
    for (const v of image) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const range = max - min || 1;
    for (let i = 0; i < area; i++) out[b * area + i] = ((image[i] ?? 0) - min) / range;
  });
  return out;
}
