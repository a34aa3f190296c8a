/**
 * The shared segmentation folders (index.csv + image/mask PNG pairs) as uint8 stacks. Lungs:
 * Shenzhen 256x256 with `suggested_split`. Brain: LGG FLAIR 128x128 with `patient_split`
 * (train/val by patient); slices are kept in patient and slice order so volumes can be rebuilt.
 */
import { join } from 'node:path';
import { readCsv, readGreyPng } from './kermany.ts';

export interface SegmentationSet {
  size: number;
  count: number;
  images: Uint8Array;
  masks: Uint8Array;
  ids: string[];
  /** Patient per slice (brain); the image id where a patient is one image (lungs). */
  patients: string[];
}

export type Row = Record<string, string>;

export function indexRows(root: string): Row[] {
  return readCsv(join(root, 'index.csv'));
}

export function loadPairs(root: string, rows: readonly Row[], size: number): SegmentationSet {
  const area = size * size;
  const images = new Uint8Array(rows.length * area);
  const masks = new Uint8Array(rows.length * area);
  rows.forEach((row, i) => {
    readGreyPng(join(root, row.image ?? ''), size, images, i * area);
    readGreyPng(join(root, row.mask ?? ''), size, masks, i * area);
  });
  for (let i = 0; i < masks.length; i++) masks[i] = (masks[i] ?? 0) > 127 ? 1 : 0;
  return { size, count: rows.length, images, masks, ids: rows.map((r) => r.id ?? ''), patients: rows.map((r) => r.patient ?? r.id ?? '') };
}

/** Slice indices grouped by patient, in the order the set holds them. */
export function byPatient(set: SegmentationSet): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  set.patients.forEach((patient, i) => groups.set(patient, [...(groups.get(patient) ?? []), i]));
  return groups;
}

/** Indices of images that contain any foreground. */
export function withForeground(set: SegmentationSet): number[] {
  const area = set.size * set.size;
  return Array.from({ length: set.count }, (_, i) => i).filter((i) => set.masks.subarray(i * area, (i + 1) * area).some((v) => v > 0));
}
