/**
 * How a volume segmenter's masks are made from its output, chosen on the tuning patients only
 * (never the test ones): the threshold, whether to average with the mirror image, and whether
 * to drop 3-D regions much smaller than the largest. Each option is scored as the app applies
 * it (predictMask's preprocessing, keepVolumeRegions over the stacked slices).
 */
import type * as tf from '@tensorflow/tfjs';
import type { MaskPostprocess, ModelEntry } from '../ml/api.ts';
import { mean } from '../ml/overlap.ts';
import { keepVolumeRegions } from '../ml/volume-regions.ts';
import { probabilityMap } from '../ml/worker/segment.ts';
import { patientVolumes, volumeDice, type PatientVolume } from './evaluate-segmentation.ts';

export interface PostprocessOption {
  operatingPoint: number;
  postprocess: MaskPostprocess;
  /** Mean per-patient Dice on the tuning patients. */
  tuneDice: number;
}

export interface PostprocessChoice {
  chosen: PostprocessOption;
  /** The plain mask (p >= 0.5, nothing else), for comparison. */
  plain: PostprocessOption;
  tried: number;
}

const THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7];
const FRACTIONS: (number | undefined)[] = [undefined, 0.1, 0.3, 1];

function score(volumes: PatientVolume<Float32Array>[], threshold: number, fraction: number | undefined): number {
  return mean(volumes.map((v) => {
    const masks = v.predicted.map((p) => Uint8Array.from(p, (x) => (x >= threshold ? 1 : 0)));
    return volumeDice(fraction === undefined ? masks : keepVolumeRegions(masks, v.width, v.height, fraction).masks, v.truth);
  }));
}

/** Every option of the grid scored on the tuning rows; the best wins, the plain mask on a tie. */
export async function choosePostprocess(model: tf.LayersModel, entry: ModelEntry, rows: readonly Record<string, string>[], data: string): Promise<PostprocessChoice> {
  const options: PostprocessOption[] = [];
  for (const mirrorAverage of [false, true]) {
    const withMirror = { ...entry, postprocess: { mirrorAverage } };
    const volumes = [...(await patientVolumes(rows, data, (image, size) => probabilityMap(model, withMirror, image, size))).values()];
    for (const operatingPoint of THRESHOLDS) {
      for (const volumeRegionFraction of FRACTIONS) {
        const postprocess: MaskPostprocess = { ...(mirrorAverage ? { mirrorAverage } : {}), ...(volumeRegionFraction === undefined ? {} : { volumeRegionFraction }) };
        options.push({ operatingPoint, postprocess, tuneDice: score(volumes, operatingPoint, volumeRegionFraction) });
      }
    }
  }
  const plain = options.find((o) => o.operatingPoint === 0.5 && Object.keys(o.postprocess).length === 0);
  if (!plain) throw new Error('the grid has no plain option');
  // Only a strictly better score moves the choice off the plain mask (then off the first found).
  const chosen = options.reduce((best, o) => (o.tuneDice > best.tuneDice ? o : best), plain);
  return { chosen, plain, tried: options.length };
}

/** The choice in words, for the model card. */
export function describePostprocess(c: PostprocessChoice): string {
  const parts = [`p >= ${c.chosen.operatingPoint}`];
  if (c.chosen.postprocess.mirrorAverage) parts.unshift('the output averaged with that of the mirror image (flipped back)');
  const fraction = c.chosen.postprocess.volumeRegionFraction;
  if (fraction === 1) parts.push('then, over a whole series, only the largest 3-D connected region');
  else if (fraction !== undefined) parts.push(`then, over a whole series, only the 3-D connected regions with at least ${fraction * 100}% of the largest region's voxels`);
  return `${parts.join('; ')}. Chosen from ${c.tried} options (threshold, mirror averaging, region filter) on the tuning patients only: mean per-patient Dice ${c.chosen.tuneDice.toFixed(4)}, against ${c.plain.tuneDice.toFixed(4)} for the plain mask (p >= 0.5)`;
}
