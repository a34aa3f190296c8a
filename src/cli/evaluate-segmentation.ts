/**
 * `npm run cli -- evaluate --task lungs|brain --data <folder> [--split name|all] [--model id]`
 * over a folder laid out like the shared ones: index.csv with `image`, `mask`, a split column
 * (`split`, `suggested_split` or `patient_split`) and, for brain, `patient`. Images go through
 * the app's preprocessing; Dice is computed at each reference mask's own resolution. Brain
 * scores stack each patient's slices (in `slice` order) into one volume.
 */
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { GreyImage, ModelEntry } from '../ml/api.ts';
import { keepVolumeRegions } from '../ml/volume-regions.ts';
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
  const patients = await patientVolumes(rows, data, (image, size) => predictMask(model, entry, image, size));
  const fraction = entry.postprocess?.volumeRegionFraction;
  const cases = [...patients].map(([id, v]) => ({ id, dice: volumeDice(fraction === undefined ? v.predicted : keepVolumeRegions(v.predicted, v.width, v.height, fraction).masks, v.truth) }));
  return segmentationReport(task, entry.id, split, cases, rows.length);
}

export interface PatientVolume<T> {
  /** One per slice, in slice order. */
  predicted: T[];
  truth: Uint8Array[];
  width: number;
  height: number;
}

/** Each patient's slices, in `slice` order: `predict` run on each image at its reference mask's size, and the masks. */
export async function patientVolumes<T>(rows: readonly Record<string, string>[], data: string, predict: (image: GreyImage, size: GreyImage) => Promise<T>): Promise<Map<string, PatientVolume<T>>> {
  const patients = new Map<string, PatientVolume<T>>();
  const ordered = [...rows].sort((a, b) => Number(a.slice) - Number(b.slice));
  for (const row of ordered) {
    const mask = readGreyPngImage(join(data, row.mask ?? ''));
    const volume = patients.get(row.patient ?? '') ?? { predicted: [], truth: [], width: mask.width, height: mask.height };
    volume.predicted.push(await predict(readGreyPngImage(join(data, row.image ?? '')), mask));
    volume.truth.push(Uint8Array.from(mask.pixels, (v) => (v > 127 ? 1 : 0)));
    patients.set(row.patient ?? '', volume);
  }
  return patients;
}

/** Dice of a predicted volume (slices of 0/1) against the reference one. */
export function volumeDice(predicted: readonly Uint8Array[], truth: readonly Uint8Array[]): number {
  return diceOf(predicted.reduce<Overlap>((sum, p, k) => addOverlap(sum, overlapCounts(p, truth[k] ?? new Uint8Array(p.length))), { intersection: 0, predicted: 0, truth: 0 }));
}
