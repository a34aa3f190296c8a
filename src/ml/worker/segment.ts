/** Segmentation inference shared by the worker and the Node evaluation: one grey image in, a foreground probability map out. */
import * as tf from './tf.ts';
import type { GreyImage, ModelEntry, ModelInput } from '../api.ts';
import { keepLargest, measuresLungs } from '../mask-measure.ts';
import { placement, toModelInput, validateGreyImage } from './preprocess.ts';
import { getModel } from './registry.ts';
import { getDraft } from './seg-drafts.ts';
import { WorkerError } from './errors.ts';

/**
 * Foreground probability per pixel, [height, width] of `size` (the image's own size unless
 * told otherwise, e.g. a reference mask stored at another resolution). Call inside tf.tidy.
 */
export function segmentationProbabilities(model: tf.LayersModel, image: GreyImage, input: ModelInput, size: { width: number; height: number } = image): tf.Tensor2D {
  const p = model.predict(toModelInput(image, input)) as tf.Tensor4D;
  // Only the letterboxed image area maps back onto the image; the padding is dropped.
  const place = placement(image, input);
  const inside = tf.slice(p, [0, place.top, place.left, 0], [1, place.height, place.width, 1]);
  const fitted = place.height === size.height && place.width === size.width ? inside : tf.image.resizeBilinear(inside, [size.height, size.width], true);
  return tf.reshape(fitted, [size.height, size.width]);
}

/**
 * The mask as the app shows it, at `size` (the image's own unless told otherwise): thresholded
 * at the card's operating point; lung-field models keep their two largest regions. Shared by
 * the worker and the evaluation CLI, so the figures score what the user sees.
 */
export async function predictMask(model: tf.LayersModel, entry: ModelEntry, image: GreyImage, size: { width: number; height: number } = image): Promise<Uint8Array> {
  const inside = tf.tidy(() => tf.cast(tf.greaterEqual(segmentationProbabilities(model, image, entry.input, size), entry.operatingPoint ?? 0.5), 'int32'));
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
