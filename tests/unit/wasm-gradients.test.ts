/**
 * The WASM convolution gradient kernels we register must match the CPU backend's own kernels
 * (to 1e-4 relative to the gradient's scale) and must not leak tensors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradients } from '../../src/ml/worker/wasm-gradients.ts';
import { seededRandom } from '../../src/ml/random.ts';
import { maxRelativeError } from '../helpers/tolerance.ts';

interface Case {
  name: string;
  x: [number, number, number, number];
  k: [number, number, number, number];
  stride: number;
  pad: 'same' | 'valid';
}

const CASES: Case[] = [
  { name: '3x3 stride 1 same', x: [2, 9, 9, 3], k: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { name: '3x3 stride 2 same, odd size', x: [2, 9, 9, 3], k: [3, 3, 3, 4], stride: 2, pad: 'same' },
  { name: '3x3 stride 2 same, even size', x: [1, 8, 8, 2], k: [3, 3, 2, 5], stride: 2, pad: 'same' },
  { name: '3x3 stride 2 valid', x: [2, 11, 10, 2], k: [3, 3, 2, 3], stride: 2, pad: 'valid' },
  { name: '2x2 stride 2 valid (U-Net down/up)', x: [2, 8, 8, 4], k: [2, 2, 4, 6], stride: 2, pad: 'valid' },
  { name: '1x1', x: [3, 5, 7, 6], k: [1, 1, 6, 2], stride: 1, pad: 'same' },
  { name: '5x5 stride 1 valid, non-square', x: [2, 12, 9, 2], k: [5, 5, 2, 3], stride: 1, pad: 'valid' },
];

function randomArray(size: number, random: () => number): Float32Array {
  return Float32Array.from({ length: size }, () => random() * 2 - 1);
}

async function gradients(c: Case, backend: string): Promise<{ dx: Float32Array; dw: Float32Array }> {
  await tf.setBackend(backend);
  const random = seededRandom(42);
  const x = tf.tensor4d(randomArray(c.x.reduce((a, b) => a * b), random), c.x);
  const w = tf.tensor4d(randomArray(c.k.reduce((a, b) => a * b), random), c.k);
  const yShape = tf.conv2d(x, w, c.stride, c.pad).shape;
  const r = tf.tensor(randomArray(yShape.reduce((a, b) => a * b), random), yShape);
  const loss = (xi: tf.Tensor, wi: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, c.stride, c.pad), r));
  const [dx, dw] = tf.grads(loss)([x, w]);
  const result = { dx: (await dx?.data()) as Float32Array, dw: (await dw?.data()) as Float32Array };
  tf.dispose([x, w, r, dx, dw].filter((t): t is tf.Tensor => t !== undefined));
  return result;
}

describe('WASM convolution gradients', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmGradients();
  });

  it.each(CASES)('match the CPU backend: $name', async (c) => {
    const reference = await gradients(c, 'cpu');
    const ours = await gradients(c, 'wasm');
    expect(ours.dw.length).toBe(reference.dw.length);
    expect(ours.dx.length).toBe(reference.dx.length);
    expect(maxRelativeError(ours.dw, reference.dw)).toBeLessThan(1e-4);
    expect(maxRelativeError(ours.dx, reference.dx)).toBeLessThan(1e-4);
  });

  it('train a small CNN on WASM without leaking tensors', async () => {
    await tf.setBackend('wasm');
    // Seeded weights: with Math.random ones, now and then every ReLU went dead, the loss stayed
    // at ln 2 whatever the gradient, and CI failed on a correct kernel.
    const init = (seed: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed });
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [16, 16, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(3) }),
    ] });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
    const random = seededRandom(7);
    // Bright images are class 1: a task a working gradient learns in a few steps.
    const labels = Float32Array.from({ length: 32 }, (_, i) => i % 2);
    const images = Float32Array.from({ length: 32 * 256 }, (_, i) => random() * 0.5 + (labels[Math.floor(i / 256)] ?? 0) * 0.5);
    const xs = tf.tensor4d(images, [32, 16, 16, 1]);
    const ys = tf.tensor2d(labels, [32, 1]);
    const first = Number(await model.trainOnBatch(xs, ys));
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 30; i++) last = Number(await model.trainOnBatch(xs, ys));
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first * 0.5);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
