/**
 * The CSV rows of outlined frames, measured from the masks as they are now (after any brush
 * edits), with the same arithmetic as the Outline panel: pixels, cm² from Pixel Spacing, and
 * the two lungs for a lung-field model.
 */
import { area, measureLungs, measuresLungs } from '../ml/mask-measure.ts';
import { segmentCodes } from '../dicom/seg-codes.ts';
import type { ResultRow } from './results-csv.ts';

export interface OutlinedFrame {
  key: string;
  /** 0-based frame within the file. */
  frame: number;
  width: number;
  height: number;
  mask: Uint8Array;
  /** Pixel Spacing [row, column] in mm, when the file gives it. */
  spacing?: readonly [number, number];
}

export interface OutlineModel {
  id: string;
  version: string;
  labels: readonly string[];
}

const cm2 = (pixels: number, spacing: readonly [number, number] | undefined): number | undefined => (spacing ? area(pixels, spacing).value : undefined);

export function outlineRows(frames: readonly OutlinedFrame[], model: OutlineModel, seriesVolumeMl?: number): ResultRow[] {
  const label = model.labels[1] ?? 'structure';
  const structure = segmentCodes(label)?.label ?? label;
  return frames.map((f) => {
    const pixels = f.mask.reduce((n, v) => n + (v ? 1 : 0), 0);
    const row: ResultRow = { file: f.key, frame: f.frame + 1, modelId: model.id, modelVersion: model.version, structure, areaPx: pixels };
    const areaCm2 = cm2(pixels, f.spacing);
    if (areaCm2 !== undefined) row.areaCm2 = areaCm2;
    if (measuresLungs(model) && f.spacing) {
      const lungs = measureLungs(f.mask, f.width, f.height, f.spacing);
      if (lungs.right) row.rightLungCm2 = lungs.right.value;
      if (lungs.left) row.leftLungCm2 = lungs.left.value;
    }
    if (seriesVolumeMl !== undefined) row.seriesVolumeMl = seriesVolumeMl;
    return row;
  });
}
