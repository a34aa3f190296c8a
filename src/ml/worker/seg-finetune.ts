/**
 * Fine-tuning a U-Net on the user's corrected masks: a copy of the base model with the encoder
 * frozen (everything up to and including the bottleneck), the up-sampling path and the output
 * convolution trained with the training loss (BCE + soft Dice), Adam at a small rate. The
 * held-out corrections are never trained on; both models are scored on them through
 * predictMask, at each image's own size, so the Dice is that of the masks the user sees.
 */
import * as tf from './tf.ts';
import type { ModelEntry } from '../api.ts';
import { MIN_CORRECTED, type CorrectedMask, type SegEpochStats, type SegFineTuneOptions, type SegFineTuneProgress, type SegFineTuneResult } from '../api-segfinetune.ts';
import { measuresLungs } from '../mask-measure.ts';
import { dice, mean } from '../overlap.ts';
import { seededRandom, shuffled } from '../random.ts';
import { WorkerError } from './errors.ts';
import { getModel } from './registry.ts';
import { predictMask } from './segment.ts';
import { addDraft, copyModel, getDraft } from './seg-drafts.ts';
import { segmentationLoss } from './segmentation-loss.ts';
import { registerWasmGradients } from './wasm-gradients.ts';
import { augmentPairs, pairs, rows, validateItem } from './seg-finetune-data.ts';

/** Layers of the U-Net's contracting path (unet.ts names them so): frozen. */
const ENCODER = /^(image|downsample|down\d+_|pool\d+|bottleneck_)/;
/** With this many training items or more, one is set aside to stop on; fewer cannot spare it. */
const STOP_ITEM_FROM = 6;

export type SegFineTuneOutcome = Omit<SegFineTuneResult, 'backend' | 'ms' | 'fellBackFrom'>;
type Progress = (progress: SegFineTuneProgress) => void;

let cancelling = false;

export function cancelSegmenterFineTune(): void {
  cancelling = true;
}

function validate(options: SegFineTuneOptions): void {
  const { items, heldOut } = options;
  if (items.length < MIN_CORRECTED) throw new WorkerError('bad-input', `${items.length} corrected image${items.length === 1 ? '' : 's'} given; at least ${MIN_CORRECTED} are needed (some to learn from, one to hold out)`);
  const ids = new Set(items.map((i) => i.id));
  if (ids.size !== items.length) throw new WorkerError('bad-input', 'two corrected images share an id');
  if (heldOut.length === 0 || heldOut.some((id) => !ids.has(id))) throw new WorkerError('bad-input', 'choose at least one held-out image among the corrected ones');
  if (heldOut.length >= items.length) throw new WorkerError('bad-input', 'every corrected image is held out; leave at least one to learn from');
  const { epochs, learningRate, batchSize, patience } = options;
  if (!(Number.isInteger(epochs) && epochs >= 1 && epochs <= 200)) throw new WorkerError('bad-input', `epochs must be 1 to 200, not ${epochs}`);
  if (!(learningRate > 0 && learningRate <= 0.01)) throw new WorkerError('bad-input', `the learning rate must be above 0 and at most 0.01, not ${learningRate}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 32)) throw new WorkerError('bad-input', `the batch size must be 1 to 32, not ${batchSize}`);
  if (!(Number.isInteger(patience) && patience >= 1)) throw new WorkerError('bad-input', `patience must be a whole number of epochs, not ${patience}`);
  items.forEach(validateItem);
}

/** Freeze the encoder; the decoder's variables, the only ones the optimiser may touch. */
function freezeEncoder(model: tf.LayersModel): tf.Variable[] {
  for (const layer of model.layers) layer.trainable = !ENCODER.test(layer.name);
  const frozen = model.layers.filter((l) => !l.trainable && l.weights.length > 0);
  if (frozen.length === 0 || model.trainableWeights.length === 0) throw new WorkerError('bad-input', `${model.name} is not a Hilum U-Net: no encoder and decoder layers by name`);
  // LayerVariable.read() hands back the backing tf.Variable itself (not a copy): minimize needs it.
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

interface Training {
  model: tf.LayersModel;
  vars: tf.Variable[];
  train: { x: tf.Tensor4D; y: tf.Tensor4D };
  stop: { x: tf.Tensor4D; y: tf.Tensor4D } | undefined;
  options: SegFineTuneOptions;
  diceOver: 'image' | 'batch';
  flip: boolean;
  onProgress: Progress;
}

async function trainEpoch(t: Training, optimizer: tf.Optimizer, random: () => number): Promise<number> {
  const n = t.train.x.shape[0];
  const order = shuffled(n, random);
  let total = 0;
  let steps = 0;
  for (let start = 0; start < n && !cancelling; start += t.options.batchSize) {
    const batch = order.slice(start, start + t.options.batchSize);
    const [x, y] = tf.tidy(() => {
      const bx = rows(t.train.x, batch);
      const by = rows(t.train.y, batch);
      return t.options.augment ? augmentPairs(bx, by, random, t.flip) : [bx, by];
    });
    // Inference mode: a U-Net with batch normalisation keeps the statistics it learnt from
    // thousands of slices; a handful of corrected images would overwrite them, the frozen encoder's too.
    const cost = optimizer.minimize(() => segmentationLoss(y, t.model.apply(x, { training: false }) as tf.Tensor4D, t.diceOver), true, t.vars);
    total += cost ? (await cost.data())[0] ?? 0 : 0;
    steps += 1;
    tf.dispose(cost ? [x, y, cost] : [x, y]);
    // Let a cancel message in between steps.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return total / Math.max(1, steps);
}

async function lossOn(t: Training, set: { x: tf.Tensor4D; y: tf.Tensor4D }): Promise<number> {
  const loss = tf.tidy(() => segmentationLoss(set.y, t.model.predict(set.x) as tf.Tensor4D, t.diceOver));
  const value = (await loss.data())[0] ?? Number.NaN;
  loss.dispose();
  return value;
}

/** Epochs with early stopping on the set-aside item; the best epoch's decoder weights end up in the model. */
async function fit(t: Training): Promise<Pick<SegFineTuneResult, 'history' | 'bestEpoch' | 'stoppedEarly' | 'cancelled'>> {
  const optimizer = tf.train.adam(t.options.learningRate);
  const random = seededRandom(7);
  const history: SegEpochStats[] = [];
  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, weights: [] as tf.Tensor[] };
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= t.options.epochs && !cancelling; epoch++) {
      const started = performance.now();
      const loss = await trainEpoch(t, optimizer, random);
      const stats: SegEpochStats = { epoch, loss, ms: 0 };
      if (t.stop) stats.stopLoss = await lossOn(t, t.stop);
      stats.ms = performance.now() - started;
      history.push(stats);
      t.onProgress({ kind: 'epoch', stats, epochs: t.options.epochs });
      const score = stats.stopLoss ?? loss;
      if (t.stop && score < best.loss) {
        tf.dispose(best.weights);
        best = { loss: score, epoch, weights: t.vars.map((v) => v.clone()) };
      } else if (t.stop && epoch - best.epoch >= t.options.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (best.weights.length > 0) t.vars.forEach((v, i) => v.assign(best.weights[i] ?? v));
    return { history, bestEpoch: t.stop ? best.epoch : history.length, stoppedEarly, cancelled: cancelling };
  } finally {
    tf.dispose(best.weights);
    optimizer.dispose();
  }
}

async function baseModel(id: string): Promise<{ entry: ModelEntry; model: tf.LayersModel }> {
  const base = (await getDraft(id)) ?? (await getModel(id)).loaded;
  if (base.entry.task !== 'segmentation') throw new WorkerError('bad-input', `${base.entry.name} classifies images; only an outline model can learn from corrected masks`);
  return base;
}

/** Held-out, training and (when there are enough) early-stop items, in the page's order. */
function split(options: SegFineTuneOptions): { heldOut: CorrectedMask[]; train: CorrectedMask[]; stop: CorrectedMask | undefined } {
  const held = new Set(options.heldOut);
  const heldOut = options.items.filter((i) => held.has(i.id));
  const learn = options.items.filter((i) => !held.has(i.id));
  const stop = learn.length >= STOP_ITEM_FROM ? learn[learn.length - 1] : undefined;
  return { heldOut, train: stop ? learn.slice(0, -1) : learn, stop };
}

export async function fineTuneSegmenter(options: SegFineTuneOptions, onProgress: Progress): Promise<SegFineTuneOutcome> {
  validate(options);
  cancelling = false;
  // WASM has no convolution filter gradient of its own; the worker registers ours when WASM starts, Node callers may not have.
  if (tf.getBackend() === 'wasm' && !tf.getKernel('Conv2DBackpropFilter', 'wasm')) registerWasmGradients();
  const base = await baseModel(options.baseModelId);
  const parts = split(options);
  const model = await copyModel(base.model);
  let train: { x: tf.Tensor4D; y: tf.Tensor4D } | undefined;
  let stop: { x: tf.Tensor4D; y: tf.Tensor4D } | undefined;
  try {
    train = pairs(parts.train, base.entry.input);
    if (parts.stop) stop = pairs([parts.stop], base.entry.input);
    const vars = freezeEncoder(model);
    const lungs = measuresLungs(base.entry);
    // As in training: per-image Dice where every image holds the structure, pooled where many slices hold none.
    const fitted = await fit({ model, vars, train, stop, options, diceOver: lungs ? 'image' : 'batch', flip: !lungs, onProgress });
    const heldOut = [];
    for (const item of parts.heldOut) {
      const before = dice(await predictMask(base.model, base.entry, item.image), item.mask);
      const after = dice(await predictMask(model, base.entry, item.image), item.mask);
      heldOut.push({ id: item.id, before, after });
      onProgress({ kind: 'scoring', done: heldOut.length, total: parts.heldOut.length });
    }
    const draft = await addDraft(base.entry, model, parts.train.length);
    const result: SegFineTuneOutcome = {
      draft, baseModelId: base.entry.id, ...fitted, trained: parts.train.map((i) => i.id), heldOut,
      meanBefore: mean(heldOut.map((h) => h.before)), meanAfter: mean(heldOut.map((h) => h.after)),
    };
    if (parts.stop) result.earlyStopId = parts.stop.id;
    return result;
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose([train?.x, train?.y, stop?.x, stop?.y]);
  }
}
