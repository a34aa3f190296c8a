/** Segmentation inference shared by the worker and the Node evaluation: one grey image in, a foreground probability map out. */
import * as tf from './tf.ts';
import type { GreyImage, ModelEntry } from '../api.ts';
import { keepLargest, measuresLungs } from '../mask-measure.ts';
import { placement, toModelInput, validateGreyImage } from './preprocess.ts';
import { getModel } from './registry.ts';
import { getDraft } from './seg-drafts.ts';
import { WorkerError } from './errors.ts';

/**
 * Foreground probability per pixel, [height, width] of `size` (the image's own size unless
 * told otherwise, e.g. a reference mask stored at another resolution); with the entry's
 * mirrorAverage, the mean of the output on the image and on its mirror image flipped back.
 * Call inside tf.tidy.
 */
export function segmentationProbabilities(model: tf.LayersModel, entry: Pick<ModelEntry, 'input' | 'postprocess'>, image: GreyImage, size: { width: number; height: number } = image): tf.Tensor2D {
  const x = toModelInput(image, entry.input);
  const direct = model.predict(x) as tf.Tensor4D;
  const p: tf.Tensor4D = entry.postprocess?.mirrorAverage ? tf.div(tf.add(direct, tf.reverse(model.predict(tf.reverse(x, 2)) as tf.Tensor4D, 2)), 2) : direct;
  // Only the letterboxed image area maps back onto the image; the padding is dropped.
  const place = placement(image, entry.input);
  const inside = tf.slice(p, [0, place.top, place.left, 0], [1, place.height, place.width, 1]);
  const fitted = place.height === size.height && place.width === size.width ? inside : tf.image.resizeBilinear(inside, [size.height, size.width], true);
  return tf.reshape(fitted, [size.height, size.width]);
}

/** Foreground probabilities (see segmentationProbabilities) as numbers, for a choice of threshold. */
export async function probabilityMap(model: tf.LayersModel, entry: ModelEntry, image: GreyImage, size: { width: number; height: number } = image): Promise<Float32Array> {
  const p = tf.tidy(() => segmentationProbabilities(model, entry, image, size));
  try {
    return (await p.data()) as Float32Array;
  } finally {
    p.dispose();
  }
}

/**
 * The mask as the app shows it, at `size` (the image's own unless told otherwise): thresholded
 * at the card's operating point; lung-field models keep their two largest regions. Shared by
 * the worker and the evaluation CLI, so the figures score what the user sees. (A series'
 * volumeRegionFraction applies once all its slices are outlined: see volume-regions.ts.)
 */
export async function predictMask(model: tf.LayersModel, entry: ModelEntry, image: GreyImage, size: { width: number; height: number } = image): Promise<Uint8Array> {
  const inside = tf.tidy(() => tf.cast(tf.greaterEqual(segmentationProbabilities(model, entry, image, size), entry.operatingPoint ?? 0.5), 'int32'));
  try {
    const mask = Uint8Array.from(await inside.data());
    return measuresLungs(entry) ? keepLargest(mask, size.width, size.height, 2).mask : mask;
  } finally {
    inside.dispose();
  }
}

/** The mask of one grey image at its own size (see predictMask). */
export async function segment(modelId: string, image: GreyImage): Promise<{ width: number; height: number; mask: Uint8Array }> {
  validateGreyImage(image);
  // A fine-tuned draft (held by the worker, not in the manifest) outlines like a shipped model.
  const { entry, model } = (await getDraft(modelId)) ?? (await getModel(modelId)).loaded;
  if (entry.task !== 'segmentation') throw new WorkerError('bad-input', `${entry.name} classifies images; it does not outline structures`);
  return { width: image.width, height: image.height, mask: await predictMask(model, entry, image) };
}
