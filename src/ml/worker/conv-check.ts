/**
 * A tiny convolution whose answer we compute by plain loops: a backend that starts but
 * computes wrongly (a broken driver, a bad shader compiler) must not be used for diagnosis.
 */
import * as tf from './tf.ts';

const SIZE = 6;
const KERNEL = 3;
const TOLERANCE = 1e-3;

function input(): Float32Array {
  return Float32Array.from({ length: SIZE * SIZE }, (_, i) => ((i * 7) % 11) / 10 - 0.4);
}

function kernel(): Float32Array {
  return Float32Array.from({ length: KERNEL * KERNEL }, (_, i) => (i % 4) - 1.5);
}

/** Valid (unpadded) 2-D correlation, the definition tf.conv2d follows. */
export function referenceConv(x: Float32Array, k: Float32Array, size: number, ksize: number): Float32Array {
  const out = size - ksize + 1;
  const result = new Float32Array(out * out);
  for (let r = 0; r < out; r++) {
    for (let c = 0; c < out; c++) {
      let sum = 0;
      for (let i = 0; i < ksize; i++) {
        for (let j = 0; j < ksize; j++) sum += (x[(r + i) * size + c + j] ?? 0) * (k[i * ksize + j] ?? 0);
      }
      result[r * out + c] = sum;
    }
  }
  return result;
}

export async function passesConvCheck(): Promise<boolean> {
  const x = input();
  const k = kernel();
  const expected = referenceConv(x, k, SIZE, KERNEL);
  const y = tf.tidy(() => tf.conv2d(tf.tensor4d(x, [1, SIZE, SIZE, 1]), tf.tensor4d(k, [KERNEL, KERNEL, 1, 1]), 1, 'valid'));
  try {
    const got = await y.data();
    return expected.every((v, i) => Math.abs(v - (got[i] ?? Number.NaN)) <= TOLERANCE);
  } catch {
    return false;
  } finally {
    y.dispose();
  }
}
