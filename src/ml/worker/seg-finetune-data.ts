/**
 * Corrected masks as training pairs: each image goes through the app's own preprocessing and
 * its mask through the same letterbox, so the network learns in exactly the frame it predicts
 * in. Augmentation is light on purpose: a few images cannot teach much invariance, only drift.
 */
import * as tf from './tf.ts';
import type { ModelInput } from '../api.ts';
import type { CorrectedMask } from '../api-segfinetune.ts';
import { placement, toModelInput, validateGreyImage } from './preprocess.ts';
import { WorkerError } from './errors.ts';

/** The mask where toModelInput puts its image: area-averaged, bilinear, padded with 0, re-binarised. Call inside tf.tidy. */
export function toModelTarget(mask: Uint8Array, size: { width: number; height: number }, input: ModelInput): tf.Tensor4D {
  const place = placement(size, input);
  let y = tf.tensor4d(Float32Array.from(mask, (v) => (v > 0 ? 1 : 0)), [1, size.height, size.width, 1]);
  if (size.width !== place.width || size.height !== place.height) {
    const factor = Math.min(Math.floor(size.height / place.height), Math.floor(size.width / place.width));
    if (factor >= 2) y = tf.avgPool(y, factor, factor, 'valid');
    y = tf.image.resizeBilinear(y, [place.height, place.width], true);
  }
  const padded = tf.pad(y, [[0, 0], [place.top, input.height - place.height - place.top], [place.left, input.width - place.width - place.left], [0, 0]]);
  return tf.cast(tf.greaterEqual(padded, 0.5), 'float32') as tf.Tensor4D;
}

export function validateItem(item: CorrectedMask): void {
  validateGreyImage(item.image);
  if (!(item.mask instanceof Uint8Array) || item.mask.length !== item.image.width * item.image.height) {
    throw new WorkerError('bad-input', `the corrected mask of ${item.id} has ${item.mask.length} values; its image has ${item.image.width * item.image.height} pixels`);
  }
}

/** Images and targets of `items` as [n, h, w, 1] tensors (the caller disposes them). */
export function pairs(items: readonly CorrectedMask[], input: ModelInput): { x: tf.Tensor4D; y: tf.Tensor4D } {
  return tf.tidy(() => ({
    x: tf.concat(items.map((item) => toModelInput(item.image, input)), 0),
    y: tf.concat(items.map((item) => toModelTarget(item.mask, item.image, input)), 0),
  }));
}

/** Rows `indices` of a batch tensor. Call inside tf.tidy. */
export function rows(t: tf.Tensor4D, indices: readonly number[]): tf.Tensor4D {
  return tf.gather(t, tf.tensor1d(Array.from(indices), 'int32'));
}

function uniform(random: () => number, limit: number): number {
  return (random() * 2 - 1) * limit;
}

/**
 * Mirror left-right at random when `flip` (image and mask together; not for chests, whose
 * heart is on one side), then a small gamma and gain on the image only. Padding stays 0.
 * Call inside tf.tidy.
 */
export function augmentPairs(x: tf.Tensor4D, y: tf.Tensor4D, random: () => number, flip: boolean): [tf.Tensor4D, tf.Tensor4D] {
  const n = x.shape[0];
  let [xs, ys] = [x, y];
  if (flip) {
    const pick = tf.tensor4d(Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0)), [n, 1, 1, 1], 'bool');
    xs = tf.where(tf.broadcastTo(pick, x.shape), tf.reverse(x, 2), x);
    ys = tf.where(tf.broadcastTo(pick, y.shape), tf.reverse(y, 2), y);
  }
  const gamma = tf.tensor4d(Array.from({ length: n }, () => Math.exp(uniform(random, 0.2))), [n, 1, 1, 1]);
  const gain = tf.tensor4d(Array.from({ length: n }, () => 1 + uniform(random, 0.1)), [n, 1, 1, 1]);
  const shaded = tf.clipByValue(tf.mul(tf.pow(tf.clipByValue(xs, 0, 1), gamma), gain), 0, 1) as tf.Tensor4D;
  return [shaded, ys];
}
