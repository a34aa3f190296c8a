/**
 * Turn a grey image of any size and value range into a model input. Shared by the worker
 * and the Node training script so both see exactly the same numbers.
 */
import * as tf from '@tensorflow/tfjs';
import type { GreyImage, ModelInput } from '../api.ts';
import { WorkerError } from './errors.ts';
import { valueRange } from '../../dicom/image-frame.ts';

/** Below this a chest film carries no usable detail; above it the worker would allocate too much. */
const MIN_SIDE = 16;
const MAX_SIDE = 8192;

export function validateGreyImage(image: GreyImage): void {
  const { width, height, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < MIN_SIDE || height < MIN_SIDE) {
    throw new WorkerError('bad-input', `the image is ${width}x${height} pixels; at least ${MIN_SIDE}x${MIN_SIDE} is needed`);
  }
  if (width > MAX_SIDE || height > MAX_SIDE) {
    throw new WorkerError('bad-input', `the image is ${width}x${height} pixels; at most ${MAX_SIDE} per side is accepted`);
  }
  if (pixels.length !== width * height) {
    throw new WorkerError('bad-input', `expected ${width * height} pixel values, got ${pixels.length}`);
  }
}

/**
 * 'unit-range': scale the image's own minimum..maximum to 0..1, then resize bilinearly to the
 * model's input. Per-image scaling makes 8-bit PNGs and 12-bit DICOM values look alike.
 * Returns a [1, h, w, 1] tensor; call inside tf.tidy.
 */
export function toModelInput(image: GreyImage, input: ModelInput): tf.Tensor4D {
  const [min, max] = valueRange(image.pixels);
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new WorkerError('bad-input', 'the image has values that are not numbers');
  const range = max - min || 1;
  const x = tf.tensor4d(image.pixels, [1, image.height, image.width, 1]);
  let scaled = x.sub(min).div(range) as tf.Tensor4D;
  if (image.width === input.width && image.height === input.height) return scaled;
  // Bilinear sampling alone aliases when shrinking a lot; average whole blocks first, the
  // way an area resize does, so a 2,000-pixel film and a 128-pixel PNG give similar inputs.
  const factor = Math.min(Math.floor(image.height / input.height), Math.floor(image.width / input.width));
  if (factor >= 2) scaled = tf.avgPool(scaled, factor, factor, 'valid');
  return tf.image.resizeBilinear(scaled, [input.height, input.width], true);
}
