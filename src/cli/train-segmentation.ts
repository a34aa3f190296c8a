/**
 * One training loop for both U-Nets, on WASM in Node with Hilum's gradient kernels: sampled
 * batches, paired augmentation, Adam with step decay, and the best epoch by the task's own
 * validation Dice kept (and checkpointed, so an interrupted run still leaves a model).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradients } from '../ml/worker/wasm-gradients.ts';
import { seededRandom } from '../ml/random.ts';
import { augmentPair, type AugmentOptions } from './augment.ts';
import { unitRangeBatch } from './kermany.ts';
import { saveLayersModel } from './model-files.ts';
import { segmentationLoss } from '../ml/worker/segmentation-loss.ts';
import { buildUnet, type UnetSpec } from './unet.ts';
import type { SegmentationSet } from './segmentation-data.ts';

export interface SegmentationTask {
  spec: UnetSpec;
  train: SegmentationSet;
  /** Batch indices into `train` for one step. */
  sample: (random: () => number) => number[];
  /** The validation score (higher is better) that picks the epoch to keep. */
  validate: (model: tf.LayersModel) => number;
  augment: AugmentOptions;
  /** How soft Dice is pooled in the loss; see segmentationLoss. */
  dice: 'image' | 'batch';
  /** Mirror left-right at random (brains are near-symmetric; chests are not: the heart). */
  flip: boolean;
  epochs: number;
  steps: number;
  learningRate: number;
  saveTo?: string;
  log?: (line: string) => void;
}

/** Written beside the checkpoint during training; publishing folds it into figures.json and removes it. */
export const HISTORY_FILE = 'history.json';

export interface SegmentationEpoch {
  epoch: number;
  loss: number;
  valDice: number;
  imagesPerSecond: number;
  /** Wall time since training started, validation included. */
  elapsedSeconds: number;
}

/** What `npm run train` gives each segmentation task. */
export interface RunOptions {
  dataRoot: string;
  epochs: number;
  steps: number;
  /** A short run on a subset of validation, to prove the pipeline learns. */
  quick: boolean;
  saveTo?: string;
  log: (line: string) => void;
}

export interface TrainedSegmenter {
  model: tf.LayersModel;
  history: SegmentationEpoch[];
  bestEpoch: number;
}

/** A batch of images (unit range) and masks as [n, size, size, 1] tensors. */
export function pairBatch(set: SegmentationSet, indices: readonly number[]): [tf.Tensor4D, tf.Tensor4D] {
  const { size } = set;
  const area = size * size;
  const x = unitRangeBatch({ size, pixels: set.images, labels: new Uint8Array(0), count: set.count }, indices);
  const y = new Float32Array(indices.length * area);
  indices.forEach((index, b) => y.set(set.masks.subarray(index * area, (index + 1) * area), b * area));
  return [tf.tensor4d(x, [indices.length, size, size, 1]), tf.tensor4d(y, [indices.length, size, size, 1])];
}

/** Thresholded masks (0/1) for the given images, predicted in chunks to bound memory. */
export function predictMasks(model: tf.LayersModel, set: SegmentationSet, indices: readonly number[], threshold = 0.5): Uint8Array {
  const area = set.size * set.size;
  const out = new Uint8Array(indices.length * area);
  for (let start = 0; start < indices.length; start += 16) {
    const chunk = indices.slice(start, start + 16);
    const mask = tf.tidy(() => {
      const x = tf.tensor4d(unitRangeBatch({ size: set.size, pixels: set.images, labels: new Uint8Array(0), count: set.count }, chunk), [chunk.length, set.size, set.size, 1]);
      return tf.greaterEqual(model.predict(x) as tf.Tensor, threshold);
    });
    out.set(mask.dataSync(), start * area);
    mask.dispose();
  }
  return out;
}

/** Mirror left-right at random, image and mask together (one flip of both channels). */
function mirrorSome(x: tf.Tensor4D, y: tf.Tensor4D, random: () => number): [tf.Tensor4D, tf.Tensor4D] {
  return tf.tidy(() => {
    const n = x.shape[0];
    const both = tf.concat([x, y], 3);
    const pick = tf.tensor4d(Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0)), [n, 1, 1, 1], 'bool');
    const flipped = tf.where(tf.broadcastTo(pick, both.shape), tf.reverse(both, 2), both);
    return [tf.slice(flipped, [0, 0, 0, 0], [-1, -1, -1, 1]), tf.slice(flipped, [0, 0, 0, 1], [-1, -1, -1, 1])] as [tf.Tensor4D, tf.Tensor4D];
  });
}

/** One optimiser step on a batch, batch norm in training mode; resolves to its loss. `npm run bench` times this same step. */
export async function segmentationStep(model: tf.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor4D, dice: SegmentationTask['dice']): Promise<number> {
  const value = optimizer.minimize(() => segmentationLoss(y, model.apply(x, { training: true }) as tf.Tensor4D, dice), true);
  const loss = value ? (await value.data())[0] ?? 0 : 0;
  value?.dispose();
  return loss;
}

async function trainEpoch(model: tf.LayersModel, task: SegmentationTask, optimizer: tf.Optimizer, random: () => number): Promise<{ loss: number; imagesPerSecond: number }> {
  const start = Date.now();
  let loss = 0;
  let images = 0;
  for (let step = 0; step < task.steps; step++) {
    const indices = task.sample(random);
    const [x0, y0] = pairBatch(task.train, indices);
    const [x1, y1] = task.flip ? mirrorSome(x0, y0, random) : [x0, y0];
    const [x, y] = augmentPair(x1, y1, random, task.augment);
    loss += await segmentationStep(model, optimizer, x, y, task.dice);
    images += indices.length;
    tf.dispose([x0, y0, x1, y1, x, y]);
  }
  return { loss: loss / task.steps, imagesPerSecond: images / ((Date.now() - start) / 1000) };
}

export async function trainSegmentation(task: SegmentationTask): Promise<TrainedSegmenter> {
  Math.random = seededRandom(task.spec.seed + 1);
  await tf.setBackend('wasm');
  registerWasmGradients();
  const model = buildUnet(task.spec);
  const optimizer = tf.train.adam(task.learningRate);
  const random = seededRandom(task.spec.seed);
  const started = Date.now();
  const history: SegmentationEpoch[] = [];
  let best = { dice: -1, epoch: 0, weights: [] as tf.Tensor[] };
  // Adam's slots appear on the first step, so the tensor count is compared from epoch 1 on.
  let baseline = -1;
  for (let epoch = 1; epoch <= task.epochs; epoch++) {
    // Step decay at 60% and 85% of the run; a run of a few epochs (--quick) has nothing to decay over.
    const decay = task.epochs >= 5 && (epoch === Math.ceil(task.epochs * 0.6) || epoch === Math.ceil(task.epochs * 0.85));
    if (decay) (optimizer as unknown as { learningRate: number }).learningRate /= 3;
    const record = await trainEpoch(model, task, optimizer, random);
    const valDice = task.validate(model);
    history.push({ epoch, ...record, valDice, elapsedSeconds: Math.round((Date.now() - started) / 1000) });
    if (valDice > best.dice) {
      tf.dispose(best.weights);
      best = { dice: valDice, epoch, weights: model.getWeights().map((w) => w.clone()) };
      if (task.saveTo) await saveLayersModel(model, task.saveTo);
    }
    // The history so far, next to the checkpoint: publishing can then run apart from training.
    if (task.saveTo) writeFileSync(join(task.saveTo, HISTORY_FILE), JSON.stringify(history));
    const batch = task.sample(() => 0).length;
    const eta = ((task.epochs - epoch) * task.steps * batch) / record.imagesPerSecond / 60;
    const held = tf.memory().numTensors - best.weights.length;
    if (baseline < 0) baseline = held;
    const leak = held - baseline;
    task.log?.(`epoch ${epoch}/${task.epochs} loss ${record.loss.toFixed(4)} val Dice ${valDice.toFixed(4)} ${record.imagesPerSecond.toFixed(1)} img/s, ETA ${eta.toFixed(1)} min${leak > 0 ? `, ${leak} tensors leaked` : ''}`);
  }
  model.setWeights(best.weights);
  tf.dispose(best.weights);
  return { model, history, bestEpoch: best.epoch };
}
