/**
 * A new softmax head on frozen features (the backbone's activation statistics, see
 * prepared.ts): multinomial logistic regression on the standardised features with an L2 penalty, Adam, early stopping on validation loss with the
 * best epoch's weights kept. Zero initial weights: the problem is convex, so the result does
 * not depend on an initialiser's seed, only on the (seeded) batch order. The standardisation
 * is folded into the returned kernel and bias, so the head applies to raw features.
 */
import * as tf from '../tf.ts';
import type { EpochStats } from '../../api-finetune.ts';
import { seededRandom, shuffled } from '../../random.ts';
import { type Cancel, type Labelled, type Progress, type TrainSettings, nextTask, oneHot, probabilityStats } from './training.ts';

export interface HeadFit {
  /** [dim, classes] row-major, applies to raw (unstandardised) features. */
  kernel: Float32Array;
  bias: Float32Array;
  history: EpochStats[];
  bestEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
}

/** Measured on Shenzhen TB from the pneumonia backbone 1.0.0 (test AUC 0.87); strong enough for ~100 images. */
export const HEAD_L2 = 1e-2;

interface Standard {
  mean: Float64Array;
  scale: Float64Array;
}

function standardiser(rows: readonly Float32Array[]): Standard {
  const dim = rows[0]?.length ?? 0;
  const mean = new Float64Array(dim);
  const scale = new Float64Array(dim);
  for (const r of rows) for (let i = 0; i < dim; i++) mean[i] = (mean[i] ?? 0) + (r[i] ?? 0) / rows.length;
  for (const r of rows) for (let i = 0; i < dim; i++) scale[i] = (scale[i] ?? 0) + ((r[i] ?? 0) - (mean[i] ?? 0)) ** 2 / rows.length;
  // A channel that never varies (a dead ReLU) is left unscaled rather than divided by zero.
  for (let i = 0; i < dim; i++) scale[i] = Math.sqrt(scale[i] ?? 0) > 1e-6 ? Math.sqrt(scale[i] ?? 0) : 1;
  return { mean, scale };
}

function standardised(rows: readonly Float32Array[], s: Standard): tf.Tensor2D {
  const dim = s.mean.length;
  const flat = new Float32Array(rows.length * dim);
  rows.forEach((r, n) => { for (let i = 0; i < dim; i++) flat[n * dim + i] = ((r[i] ?? 0) - (s.mean[i] ?? 0)) / (s.scale[i] ?? 1); });
  return tf.tensor2d(flat, [rows.length, dim]);
}

/** W' = W / s per row, b' = b - sum_i (m_i / s_i) W_i: the same logits on raw features. */
function fold(kernel: Float32Array, bias: Float32Array, s: Standard, classes: number): { kernel: Float32Array; bias: Float32Array } {
  const k = new Float32Array(kernel.length);
  const b = Float32Array.from(bias);
  for (let i = 0; i < s.mean.length; i++) {
    for (let c = 0; c < classes; c++) {
      const w = (kernel[i * classes + c] ?? 0) / (s.scale[i] ?? 1);
      k[i * classes + c] = w;
      b[c] = (b[c] ?? 0) - (s.mean[i] ?? 0) * w;
    }
  }
  return { kernel: k, bias: b };
}

interface Tensors {
  xTrain: tf.Tensor2D;
  yTrain: tf.Tensor2D;
  xVal: tf.Tensor2D;
  w: tf.Variable;
  b: tf.Variable;
}

function crossEntropy(logits: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(y, logits);
}

function trainStep(t: Tensors, optimizer: tf.Optimizer, idx: number[]): void {
  tf.tidy(() => {
    const rows = tf.tensor1d(idx, 'int32');
    const x = tf.gather(t.xTrain, rows);
    const y = tf.gather(t.yTrain, rows);
    optimizer.minimize(() => tf.add(crossEntropy(tf.add(tf.matMul(x, t.w), t.b), y), tf.mul(HEAD_L2 / 2, tf.sum(tf.square(t.w)))) as tf.Scalar, false, [t.w, t.b]);
  });
}

async function probabilities(t: Tensors, x: tf.Tensor2D): Promise<number[][]> {
  const p = tf.tidy(() => tf.softmax(tf.add(tf.matMul(x, t.w), t.b)));
  try {
    return (await p.array()) as number[][];
  } finally {
    p.dispose();
  }
}

/** Fit the head; `train` and `validation` carry raw feature vectors. */
export async function fitHead(train: Labelled<Float32Array>, validation: Labelled<Float32Array>, settings: TrainSettings, cancel: Cancel, progress: Progress): Promise<HeadFit> {
  const dim = train.items[0]?.length ?? 0;
  const { classes } = settings;
  const s = standardiser(train.items);
  const t: Tensors = {
    xTrain: standardised(train.items, s), yTrain: oneHot(train.labels, classes), xVal: standardised(validation.items, s),
    // Inside tidy: a variable keeps its own copy, the zeros it started from are freed.
    w: tf.tidy(() => tf.variable(tf.zeros([dim, classes]))), b: tf.tidy(() => tf.variable(tf.zeros([classes]))),
  };
  const optimizer = tf.train.adam(settings.learningRate);
  const random = seededRandom(settings.seed);
  const history: EpochStats[] = [];
  let best = { loss: Infinity, epoch: 0, w: new Float32Array(dim * classes), b: new Float32Array(classes) };
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= settings.epochs && !cancel.cancelled; epoch++) {
      const start = performance.now();
      const order = shuffled(train.items.length, random);
      const steps = Math.ceil(order.length / settings.batchSize);
      for (let step = 0; step < steps && !cancel.cancelled; step++) {
        trainStep(t, optimizer, order.slice(step * settings.batchSize, (step + 1) * settings.batchSize));
        progress({ kind: 'step', epoch, step: step + 1, steps });
      }
      // Both losses are the plain cross-entropy of a full pass (no L2 term), so the curves compare.
      const fitStats = probabilityStats(await probabilities(t, t.xTrain), train.labels);
      const valStats = probabilityStats(await probabilities(t, t.xVal), validation.labels);
      const stats: EpochStats = { epoch, loss: fitStats.loss, accuracy: fitStats.accuracy, valLoss: valStats.loss, valAccuracy: valStats.accuracy, ms: performance.now() - start };
      history.push(stats);
      progress({ kind: 'epoch', stats, epochs: settings.epochs });
      if (stats.valLoss < best.loss) best = { loss: stats.valLoss, epoch, w: Float32Array.from(await t.w.data()), b: Float32Array.from(await t.b.data()) };
      else if (epoch - best.epoch >= settings.patience) {
        stoppedEarly = true;
        break;
      }
      // Let a cancel message in between epochs; they take milliseconds.
      await nextTask();
    }
  } finally {
    optimizer.dispose();
    tf.dispose([t.xTrain, t.yTrain, t.xVal, t.w, t.b]);
  }
  return { ...fold(best.w, best.b, s, classes), history, bestEpoch: best.epoch, stoppedEarly, cancelled: cancel.cancelled };
}
