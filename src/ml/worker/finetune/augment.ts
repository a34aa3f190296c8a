/**
 * Training-time augmentation for the last-block mode, on [n, h, w, 1] inputs in 0..1: a small
 * rotation, scale and shift, then gamma and contrast. No flips: a mirrored chest film puts the
 * heart on the wrong side, which no real frontal film shows. Seeded, so runs repeat.
 */
import * as tf from '../tf.ts';

const ROTATION = 0.08;
const SCALE = 0.08;
const SHIFT = 0.05;
const GAMMA = 0.2;
const CONTRAST = 0.15;

function jitter(random: () => number, limit: number): number {
  return (random() * 2 - 1) * limit;
}

/** One projective row per image: rotate and scale about the centre, then shift. */
function transforms(n: number, h: number, w: number, random: () => number): number[][] {
  return Array.from({ length: n }, () => {
    const angle = jitter(random, ROTATION);
    const scale = 1 + jitter(random, SCALE);
    const cos = Math.cos(angle) / scale;
    const sin = Math.sin(angle) / scale;
    const tx = jitter(random, SHIFT) * w;
    const ty = jitter(random, SHIFT) * h;
    return [cos, -sin, w / 2 - cos * (w / 2) + sin * (h / 2) + tx, sin, cos, h / 2 - sin * (w / 2) - cos * (h / 2) + ty, 0, 0];
  });
}

export function augmentBatch(x: tf.Tensor4D, random: () => number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = x.shape;
    const moved = tf.image.transform(x, tf.tensor2d(transforms(n, h, w, random)), 'bilinear', 'constant', 0);
    const gamma = tf.tensor4d(Array.from({ length: n }, () => Math.exp(jitter(random, GAMMA))), [n, 1, 1, 1]);
    const contrast = tf.tensor4d(Array.from({ length: n }, () => 1 + jitter(random, CONTRAST)), [n, 1, 1, 1]);
    const shaped = tf.pow(tf.clipByValue(moved, 1e-4, 1), gamma);
    const mean = tf.mean(shaped, [1, 2, 3], true);
    return tf.clipByValue(tf.add(tf.mul(tf.sub(shaped, mean), contrast), mean), 0, 1) as tf.Tensor4D;
  });
}
