/**
 * Training-time augmentation on [n, h, w, 1] tensors in 0..1: affine jitter (scale, aspect,
 * rotation, shift), then blur, contrast, gamma and noise, so models lean less on one hospital's look.
 */
import * as tf from '@tensorflow/tfjs';

export interface AugmentOptions {
  maxRotation: number;
  maxScale: number;
  maxShift: number;
  maxGamma: number;
  maxContrast: number;
  noise: number;
  /** Zoom drawn log-uniformly in exp(±logScale) instead of 1 ± maxScale, so zooming in and out are equally likely. */
  logScale?: number;
  /** Width and height stretched apart by exp(±maxAspect): films squashed to a square from other shapes. */
  maxAspect?: number;
  /** Share of images softened by a random amount of a 5x5 binomial blur (another detector's sharpness). */
  blur?: number;
  /** What a zoom-out or shift uncovers: the edge pixels repeated (default), or black, as the app's letterbox pads. */
  fill?: 'nearest' | 'constant';
}

export const DEFAULT_AUGMENT: AugmentOptions = { maxRotation: 0.12, maxScale: 0.1, maxShift: 0.06, maxGamma: 0.25, maxContrast: 0.15, noise: 0.02 };

function uniform(random: () => number, limit: number): number {
  return (random() * 2 - 1) * limit;
}

/** One projective transform row per image: rotation and scale about the centre, then shift. */
function affineRows(n: number, h: number, w: number, o: AugmentOptions, random: () => number): number[][] {
  return Array.from({ length: n }, () => {
    const angle = uniform(random, o.maxRotation);
    const scale = o.logScale === undefined ? 1 + uniform(random, o.maxScale) : Math.exp(uniform(random, o.logScale));
    const stretch = o.maxAspect === undefined ? 1 : Math.exp(uniform(random, o.maxAspect));
    // Output pixel -> input pixel: rotate, then undo the zoom along each axis.
    const [sx, sy] = [scale * stretch, scale / stretch];
    const [a0, a1, b0, b1] = [Math.cos(angle) / sx, -Math.sin(angle) / sy, Math.sin(angle) / sx, Math.cos(angle) / sy];
    const cx = w / 2;
    const cy = h / 2;
    const tx = uniform(random, o.maxShift) * w;
    const ty = uniform(random, o.maxShift) * h;
    return [a0, a1, cx - a0 * cx - a1 * cy + tx, b0, b1, cy - b0 * cx - b1 * cy + ty, 0, 0];
  });
}

/** The same random rotation, scale and shift for every channel of each image. */
export function affine(x: tf.Tensor4D, random: () => number, o: AugmentOptions = DEFAULT_AUGMENT): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = x.shape;
    return tf.image.transform(x, tf.tensor2d(affineRows(n, h, w, o, random)), 'bilinear', o.fill ?? 'nearest', 0);
  });
}

const BINOMIAL = [1, 4, 6, 4, 1].map((v) => v / 16);

/** A 5x5 binomial blur; the edges are mirrored so that a flat film stays flat. Call inside tidy. */
export function binomialBlur(x: tf.Tensor4D): tf.Tensor4D {
  const kernel = tf.tensor4d(BINOMIAL.flatMap((a) => BINOMIAL.map((b) => a * b)), [5, 5, 1, 1]);
  return tf.conv2d(tf.mirrorPad(x, [[0, 0], [2, 2], [2, 2], [0, 0]], 'symmetric'), kernel, 1, 'valid');
}

/** Each image blended towards its blurred self by a random weight, or left sharp. */
function soften(x: tf.Tensor4D, share: number, random: () => number): tf.Tensor4D {
  return tf.tidy(() => {
    const n = x.shape[0];
    const blurred = binomialBlur(x);
    const weights = Array.from({ length: n }, () => (random() < share ? random() : 0));
    const weight = tf.tensor4d(weights, [n, 1, 1, 1]);
    return tf.add(tf.mul(x, tf.sub(1, weight)), tf.mul(blurred, weight)) as tf.Tensor4D;
  });
}

/** Blur (if asked), gamma, contrast about the mean, and Gaussian noise, per image; values stay in 0..1. */
export function intensity(input: tf.Tensor4D, random: () => number, o: AugmentOptions = DEFAULT_AUGMENT): tf.Tensor4D {
  return tf.tidy(() => {
    const x = o.blur ? soften(input, o.blur, random) : input;
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
