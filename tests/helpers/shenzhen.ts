/**
 * The Shenzhen chest X-rays as a tuberculosis task the pneumonia model was never taught:
 * tb_label 1 is TB, 0 normal; one film per patient, so `suggested_split` is a patient-free
 * split, and it is stratified (about half TB in each part).
 */
import { join } from 'node:path';
import { readCsv } from '../../src/cli/kermany.ts';
import { readGreyPngImage } from '../../src/cli/png.ts';
import type { PreparedImage } from '../../src/ml/api-finetune.ts';
import { dataPath } from './data.ts';

export interface ShenzhenRow {
  id: string;
  label: number;
  split: string;
  path: string;
}

export function shenzhenRows(): ShenzhenRow[] {
  const root = dataPath('cxr-lung-seg-shenzhen-256');
  return readCsv(join(root, 'index.csv')).map((r) => ({ id: r.id ?? '', label: Number(r.tb_label), split: r.suggested_split ?? '', path: join(root, r.image ?? '') }));
}

export function asPrepared(rows: readonly ShenzhenRow[]): PreparedImage[] {
  return rows.map((r) => ({ id: r.id, image: readGreyPngImage(r.path) }));
}

/** The first `n` of a split, alternating classes, so small subsets stay balanced. */
export function balanced(rows: readonly ShenzhenRow[], split: string, n: number): ShenzhenRow[] {
  const of = (label: number): ShenzhenRow[] => rows.filter((r) => r.split === split && r.label === label);
  const [normal, tb] = [of(0), of(1)];
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? normal : tb)[Math.floor(i / 2)]).filter((r): r is ShenzhenRow => r !== undefined);
}
