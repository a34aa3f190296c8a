/**
 * Our FusedBatchNorm gradient must give what automatic differentiation gives for the same
 * formula written in plain ops, (x - mean) / sqrt(var + eps) * scale + offset, for every input,
 * on both backends, and in training mode where mean and variance come from the batch itself.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradients } from '../../src/ml/worker/wasm-gradients.ts';
import { seededRandom } from '../../src/ml/random.ts';
import { maxRelativeError } from '../helpers/tolerance.ts';

const SHAPE: [number, number, number, number] = [3, 5, 4, 6];
const EPSILON = 1e-3;

type Norm = (x: tf.Tensor4D, mean: tf.Tensor1D, variance: tf.Tensor1D, offset: tf.Tensor1D, scale: tf.Tensor1D) => tf.Tensor4D;

const fused: Norm = (x, mean, variance, offset, scale) => tf.batchNorm4d(x, mean, variance, offset, scale, EPSILON);
const plain: Norm = (x, mean, variance, offset, scale) =>
  tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, EPSILON))), scale), offset);

function values(size: number, random: () => number, low: number, high: number): Float32Array {
  return Float32Array.from({ length: size }, () => low + random() * (high - low));
}

/**
 * Gradients of sum(norm(...) * r) with respect to x, offset and scale, and also mean and variance
 * when they are inputs rather than the batch's own moments.
 */
async function gradients(norm: Norm, fromBatch: boolean): Promise<Float32Array[]> {
  const random = seededRandom(11);
  const c = SHAPE[3];
  const x = tf.tensor4d(values(SHAPE.reduce((a, b) => a * b), random, -2, 3), SHAPE);
  const offset = tf.tensor1d(values(c, random, -1, 1));
  const scale = tf.tensor1d(values(c, random, 0.5, 1.5));
  const mean = tf.tensor1d(values(c, random, -1, 1));
  const variance = tf.tensor1d(values(c, random, 0.2, 2));
  const params = fromBatch ? [offset, scale] : [offset, scale, mean, variance];
  const r = tf.tensor4d(values(x.size, random, -1, 1), SHAPE);
  const loss = (...inputs: tf.Tensor[]): tf.Scalar => {
    const [xi, o, s, m, v] = inputs as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D?, tf.Tensor1D?];
    const moments = fromBatch ? tf.moments(xi, [0, 1, 2]) : { mean: m, variance: v };
    return tf.sum(tf.mul(norm(xi, moments.mean as tf.Tensor1D, moments.variance as tf.Tensor1D, o, s), r));
  };
  const grads = tf.grads(loss)([x, ...params]);
  const result = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
  tf.dispose([x, r, offset, scale, mean, variance, ...grads]);
  return result;
}

describe('batch-norm gradient', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmGradients();
  });

  it.each([
    { backend: 'cpu', fromBatch: false },
    { backend: 'wasm', fromBatch: false },
    { backend: 'wasm', fromBatch: true },
  ])('matches the plain-op formula: $backend, mean and variance from the batch: $fromBatch', async ({ backend, fromBatch }) => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const ours = await gradients(fused, fromBatch);
    const reference = await gradients(plain, fromBatch);
    expect(tf.memory().numTensors).toBe(before);
    expect(ours).toHaveLength(fromBatch ? 3 : 5);
    ours.forEach((g, i) => {
      const ref = reference[i] ?? new Float32Array();
      expect(g.length).toBe(ref.length);
      // A gradient of zero everywhere would match a zero reference: x's and scale's are not.
      if (i === 0 || i === 2) expect(Math.max(...Array.from(ref, Math.abs))).toBeGreaterThan(0.05);
      expect(maxRelativeError(g, ref)).toBeLessThan(1e-4);
    });
  });
});
