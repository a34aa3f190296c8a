/**
 * Training throughput of the pneumonia CNN (128x128, 293k parameters) in Node: WASM with
 * Hilum's gradient kernels against tfjs's plain-JS CPU backend, images per second.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradients } from '../ml/worker/wasm-gradients.ts';
import { buildPneumoniaModel, PNEUMONIA_SIZE } from './train-pneumonia.ts';

async function stepsPerSecond(backend: string, batch: number, steps: number): Promise<number> {
  await tf.setBackend(backend);
  const model = buildPneumoniaModel();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const xs = tf.randomUniform([batch, PNEUMONIA_SIZE, PNEUMONIA_SIZE, 1]);
  const ys = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 2), 'float32');
  await model.trainOnBatch(xs, ys); // warm-up
  const start = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(xs, ys);
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([xs, ys]);
  model.dispose();
  return (steps * batch) / seconds;
}

export async function benchTraining(): Promise<void> {
  registerWasmGradients();
  const wasm = await stepsPerSecond('wasm', 16, 3);
  const cpu = await stepsPerSecond('cpu', 2, 1);
  console.log('\nTraining throughput, pneumonia CNN 128x128x1, Adam, Node, one thread\n');
  console.log('| backend | batch | images/s | vs CPU |');
  console.log('|---|---|---|---|');
  console.log(`| WASM + Hilum gradient kernels | 16 | ${wasm.toFixed(1)} | ${(wasm / cpu).toFixed(0)}x |`);
  console.log(`| CPU (tfjs plain JS) | 2 | ${cpu.toFixed(2)} | 1x |`);
}
