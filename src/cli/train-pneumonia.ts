/**
 * Pneumonia classifier, chest X-ray 128x128, trained from scratch on Kermany's train split
 * (val patients held out by `suggested_split`) on the WASM backend with our gradient kernels.
 * Balanced batches, augmentation, Adam with a step decay; the best epoch by val AUC is kept.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradients } from '../ml/worker/wasm-gradients.ts';
import { auc, confusion } from '../ml/metrics.ts';
import { augment } from './augment.ts';
import { loadKermany, unitRangeBatch, type GreyStack } from './kermany.ts';
import { MODELS_DIR, saveLayersModel } from './model-files.ts';
import { seededRandom, shuffled } from './seeded.ts';
import { argValue, dataRoot } from './args.ts';

const ID = 'pneumonia-cxr';
const SIZE = 128;
const SEED = 2024;

function buildModel(): tf.LayersModel {
  let seed = SEED;
  const init = (): ReturnType<typeof tf.initializers.heNormal> => tf.initializers.heNormal({ seed: seed++ });
  const input = tf.input({ shape: [SIZE, SIZE, 1] });
  let x: tf.SymbolicTensor = input;
  const widths = [16, 32, 64, 128];
  widths.forEach((filters, block) => {
    x = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), name: `block${block + 1}_conv1` }).apply(x) as tf.SymbolicTensor;
    const name = block === widths.length - 1 ? 'features' : `block${block + 1}_conv2`;
    x = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), name }).apply(x) as tf.SymbolicTensor;
    if (block < widths.length - 1) x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.globalAveragePooling2d({ name: 'pooled' }).apply(x) as tf.SymbolicTensor;
  // No fixed seed here: a seeded Dropout draws the same mask every step, and the network then
  // learns to read the mask (which batch position it is) instead of the image.
  x = tf.layers.dropout({ rate: 0.3 }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: SEED }), name: 'classifier' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: ID });
}

/** Half normal, half pneumonia per batch (the classes are 1:3 in training), in random order. */
function balancedBatch(byClass: number[][], batch: number, random: () => number): number[] {
  const picks = Array.from({ length: batch }, (_, i) => {
    const pool = byClass[i % 2] ?? [];
    return pool[Math.floor(random() * pool.length)] ?? 0;
  });
  return shuffled(batch, random).map((i) => picks[i] ?? 0);
}

function scoresOf(model: tf.LayersModel, stack: GreyStack): Float32Array {
  const out = new Float32Array(stack.count);
  for (let start = 0; start < stack.count; start += 64) {
    const idx = Array.from({ length: Math.min(64, stack.count - start) }, (_, i) => start + i);
    const p = tf.tidy(() => (model.predict(tf.tensor4d(unitRangeBatch(stack, idx), [idx.length, SIZE, SIZE, 1])) as tf.Tensor).slice([0, 1], [-1, 1]));
    out.set(p.dataSync(), start);
    p.dispose();
  }
  return out;
}

/** The threshold on validation that maximises sensitivity + specificity (Youden's J). */
export function youdenThreshold(scores: Float32Array, labels: Uint8Array): number {
  let best = { j: -1, t: 0.5 };
  for (let t = 0.02; t < 0.99; t += 0.01) {
    const c = confusion(scores, labels, t);
    const j = c.tp / Math.max(1, c.tp + c.fn) + c.tn / Math.max(1, c.tn + c.fp) - 1;
    if (j > best.j) best = { j, t };
  }
  return Number(best.t.toFixed(2));
}

async function main(): Promise<void> {
  // tfjs draws dropout masks from Math.random; seeding it makes runs repeat exactly.
  Math.random = seededRandom(SEED + 1);
  await tf.setBackend('wasm');
  registerWasmGradients();
  const quick = process.argv.includes('--quick');
  const epochs = Number(argValue('--epochs') ?? (quick ? 2 : 12));
  const stepsPerEpoch = quick ? 10 : Number(argValue('--steps') ?? 160);
  const root = join(dataRoot(), 'cxr-pneumonia-kermany-128');
  const train = loadKermany(root, 'train');
  const val = loadKermany(root, 'val');
  const byClass = [0, 1].map((c) => Array.from(train.labels.keys()).filter((i) => train.labels[i] === c));
  const model = buildModel();
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  const random = seededRandom(SEED);
  const batch = 32;
  let best = { auc: -1, epoch: 0, weights: [] as tf.Tensor[] };
  const started = Date.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    // Step decay; tfjs keeps the rate protected but reads it on every step.
    if (epoch === Math.ceil(epochs * 0.6) || epoch === Math.ceil(epochs * 0.85)) (optimizer as unknown as { learningRate: number }).learningRate /= 3;
    let loss = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const idx = balancedBatch(byClass, batch, random);
      const xs = tf.tidy(() => augment(tf.tensor4d(unitRangeBatch(train, idx), [batch, SIZE, SIZE, 1]), random));
      const ys = tf.tensor1d(idx.map((i) => train.labels[i] ?? 0), 'float32');
      loss += Number(await model.trainOnBatch(xs, ys));
      tf.dispose([xs, ys]);
    }
    const valAuc = auc(scoresOf(model, val), val.labels);
    if (valAuc > best.auc) {
      tf.dispose(best.weights);
      best = { auc: valAuc, epoch, weights: model.getWeights().map((w) => w.clone()) };
      // A checkpoint of the best epoch so far, so an interrupted run still leaves a model.
      if (!quick) await saveLayersModel(model, join(MODELS_DIR, ID));
    }
    const perEpoch = (Date.now() - started) / epoch;
    console.log(`epoch ${epoch}/${epochs} loss ${(loss / stepsPerEpoch).toFixed(4)} val AUC ${valAuc.toFixed(4)} ` +
      `${(perEpoch / 1000).toFixed(0)} s/epoch, ${((stepsPerEpoch * batch) / (perEpoch / 1000)).toFixed(1)} img/s, ETA ${(((epochs - epoch) * perEpoch) / 60000).toFixed(1)} min`);
  }
  model.setWeights(best.weights);
  await finish(model, val, best.epoch, quick);
}

async function finish(model: tf.LayersModel, val: GreyStack, bestEpoch: number, quick: boolean): Promise<void> {
  const valScores = scoresOf(model, val);
  const threshold = youdenThreshold(valScores, val.labels);
  const summary = { bestEpoch, valAuc: auc(valScores, val.labels), threshold, params: model.countParams() };
  console.log(JSON.stringify(summary));
  if (quick) return;
  const dir = join(MODELS_DIR, ID);
  await saveLayersModel(model, dir);
  writeFileSync(join(dir, 'training.json'), `${JSON.stringify(summary, null, 2)}\n`);
}

await main();
