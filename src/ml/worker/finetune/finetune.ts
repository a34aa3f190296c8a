/**
 * fineTune and predictPrepared: options checked, the head fitted on cached features, and in
 * the last-block mode the last block trained on from there; the result becomes a draft user
 * model. One fine-tuning at a time; cancelFineTune stops it between steps with the best
 * weights so far.
 */
import * as tf from '../tf.ts';
import type { FineTuneOptions, FineTuneProgress, FineTuneResult } from '../../api-finetune.ts';
import { WorkerError } from '../errors.ts';
import { getModel } from '../registry.ts';
import { CLASSIFIER_LAYER, HEAD_FEATURES_LAYER, headArtifacts, modelArtifacts, toModelJson, type GateData } from './artifacts.ts';
import { refitGate } from './gate-fit.ts';
import { fitHead, type HeadFit } from './head.ts';
import { fitLastBlock } from './last-block.ts';
import { checkFineTunable, featuresOf, inputBatch, preparedImage } from './prepared.ts';
import { type Cancel, type Labelled, type Progress, type TrainSettings } from './training.ts';
import { addDraft, featureSource } from './user-models.ts';
import { classNames } from './validate.ts';

/** Every run starts from the same seed, so the same images and options give the same model. */
const SEED = 20240601;
/** The head that starts the last-block mode: the recipe measured on Shenzhen TB, stopped on validation. */
const WARM_HEAD = { epochs: 200, learningRate: 1e-3, batchSize: 32, patience: 10 };

let running: Cancel | undefined;

function bounded(value: unknown, name: string, min: number, max: number, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new WorkerError('bad-input', `${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

function labelled(rows: unknown, classes: number, name: string): Labelled<string> {
  if (!Array.isArray(rows)) throw new WorkerError('bad-input', `${name} must be a list of images`);
  const out: Labelled<string> = { items: [], labels: [] };
  for (const row of rows as { id: unknown; label: unknown }[]) {
    if (typeof row.id !== 'string') throw new WorkerError('bad-input', `${name} has an image without an id`);
    preparedImage(row.id);
    out.items.push(row.id);
    out.labels.push(bounded(row.label, `the label of ${row.id}`, 0, classes - 1, true));
  }
  return out;
}

function checkOptions(o: FineTuneOptions): { settings: TrainSettings; train: Labelled<string>; validation: Labelled<string> } {
  const classes = classNames(o.classNames).length;
  if (o.mode !== 'head' && o.mode !== 'last-block') throw new WorkerError('bad-input', 'mode must be "head" or "last-block"');
  const settings: TrainSettings = {
    classes, seed: SEED, augment: o.augment === true,
    epochs: bounded(o.epochs, 'epochs', 1, 1000, true),
    learningRate: bounded(o.learningRate, 'the learning rate', 1e-6, 1, false),
    batchSize: bounded(o.batchSize, 'the batch size', 1, 256, true),
    patience: bounded(o.patience, 'patience', 1, 1000, true),
  };
  const train = labelled(o.train, classes, 'train');
  const validation = labelled(o.validation, classes, 'validation');
  for (let c = 0; c < classes; c++) {
    if (!train.labels.includes(c)) throw new WorkerError('bad-input', `class "${o.classNames[c] ?? c}" has no training image`);
  }
  if (validation.items.length === 0) throw new WorkerError('bad-input', 'validation has no images: early stopping and the metrics need some');
  if (new Set([...train.items, ...validation.items]).size !== train.items.length + validation.items.length) {
    throw new WorkerError('bad-input', 'an image is in training and validation (or twice in one)');
  }
  return { settings, train, validation };
}

function perClass(labels: readonly number[], classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => labels.filter((l) => l === c).length);
}

function headProbabilities(head: HeadFit, features: readonly Float32Array[], classes: number): number[][] {
  return features.map((f) => {
    const logits = Array.from({ length: classes }, (_, c) => f.reduce((s, v, i) => s + v * (head.kernel[i * classes + c] ?? 0), head.bias[c] ?? 0));
    const top = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - top));
    const sum = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / sum);
  });
}

async function run(o: FineTuneOptions, cancel: Cancel, progress: Progress): Promise<Omit<FineTuneResult, 'backend' | 'ms'>> {
  const { settings, train, validation } = checkOptions(o);
  const { loaded } = await getModel(o.baseModelId);
  checkFineTunable(loaded.model);
  const fitFeatures = await featuresOf(o.baseModelId, train.items);
  const valFeatures = await featuresOf(o.baseModelId, validation.items);
  const headSettings = o.mode === 'head' ? settings : { ...settings, ...WARM_HEAD };
  const head = await fitHead({ items: fitFeatures, labels: train.labels }, { items: valFeatures, labels: validation.labels }, headSettings, cancel, o.mode === 'head' ? progress : () => undefined);
  let artifacts = await headArtifacts(loaded.model, head.kernel, head.bias, settings.classes);
  let fit: Omit<HeadFit, 'kernel' | 'bias'> = head;
  let probabilities = headProbabilities(head, valFeatures, settings.classes);
  let gate: GateData | undefined;
  if (o.mode === 'last-block' && !cancel.cancelled) {
    const block = await fitLastBlock(artifacts, train, validation, settings, loaded.entry.input, cancel, progress);
    try {
      artifacts = await modelArtifacts(block.model);
      gate = await refitGate(block.model, train.items, validation.items, loaded.entry.input);
    } finally {
      block.model.dispose();
    }
    fit = block;
    probabilities = block.validationProbabilities;
  }
  const draftId = addDraft(toModelJson(artifacts, gate), {
    baseModelId: o.baseModelId, baseModelVersion: loaded.entry.version, classNames: o.classNames, mode: o.mode,
    data: { train: perClass(train.labels, settings.classes), validation: perClass(validation.labels, settings.classes) },
  });
  return {
    draftId, history: fit.history, bestEpoch: fit.bestEpoch, stoppedEarly: fit.stoppedEarly, cancelled: fit.cancelled,
    validation: validation.items.map((id, i) => ({ id, label: validation.labels[i] ?? 0, probabilities: probabilities[i] ?? [] })),
  };
}

export async function fineTune(o: FineTuneOptions, onProgress: (p: FineTuneProgress) => void): Promise<Omit<FineTuneResult, 'backend' | 'ms'>> {
  if (running) throw new WorkerError('bad-input', 'a fine-tuning is already running; cancel it or wait for it to finish');
  const cancel: Cancel = { cancelled: false };
  running = cancel;
  // A page that went away must not stop training: a failed progress message is dropped.
  const progress: Progress = (p) => { try { void Promise.resolve(onProgress(p)).catch(() => undefined); } catch { /* the page is gone */ } };
  try {
    return await run(o, cancel, progress);
  } finally {
    running = undefined;
  }
}

export function cancelFineTune(): void {
  if (running) running.cancelled = true;
}

/** The classifier on cached statistics (the layers before it only compute them). Call inside tf.tidy. */
function applyHead(model: tf.LayersModel, features: tf.Tensor2D): tf.Tensor2D {
  return model.getLayer(CLASSIFIER_LAYER).apply(features, { training: false }) as tf.Tensor2D;
}

/** From cached features when the model's backbone computes them unchanged, else from the 8-bit inputs. */
export async function predictPrepared(modelId: string, ids: readonly string[]): Promise<{ id: string; probabilities: number[] }[]> {
  if (!Array.isArray(ids)) throw new WorkerError('bad-input', 'ids must be a list');
  for (const id of ids) preparedImage(id);
  const { loaded } = await getModel(modelId);
  if (loaded.entry.task !== 'classification') throw new WorkerError('bad-input', `${loaded.entry.name} does not classify images`);
  // Only a fine-tuned head reads the cached statistics; a shipped classifier reads its own pooling.
  const source = loaded.model.layers.some((l) => l.name === HEAD_FEATURES_LAYER) ? featureSource(modelId) : undefined;
  const out: { id: string; probabilities: number[] }[] = [];
  for (let start = 0; start < ids.length; start += 32) {
    const chunk = ids.slice(start, start + 32);
    const features = source === undefined ? undefined : await featuresOf(source, chunk);
    const p = tf.tidy(() => (features
      ? applyHead(loaded.model, tf.tensor2d(features.map((f) => Array.from(f))))
      : loaded.model.predict(inputBatch(chunk, loaded.entry.input)) as tf.Tensor2D));
    const rows = (await p.array()) as number[][];
    p.dispose();
    chunk.forEach((id, i) => out.push({ id, probabilities: rows[i] ?? [] }));
  }
  return out;
}
