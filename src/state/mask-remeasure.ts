/**
 * Measurements again after a hand correction: the mask was changed in place (it stays plain
 * data in the segmentation state, for reports and for fine-tuning on corrected masks), so the
 * result around it is rebuilt with new areas, a new volume and the `edited` mark.
 */
import { area } from '../ml/mask-measure.ts';
import { measureEditedLungs } from '../ml/edited-lungs.ts';
import type { SeriesOutline, ShownMask } from './segmentation.svelte.ts';
import { seriesVolume } from './series-outline.ts';

const pixelsOf = (mask: Uint8Array): number => mask.reduce((n, v) => n + v, 0);

/** The shown frame's result measured from its (edited) mask. */
export function remeasureShown(shown: ShownMask, edited: boolean): ShownMask {
  const { mask, width, height, spacing } = shown;
  if (shown.lungs) return { ...shown, lungs: measureEditedLungs(mask, width, height, spacing), edited };
  return { ...shown, area: area(pixelsOf(mask), spacing), edited };
}

/** The series with the slice that holds `mask` counted again, and its volume if it had one. */
export function remeasureSeries(series: SeriesOutline, mask: Uint8Array, edited: boolean): SeriesOutline {
  const slices = series.slices.map((s) => (s.mask === mask ? { ...s, pixels: pixelsOf(mask), edited } : s));
  const next = { ...series, slices, edited: slices.some((s) => s.edited === true) };
  return series.volume ? { ...next, volume: seriesVolume(slices, series.spacing, series.thicknessMm) } : next;
}
