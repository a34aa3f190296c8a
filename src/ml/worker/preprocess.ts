/**
 * Turn a grey image of any size and value range into a model input. Shared by the worker
 * and the Node training script so both see exactly the same numbers.
 */
import * as tf from './tf.ts';
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

/** Where the image lands inside the model's input: scaled to fit whole, centred, the rest padded. */
export interface Placement {
  top: number;
  left: number;
  width: number;
  height: number;
}

/** Letterboxing keeps the aspect ratio: a tall film is not squashed into a square. */
export function placement(image: { width: number; height: number }, input: ModelInput): Placement {
  const scale = Math.min(input.width / image.width, input.height / image.height);
  const width = Math.max(1, Math.min(input.width, Math.round(image.width * scale)));
  const height = Math.max(1, Math.min(input.height, Math.round(image.height * scale)));
  return { top: Math.floor((input.height - height) / 2), left: Math.floor((input.width - width) / 2), width, height };
}

/**
 * 'unit-range': scale the image's own minimum..maximum to 0..1, then resize it to fit the
 * model's input with its aspect ratio kept, padding the rest with 0. Per-image scaling makes
 * 8-bit PNGs and 12-bit DICOM values look alike. Returns a [1, h, w, 1] tensor; call inside tf.tidy.
 */
export function toModelInput(image: GreyImage, input: ModelInput): tf.Tensor4D {
  const [min, max] = valueRange(image.pixels);
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new WorkerError('bad-input', 'the image has values that are not numbers');
  const range = max - min || 1;
  const x = tf.tensor4d(image.pixels, [1, image.height, image.width, 1]);
  let scaled = x.sub(min).div(range) as tf.Tensor4D;
  const place = placement(image, input);
  if (image.width !== place.width || image.height !== place.height) {
    // Bilinear sampling alone aliases when shrinking a lot; average whole blocks first, the
    // way an area resize does, so a 2,000-pixel film and a 128-pixel PNG give similar inputs.
    const factor = Math.min(Math.floor(image.height / place.height), Math.floor(image.width / place.width));
    if (factor >= 2) scaled = tf.avgPool(scaled, factor, factor, 'valid');
    scaled = tf.image.resizeBilinear(scaled, [place.height, place.width], true);
  }
  if (place.width === input.width && place.height === input.height) return scaled;
  return tf.pad(scaled, [[0, 0], [place.top, input.height - place.height - place.top], [place.left, input.width - place.width - place.left], [0, 0]]);
}
