/**
 * Pneumonia classifier, chest X-ray 128x128, trained from scratch on Kermany's train split
 * (val patients held out by `suggested_split`) on the WASM backend with our gradient kernels.
 * Balanced batches, augmentation, Adam with a step decay. The run keeps its best epoch and the
 * mean of every step's weights over its second half (see WeightAverage), and hands back whichever
 * ranks the validation films better under framing changes (chooseEnding).
 * Run it through `npm run train -- --task pneumonia`.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradients } from '../ml/worker/wasm-gradients.ts';
import { auc, confusion } from '../ml/metrics.ts';
import { DEFAULT_AUGMENT, augment, type AugmentOptions } from './augment.ts';
import { loadKermany, unitRangeBatch, type GreyStack } from './kermany.ts';
import { scoresOf } from './pneumonia-scores.ts';
import { robustness } from './pneumonia-robustness.ts';
import { saveLayersModel } from './model-files.ts';
import { seededRandom, shuffled } from '../ml/random.ts';
import { WeightAverage } from './weight-average.ts';

const ID = 'pneumonia-cxr';
const SIZE = 128;
const SEED = 2024;
const BATCH = 32;
/**
 * Wider zoom, stretch and blur than the segmenters get, with black where a zoom-out uncovers the
 * frame: at 1.0.0 a 20% zoom into validation normals turned 26 of 134 into pneumonia calls, and a
 * black border (which the app's letterbox adds to every non-square film) hid 153 of 383 pneumonias.
 * It was reading the chest's size in the frame, which changes with every hospital's collimation.
 */
const PNEUMONIA_AUGMENT: AugmentOptions = { ...DEFAULT_AUGMENT, logScale: 0.25, maxAspect: 0.1, blur: 0.5, fill: 'constant' };

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

export interface TrainOptions {
  epochs: number;
  stepsPerEpoch: number;
  dataRoot: string;
  /** Where to checkpoint the best epoch, then the weight mean at the end if it wins; none for a quick check. */
  saveTo?: string;
  augment?: AugmentOptions;
  /** Keep the mean of the weights after every step from this epoch on (see WeightAverage). */
  averageFrom?: number;
  log?: (line: string) => void;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  valAuc: number;
  imagesPerSecond: number;
  /** Val AUC of the weight mean so far, from `averageFrom` on. */
  averagedValAuc?: number;
}

/** Which weights a run with a weight mean hands back, and the validation figures that chose them. */
export interface Ending {
  bestEpoch: { epoch: number; pooledAuc: number };
  mean: { fromEpoch: number; steps: number; pooledAuc: number };
  chosen: 'best epoch' | 'weight mean';
}

export interface TrainResult {
  /** With the weights `ending` chose if `averageFrom` was given, else those of the best epoch by val AUC. */
  model: tf.LayersModel;
  history: EpochRecord[];
  /** The best epoch by val AUC of the weights as trained (not the mean). */
  bestEpoch: number;
  ending?: Ending;
  val: GreyStack;
}

/**
 * The best epoch or the weight mean, whichever ranks the validation films better with every
 * framing change pooled; the model is left holding the winner. 1.2.0 shipped the mean by a rule
 * that never weighed the best epoch, and on that run the best epoch ranked better (0.9897 against
 * 0.9883) and called fewer zoomed or blurred normals pneumonia.
 */
function chooseEnding(model: tf.LayersModel, mean: WeightAverage, best: { epoch: number }, fromEpoch: number, val: GreyStack): Ending {
  // Pooled AUC ranks; it does not depend on the cut, so any threshold serves here.
  const pooled = (): number => robustness(model, val, 0.5).pooledAuc;
  const bestEpoch = { epoch: best.epoch, pooledAuc: pooled() };
  const averaged = { fromEpoch, steps: mean.samples, pooledAuc: mean.withMean(model, pooled) };
  const chosen = averaged.pooledAuc > bestEpoch.pooledAuc ? 'weight mean' : 'best epoch';
  if (chosen === 'weight mean') mean.copyTo(model);
  return { bestEpoch, mean: averaged, chosen };
}

export async function trainPneumonia(options: TrainOptions): Promise<TrainResult> {
  // tfjs draws dropout masks from Math.random; seeding it makes runs repeat exactly.
  Math.random = seededRandom(SEED + 1);
  await tf.setBackend('wasm');
  registerWasmGradients();
  const { epochs, stepsPerEpoch } = options;
  const root = join(options.dataRoot, 'cxr-pneumonia-kermany-128');
  const train = loadKermany(root, 'train');
  const val = loadKermany(root, 'val');
  const byClass = [0, 1].map((c) => Array.from(train.labels.keys()).filter((i) => train.labels[i] === c));
  const model = buildModel();
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  const random = seededRandom(SEED);
  let best = { auc: -1, epoch: 0, weights: [] as tf.Tensor[] };
  const history: EpochRecord[] = [];
  const mean = new WeightAverage();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    // Step decay; tfjs keeps the rate protected but reads it on every step.
    if (epoch === Math.ceil(epochs * 0.6) || epoch === Math.ceil(epochs * 0.85)) (optimizer as unknown as { learningRate: number }).learningRate /= 3;
    const averaging = options.averageFrom !== undefined && epoch >= options.averageFrom;
    const plan = { steps: stepsPerEpoch, augment: options.augment ?? PNEUMONIA_AUGMENT, ...(averaging ? { afterStep: () => mean.add(model) } : {}) };
    const record = await trainEpoch(model, train, byClass, plan, random);
    const valAuc = auc(scoresOf(model, val), val.labels);
    const averagedValAuc = averaging ? mean.withMean(model, () => auc(scoresOf(model, val), val.labels)) : undefined;
    history.push({ epoch, ...record, valAuc, ...(averagedValAuc === undefined ? {} : { averagedValAuc }) });
    if (valAuc > best.auc) {
      tf.dispose(best.weights);
      best = { auc: valAuc, epoch, weights: model.getWeights().map((w) => w.clone()) };
      // A checkpoint of the best epoch so far, so an interrupted run still leaves a model.
      if (options.saveTo) await saveLayersModel(model, options.saveTo);
    }
    const eta = ((epochs - epoch) * stepsPerEpoch * BATCH) / record.imagesPerSecond / 60;
    const meanNote = averagedValAuc === undefined ? '' : ` (weight mean of ${mean.samples} steps: ${averagedValAuc.toFixed(4)})`;
    options.log?.(`epoch ${epoch}/${epochs} loss ${record.loss.toFixed(4)} val AUC ${valAuc.toFixed(4)}${meanNote} ${record.imagesPerSecond.toFixed(1)} img/s, ETA ${eta.toFixed(1)} min`);
  }
  model.setWeights(best.weights);
  tf.dispose(best.weights);
  const ending = mean.samples > 0 && options.averageFrom !== undefined ? chooseEnding(model, mean, best, options.averageFrom, val) : undefined;
  mean.dispose();
  if (ending?.chosen === 'weight mean' && options.saveTo) await saveLayersModel(model, options.saveTo);
  return { model, history, bestEpoch: best.epoch, val, ...(ending ? { ending } : {}) };
}

interface EpochPlan { steps: number; augment: AugmentOptions; afterStep?: () => void }

async function trainEpoch(model: tf.LayersModel, train: GreyStack, byClass: number[][], { steps, augment: o, afterStep }: EpochPlan, random: () => number): Promise<{ loss: number; imagesPerSecond: number }> {
  const start = Date.now();
  let loss = 0;
  for (let step = 0; step < steps; step++) {
    const idx = balancedBatch(byClass, BATCH, random);
    const xs = tf.tidy(() => augment(tf.tensor4d(unitRangeBatch(train, idx), [BATCH, SIZE, SIZE, 1]), random, o));
    const ys = tf.tensor1d(idx.map((i) => train.labels[i] ?? 0), 'float32');
    loss += Number(await model.trainOnBatch(xs, ys));
    tf.dispose([xs, ys]);
    afterStep?.();
  }
  return { loss: loss / steps, imagesPerSecond: (steps * BATCH) / ((Date.now() - start) / 1000) };
}

export { ID as PNEUMONIA_ID, SIZE as PNEUMONIA_SIZE, buildModel as buildPneumoniaModel };
