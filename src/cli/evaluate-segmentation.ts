/**
 * `npm run cli -- evaluate --task lungs|brain --data <folder> [--split name|all] [--model id]`
 * over a folder laid out like the shared ones: index.csv with `image`, `mask`, a split column
 * (`split`, `suggested_split` or `patient_split`) and, for brain, `patient`. Images go through
 * the app's preprocessing; Dice is computed at each reference mask's own resolution. Brain
 * scores stack each patient's slices (in `slice` order) into one volume.
 */
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { ModelEntry } from '../ml/api.ts';
import { bootstrap, type Estimate } from '../ml/bootstrap.ts';
import { addOverlap, diceOf, mean, median, overlapCounts, type Overlap } from '../ml/overlap.ts';
import { predictMask } from '../ml/worker/segment.ts';
import { readCsv, rowsOfSplit } from './kermany.ts';
import { readGreyPngImage } from './png.ts';

export interface SegmentationReport {
  task: 'lungs' | 'brain';
  model: string;
  split: string;
  /** Images (lungs) or patients (brain). */
  n: number;
  slices?: number;
  diceMean: Estimate;
  diceMedian: Estimate;
  perCase: { id: string; dice: number }[];
}


/** Overlap counts of one predicted mask, as the app shows it, against its reference PNG. */
async function overlapOf(model: tf.LayersModel, entry: ModelEntry, imagePath: string, maskPath: string): Promise<Overlap> {
  const mask = readGreyPngImage(maskPath);
  const predicted = await predictMask(model, entry, readGreyPngImage(imagePath), mask);
  return overlapCounts(predicted, mask.pixels.map((v) => (v > 127 ? 1 : 0)));
}

export function segmentationReport(task: 'lungs' | 'brain', model: string, split: string, cases: { id: string; dice: number }[], slices?: number): SegmentationReport {
  const values = cases.map((c) => c.dice);
  const pick = (idx: number[]): number[] => idx.map((i) => values[i] ?? 0);
  return {
    task, model, split, n: cases.length, ...(slices === undefined ? {} : { slices }),
    diceMean: bootstrap(cases.length, (idx) => mean(pick(idx))),
    diceMedian: bootstrap(cases.length, (idx) => median(pick(idx))),
    perCase: cases.map((c) => ({ id: c.id, dice: Number(c.dice.toFixed(4)) })),
  };
}

export async function evaluateSegmentation(task: 'lungs' | 'brain', model: tf.LayersModel, entry: ModelEntry, data: string, split: string): Promise<SegmentationReport> {
  const rows = rowsOfSplit(readCsv(join(data, 'index.csv')), split);
  if (rows.length === 0) throw new Error(`no rows of split '${split}' in ${join(data, 'index.csv')}`);
  const overlapOfRow = (r: Record<string, string>): Promise<Overlap> => overlapOf(model, entry, join(data, r.image ?? ''), join(data, r.mask ?? ''));
  if (task === 'lungs') {
    const cases: { id: string; dice: number }[] = [];
    for (const r of rows) cases.push({ id: r.id ?? r.image ?? '', dice: diceOf(await overlapOfRow(r)) });
    return segmentationReport(task, entry.id, split, cases);
  }
  const patients = new Map<string, Overlap>();
  const ordered = [...rows].sort((a, b) => Number(a.slice) - Number(b.slice));
  for (const row of ordered) {
    const key = row.patient ?? '';
    patients.set(key, addOverlap(patients.get(key) ?? { intersection: 0, predicted: 0, truth: 0 }, await overlapOfRow(row)));
  }
  return segmentationReport(task, entry.id, split, [...patients].map(([id, o]) => ({ id, dice: diceOf(o) })), rows.length);
}
