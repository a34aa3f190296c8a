/**
 * Training throughput in Node, images per second: the pneumonia CNN (128x128, 293k parameters)
 * on WASM with Hilum's gradient kernels against tfjs's plain-JS CPU backend, and one step of
 * the brain U-Net as `train --task brain` takes it (batch norm in training mode, batch of 8).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradients } from '../ml/worker/wasm-gradients.ts';
import { buildPneumoniaModel, PNEUMONIA_SIZE } from './train-pneumonia.ts';
import { BRAIN_SPEC } from './train-brain.ts';
import { buildUnet } from './unet.ts';
import { segmentationStep } from './train-segmentation.ts';

/** Images per second over `steps` batches of `batch`, after one warm-up step. */
async function imagesPerSecond(batch: number, steps: number, step: () => Promise<unknown>): Promise<number> {
  await step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) await step();
  return (steps * batch) / ((performance.now() - start) / 1000);
}

async function pneumoniaImagesPerSecond(backend: string, batch: number, steps: number): Promise<number> {
  await tf.setBackend(backend);
  const model = buildPneumoniaModel();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const xs = tf.randomUniform([batch, PNEUMONIA_SIZE, PNEUMONIA_SIZE, 1]);
  const ys = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 2), 'float32');
  const rate = await imagesPerSecond(batch, steps, () => model.trainOnBatch(xs, ys));
  tf.dispose([xs, ys]);
  model.dispose();
  return rate;
}

/** The brain U-Net's training step itself (train-segmentation.ts), with the brain task's batch-pooled Dice. */
async function unetImagesPerSecond(batch: number, steps: number): Promise<number> {
  await tf.setBackend('wasm');
  const model = buildUnet(BRAIN_SPEC);
  const optimizer = tf.train.adam(1e-3);
  const size = BRAIN_SPEC.inputSize;
  const xs = tf.randomUniform([batch, size, size, 1]) as tf.Tensor4D;
  const ys = tf.cast(tf.greater(tf.randomUniform([batch, size, size, 1]), 0.9), 'float32') as tf.Tensor4D;
  const rate = await imagesPerSecond(batch, steps, () => segmentationStep(model, optimizer, xs, ys, 'batch'));
  tf.dispose([xs, ys]);
  optimizer.dispose();
  model.dispose();
  return rate;
}

export async function benchTraining(): Promise<void> {
  registerWasmGradients();
  const wasm = await pneumoniaImagesPerSecond('wasm', 16, 3);
  const cpu = await pneumoniaImagesPerSecond('cpu', 2, 1);
  const unet = await unetImagesPerSecond(8, 3);
  console.log('\nTraining throughput, pneumonia CNN 128x128x1, Adam, Node, one thread\n');
  console.log('| backend | batch | images/s | vs CPU |');
  console.log('|---|---|---|---|');
  console.log(`| WASM + Hilum gradient kernels | 16 | ${wasm.toFixed(1)} | ${(wasm / cpu).toFixed(0)}x |`);
  console.log(`| CPU (tfjs plain JS) | 2 | ${cpu.toFixed(2)} | 1x |`);
  console.log(`\nBrain U-Net ${BRAIN_SPEC.inputSize}x${BRAIN_SPEC.inputSize}, batch norm in training mode, WASM + Hilum gradient kernels (batch norm's included), batch of 8: ${unet.toFixed(1)} images/s`);
}
