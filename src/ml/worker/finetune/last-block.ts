/**
 * The last-block mode: the model with its head already fitted on frozen features (see head.ts)
 * trains further with `block4_conv1` and `features` unfrozen, on the prepared 8-bit inputs.
 * Epoch 0 of the history is that starting point, measured by a full pass, so early stopping
 * can keep it when retraining the block does not help on validation. On WASM this needs
 * Hilum's gradient kernels (registerWasmGradients), which the worker registers on start.
 */
import * as tf from '../tf.ts';
import type { EpochStats } from '../../api-finetune.ts';
import type { ModelInput } from '../../api.ts';
import { seededRandom, shuffled } from '../../random.ts';
import { CLASSIFIER_LAYER } from './artifacts.ts';
import { augmentBatch } from './augment.ts';
import { inputBatch } from './prepared.ts';
import { type Cancel, type Labelled, type Progress, type TrainSettings, nextTask, oneHot, probabilityStats } from './training.ts';

/** The last convolution block of Hilum's classifiers, and the new head. */
export const UNFROZEN = new Set(['block4_conv1', 'features', CLASSIFIER_LAYER]);
const EVAL_BATCH = 32;

export interface LastBlockFit {
  /** The model at its best epoch's weights; the caller disposes it. */
  model: tf.LayersModel;
  history: EpochStats[];
  bestEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  validationProbabilities: number[][];
}

export async function probabilitiesOf(model: tf.LayersModel, ids: readonly string[], input: ModelInput): Promise<number[][]> {
  const out: number[][] = [];
  for (let start = 0; start < ids.length; start += EVAL_BATCH) {
    const p = tf.tidy(() => model.predict(inputBatch(ids.slice(start, start + EVAL_BATCH), input)) as tf.Tensor2D);
    out.push(...((await p.array()) as number[][]));
    p.dispose();
  }
  return out;
}

/** One pass over the training images in a seeded order; the mean of the batch losses and accuracies. */
async function trainEpoch(model: tf.LayersModel, train: Labelled<string>, epoch: number, settings: TrainSettings, input: ModelInput, random: () => number, cancel: Cancel, progress: Progress): Promise<{ loss: number; accuracy: number }> {
  const order = shuffled(train.items.length, random);
  const steps = Math.ceil(order.length / settings.batchSize);
  let loss = 0;
  let accuracy = 0;
  let done = 0;
  for (let step = 0; step < steps && !cancel.cancelled; step++) {
    const rows = order.slice(step * settings.batchSize, (step + 1) * settings.batchSize);
    const xs = tf.tidy(() => {
      const x = inputBatch(rows.map((i) => train.items[i] ?? ''), input);
      return settings.augment ? augmentBatch(x, random) : x;
    });
    const ys = oneHot(rows.map((i) => train.labels[i] ?? 0), settings.classes);
    try {
      const [l = Number.NaN, a = Number.NaN] = [await model.trainOnBatch(xs, ys)].flat();
      loss += l;
      accuracy += a;
      done++;
    } finally {
      tf.dispose([xs, ys]);
    }
    progress({ kind: 'step', epoch, step: step + 1, steps });
    // Steps take about a second on WASM: let a cancel message in between them.
    await nextTask();
  }
  return { loss: loss / Math.max(1, done), accuracy: accuracy / Math.max(1, done) };
}

export async function fitLastBlock(start: tf.io.ModelArtifacts, train: Labelled<string>, validation: Labelled<string>, settings: TrainSettings, input: ModelInput, cancel: Cancel, progress: Progress): Promise<LastBlockFit> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(start));
  for (const layer of model.layers) layer.trainable = UNFROZEN.has(layer.name);
  const optimizer = tf.train.adam(settings.learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const random = seededRandom(settings.seed);
  const t0 = performance.now();
  const fit0 = probabilityStats(await probabilitiesOf(model, train.items, input), train.labels);
  const val0Probabilities = await probabilitiesOf(model, validation.items, input);
  const val0 = probabilityStats(val0Probabilities, validation.labels);
  const stats0: EpochStats = { epoch: 0, loss: fit0.loss, accuracy: fit0.accuracy, valLoss: val0.loss, valAccuracy: val0.accuracy, ms: performance.now() - t0 };
  const history = [stats0];
  progress({ kind: 'epoch', stats: stats0, epochs: settings.epochs });
  let best = { loss: val0.loss, epoch: 0, weights: model.getWeights().map((w) => w.clone()), probabilities: val0Probabilities };
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= settings.epochs && !cancel.cancelled; epoch++) {
      const begun = performance.now();
      const fit = await trainEpoch(model, train, epoch, settings, input, random, cancel, progress);
      const probabilities = await probabilitiesOf(model, validation.items, input);
      const val = probabilityStats(probabilities, validation.labels);
      const stats: EpochStats = { epoch, loss: fit.loss, accuracy: fit.accuracy, valLoss: val.loss, valAccuracy: val.accuracy, ms: performance.now() - begun };
      history.push(stats);
      progress({ kind: 'epoch', stats, epochs: settings.epochs });
      if (val.loss < best.loss) {
        tf.dispose(best.weights);
        best = { loss: val.loss, epoch, weights: model.getWeights().map((w) => w.clone()), probabilities };
      } else if (epoch - best.epoch >= settings.patience) {
        stoppedEarly = true;
        break;
      }
    }
    model.setWeights(best.weights);
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    optimizer.dispose();
    tf.dispose(best.weights);
  }
  return { model, history, bestEpoch: best.epoch, stoppedEarly, cancelled: cancel.cancelled, validationProbabilities: best.probabilities };
}
