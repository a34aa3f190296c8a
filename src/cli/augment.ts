/**
 * Training-time augmentation on [n, h, w, 1] tensors in 0..1: small affine jitter (scale,
 * rotation, shift), then contrast, gamma and noise, so models lean less on one hospital's look.
 */
import * as tf from '@tensorflow/tfjs';

export interface AugmentOptions {
  maxRotation: number;
  maxScale: number;
  maxShift: number;
  maxGamma: number;
  maxContrast: number;
  noise: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = { maxRotation: 0.12, maxScale: 0.1, maxShift: 0.06, maxGamma: 0.25, maxContrast: 0.15, noise: 0.02 };

function uniform(random: () => number, limit: number): number {
  return (random() * 2 - 1) * limit;
}

/** One projective transform row per image: rotation and scale about the centre, then shift. */
function affineRows(n: number, h: number, w: number, o: AugmentOptions, random: () => number): number[][] {
  return Array.from({ length: n }, () => {
    const angle = uniform(random, o.maxRotation);
    const scale = 1 + uniform(random, o.maxScale);
    const cos = Math.cos(angle) / scale;
    const sin = Math.sin(angle) / scale;
    const cx = w / 2;
    const cy = h / 2;
    const tx = uniform(random, o.maxShift) * w;
    const ty = uniform(random, o.maxShift) * h;
    return [cos, -sin, cx - cos * cx + sin * cy + tx, sin, cos, cy - sin * cx - cos * cy + ty, 0, 0];
  });
}

/** The same random rotation, scale and shift for every channel of each image. */
export function affine(x: tf.Tensor4D, random: () => number, o: AugmentOptions = DEFAULT_AUGMENT): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = x.shape;
    return tf.image.transform(x, tf.tensor2d(affineRows(n, h, w, o, random)), 'bilinear', 'nearest');
  });
}

/** Gamma, contrast about the mean, and Gaussian noise, per image; values stay in 0..1. */
export function intensity(x: tf.Tensor4D, random: () => number, o: AugmentOptions = DEFAULT_AUGMENT): tf.Tensor4D {
  return tf.tidy(() => {
    const n = x.shape[0];
    const gamma = tf.tensor4d(Array.from({ length: n }, () => Math.exp(uniform(random, o.maxGamma))), [n, 1, 1, 1]);
    const contrast = tf.tensor4d(Array.from({ length: n }, () => 1 + uniform(random, o.maxContrast)), [n, 1, 1, 1]);
    const shaped = tf.pow(tf.clipByValue(x, 1e-4, 1), gamma);
    const mean = tf.mean(shaped, [1, 2, 3], true);
    const contrasted = tf.add(tf.mul(tf.sub(shaped, mean), contrast), mean);
    const noisy = tf.add(contrasted, tf.randomNormal(x.shape, 0, o.noise, 'float32', Math.floor(random() * 1e9)));
    return tf.clipByValue(noisy, 0, 1) as tf.Tensor4D;
  });
}

export function augment(x: tf.Tensor4D, random: () => number, o: AugmentOptions = DEFAULT_AUGMENT): tf.Tensor4D {
  return tf.tidy(() => intensity(affine(x, random, o), random, o));
}

/**
 * An image batch and its masks moved together (one transform for both), then intensity
 * changes on the image only; masks are re-binarised after bilinear resampling.
 */
export function augmentPair(x: tf.Tensor4D, masks: tf.Tensor4D, random: () => number, o: AugmentOptions = DEFAULT_AUGMENT): [tf.Tensor4D, tf.Tensor4D] {
  return tf.tidy(() => {
    const moved = affine(tf.concat([x, masks], 3), random, o);
    const image = tf.slice(moved, [0, 0, 0, 0], [-1, -1, -1, 1]) as tf.Tensor4D;
    const mask = tf.cast(tf.greater(tf.slice(moved, [0, 0, 0, 1], [-1, -1, -1, 1]), 0.5), 'float32') as tf.Tensor4D;
    return [intensity(image, random, o), mask];
  });
}
