/**
 * Prepared images for fine-tuning: each image is letterboxed once into the model's input and
 * kept as 8-bit (16 KB at 128 px, so 2,000 images are 32 MB), with the backbone's activation
 * statistics (480 values, 2 KB) per base model. The grey image itself is dropped at once. Typed arrays
 * only: no tensor outlives a call.
 */
import * as tf from '../tf.ts';
import type { ModelInput } from '../../api.ts';
import type { PreparedImage } from '../../api-finetune.ts';
import { WorkerError } from '../errors.ts';
import { toModelInput, validateGreyImage } from '../preprocess.ts';
import { getModel } from '../registry.ts';
import { GATE_LAYERS, activationStatistics } from '../gate.ts';

/**
 * The layers whose per-channel mean and deviation make an image's feature vector: the
 * applicability gate's layers, which every Hilum classifier has. A fine-tuned head reads them
 * through MeanStdPooling2D layers (see artifacts.ts), so training and inference agree.
 */
export const STATS_LAYERS = GATE_LAYERS;
const MAX_ID = 200;
const BATCH = 16;

interface Prepared {
  /** The model input, 0..1 scaled to 0..255. */
  input: Uint8Array;
  /** Feature vectors (activation statistics) by base model id. */
  features: Map<string, Float32Array>;
}

const prepared = new Map<string, Prepared>();
const extractors = new WeakMap<tf.LayersModel, tf.LayersModel>();

/** The classifier's STATS_LAYERS as outputs: shares the model's layers, owns no weights. */
function statsModel(model: tf.LayersModel): tf.LayersModel {
  const cached = extractors.get(model);
  if (cached) return cached;
  const missing = STATS_LAYERS.filter((name) => !model.layers.some((l) => l.name === name));
  if (missing.length > 0) throw new WorkerError('bad-input', `${model.name} has no layer named "${missing.join('", "')}", so it cannot be fine-tuned`);
  const extractor = tf.model({ inputs: model.inputs, outputs: STATS_LAYERS.map((name) => model.getLayer(name).output as tf.SymbolicTensor) });
  extractors.set(model, extractor);
  return extractor;
}

/** Feature vectors [n, d] of a batch of model inputs. Call inside tf.tidy. */
export function featureVectors(model: tf.LayersModel, x: tf.Tensor4D): tf.Tensor2D {
  return activationStatistics(statsModel(model).predict(x) as tf.Tensor[]);
}

/** Fails early, with the reason, for a base model that cannot be fine-tuned. */
export function checkFineTunable(model: tf.LayersModel): void {
  statsModel(model);
}

function checkId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID) throw new WorkerError('bad-input', `an image id must be a string of 1 to ${MAX_ID} characters`);
  return id;
}

/** Quantise a [1, h, w, 1] input in 0..1 to bytes. */
async function toBytes(x: tf.Tensor): Promise<Uint8Array> {
  const values = await x.data();
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, values[i] ?? 0)) * 255);
  return out;
}

/** The stored inputs of `ids` as one [n, h, w, 1] tensor in 0..1. Call inside tf.tidy. */
export function inputBatch(ids: readonly string[], input: ModelInput): tf.Tensor4D {
  const size = input.width * input.height;
  const bytes = new Uint8Array(ids.length * size);
  ids.forEach((id, i) => bytes.set(preparedImage(id).input, i * size));
  return tf.div(tf.tensor4d(bytes, [ids.length, input.height, input.width, 1], 'int32'), 255) as tf.Tensor4D;
}

export function preparedImage(id: string): Prepared {
  const p = prepared.get(id);
  if (!p) throw new WorkerError('bad-input', `image "${id}" was not prepared; prepare it first`);
  return p;
}

/** Features of `ids` under `baseModelId`, computed from the stored inputs where missing. */
export async function featuresOf(baseModelId: string, ids: readonly string[]): Promise<Float32Array[]> {
  const missing = ids.filter((id) => !preparedImage(id).features.has(baseModelId));
  if (missing.length > 0) {
    const { loaded } = await getModel(baseModelId);
    for (let start = 0; start < missing.length; start += BATCH) {
      const chunk = missing.slice(start, start + BATCH);
      const out = tf.tidy(() => featureVectors(loaded.model, inputBatch(chunk, loaded.entry.input)));
      const values = await out.data();
      out.dispose();
      const dim = out.shape[1];
      chunk.forEach((id, i) => preparedImage(id).features.set(baseModelId, Float32Array.from(values.subarray(i * dim, (i + 1) * dim))));
    }
  }
  return ids.map((id) => preparedImage(id).features.get(baseModelId) ?? new Float32Array(0));
}

/**
 * Letterbox each image, run the backbone once and keep its features. Features come from the
 * float input, exactly as `classify` sees it; only later passes read the 8-bit copy.
 */
export async function prepareImages(baseModelId: string, images: readonly PreparedImage[]): Promise<number> {
  const { loaded } = await getModel(baseModelId);
  if (loaded.entry.task !== 'classification') throw new WorkerError('bad-input', `${loaded.entry.name} is not a classifier, so it cannot be fine-tuned`);
  checkFineTunable(loaded.model);
  for (const { id, image } of images) {
    checkId(id);
    validateGreyImage(image);
  }
  for (const { id, image } of images) {
    const [x, features] = tf.tidy(() => {
      const input = toModelInput(image, loaded.entry.input);
      return [input, featureVectors(loaded.model, input)];
    });
    try {
      const entry: Prepared = prepared.get(id) ?? { input: new Uint8Array(0), features: new Map() };
      // A new image under an old id replaces everything known about the old one.
      entry.features.clear();
      entry.input = await toBytes(x);
      entry.features.set(baseModelId, (await features.data()) as Float32Array);
      prepared.set(id, entry);
    } finally {
      tf.dispose([x, features]);
    }
  }
  return images.filter(({ id }) => prepared.get(id)?.features.has(baseModelId)).length;
}

export function forgetImages(ids?: readonly string[]): number {
  if (!ids) {
    const count = prepared.size;
    prepared.clear();
    return count;
  }
  return ids.filter((id) => prepared.delete(id)).length;
}

/** How many prepared images have features under this base model. */
export function preparedCount(baseModelId: string): number {
  let n = 0;
  for (const p of prepared.values()) if (p.features.has(baseModelId)) n++;
  return n;
}
