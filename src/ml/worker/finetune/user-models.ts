/**
 * The models the user made: drafts (in memory until saved or the worker restarts) and saved
 * ones (in a UserModelStore). Both are ModelFiles, so a draft, a saved model and an imported
 * one are built, listed and exported by the same code. They reach classify, heatmap and the
 * gate through the registry (setUserModelSource), as `user:` ids.
 */
import * as tf from '../tf.ts';
import type { ModelEntry, ModelInput } from '../../api.ts';
import type { ModelFiles, UserModelMeta } from '../../api-finetune.ts';
import { WorkerError } from '../errors.ts';
import { withLayerOutputs, type Gate } from '../gate.ts';
import { USER_MODEL_PREFIX, forgetModel, getManifest, getModel, setUserModelSource, type LoadedModel } from '../registry.ts';
import { CLASSIFIER_LAYER } from './artifacts.ts';
import { userModelCard } from './card.ts';
import { MemoryStore, type UserModelStore } from './store.ts';
import { text, validateFiles, validateMeta, validateModelJson, type ParsedModelJson } from './validate.ts';

const INPUT: ModelInput = { width: 128, height: 128, channels: 1, preprocessing: 'unit-range' };
/** Two classes: the larger probability wins. Not tuned on validation, which already chose the epoch. */
const OPERATING_POINT = 0.5;

let store: UserModelStore = new MemoryStore();
const drafts = new Map<string, ModelFiles>();
/** For a built user model whose backbone equals its base's: the base id, whose cached features it can reuse. */
const sameBackbone = new Map<string, string>();
let draftCount = 0;

export function useUserModelStore(next: UserModelStore): void {
  store = next;
  setUserModelSource({ entries: userModelEntries, build: buildUserModel });
}

export function addDraft(files: Omit<ModelFiles, 'meta' | 'card'>, meta: Omit<UserModelMeta, 'id' | 'name' | 'createdAt' | 'metrics'>): string {
  draftCount += 1;
  const id = `${USER_MODEL_PREFIX}draft-${draftCount}`;
  const full: UserModelMeta = { ...meta, id, name: `Unsaved model ${draftCount}`, createdAt: new Date().toISOString(), metrics: {} };
  drafts.set(id, { ...files, meta: full, card: userModelCard(full, { gateRefitted: hasGate(files.modelJson) }) });
  return id;
}

function hasGate(modelJson: string): boolean {
  return (JSON.parse(modelJson) as { userDefinedMetadata?: { hilumGate?: unknown } }).userDefinedMetadata?.hilumGate !== undefined;
}

async function filesOf(id: string): Promise<ModelFiles> {
  const files = drafts.get(id) ?? (await store.get(id));
  if (!files) throw new WorkerError('model-not-found', `no user model "${id}"`);
  return files;
}

async function baseEntry(id: string): Promise<ModelEntry | undefined> {
  try {
    return (await getManifest()).models.find((m) => m.id === id);
  } catch {
    return undefined;
  }
}

function entryOf(meta: UserModelMeta, sizeBytes: number, base: ModelEntry | undefined): ModelEntry {
  const entry: ModelEntry = {
    id: meta.id, name: meta.name, task: 'classification', version: meta.createdAt, input: INPUT,
    labels: meta.classNames, positiveIndex: 1, operatingPoint: OPERATING_POINT, sizeBytes, files: [], card: '',
    summary: `fine-tuned by you from ${meta.baseModelId} (${meta.mode === 'head' ? 'new head' : 'last block and head'}) on ${meta.data.train.reduce((s, v) => s + v, 0)} images: ${meta.classNames.join(' / ')}.`,
  };
  // The same kind of image as the base model is for, so the app's scope check still applies.
  if (base?.scope) entry.scope = base.scope;
  return entry;
}

export async function userModelEntries(): Promise<ModelEntry[]> {
  const metas = [...[...drafts.values()].map((d) => d.meta), ...(await store.list())];
  const out: ModelEntry[] = [];
  for (const meta of metas) out.push(entryOf(meta, 0, await baseEntry(meta.baseModelId)));
  return out;
}

/** True when every weight before the classifier equals the base model's, value for value. */
async function backboneEquals(model: tf.LayersModel, base: tf.LayersModel): Promise<boolean> {
  for (const layer of model.layers) {
    if (layer.name === CLASSIFIER_LAYER || layer.weights.length === 0) continue;
    const other = base.layers.find((l) => l.name === layer.name);
    if (!other || other.weights.length !== layer.weights.length) return false;
    for (let i = 0; i < layer.weights.length; i++) {
      const a = await layer.weights[i]?.read().data();
      const b = await other.weights[i]?.read().data();
      if (!a || !b || a.length !== b.length || a.some((v, j) => v !== b[j])) return false;
    }
  }
  return true;
}

/** The base's gate when the backbone is the base's own; else the model's refitted one; else none. */
async function gateFor(id: string, model: tf.LayersModel, meta: UserModelMeta, parsed: ParsedModelJson): Promise<Gate | undefined> {
  let base: LoadedModel | undefined;
  try {
    base = (await getModel(meta.baseModelId)).loaded;
  } catch {
    base = undefined;
  }
  if (base && (await backboneEquals(model, base.model))) {
    sameBackbone.set(id, meta.baseModelId);
    if (base.gate) return { fit: base.gate.fit, threshold: base.gate.threshold, layers: base.gate.layers, histogramBins: base.gate.histogramBins, combined: withLayerOutputs(model, base.gate.layers) };
  }
  const g = parsed.gate;
  if (!g) return undefined;
  return { fit: { mean: Float64Array.from(g.mean), precision: Float64Array.from(g.precision), dim: g.mean.length }, threshold: g.threshold, layers: g.layers, histogramBins: g.histogramBins, combined: withLayerOutputs(model, g.layers) };
}

async function buildUserModel(id: string): Promise<Omit<LoadedModel, 'backend'>> {
  const files = await filesOf(id);
  const parsed = validateModelJson(files.modelJson, files.weights.byteLength, files.meta.classNames.length);
  const artifacts = { modelTopology: parsed.modelTopology, weightSpecs: parsed.weightSpecs as unknown as tf.io.WeightsManifestEntry[], weightData: files.weights };
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true });
  try {
    const gate = await gateFor(id, model, files.meta, parsed);
    const entry = entryOf(files.meta, files.weights.byteLength, await baseEntry(files.meta.baseModelId));
    return gate ? { entry, model, gate } : { entry, model };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The base id whose cached features (activation statistics) this model's own backbone would compute. */
export function featureSource(modelId: string): string | undefined {
  return modelId.startsWith(USER_MODEL_PREFIX) ? sameBackbone.get(modelId) : modelId;
}

export async function saveUserModel(draftId: string, given: Omit<UserModelMeta, 'id' | 'createdAt'>): Promise<UserModelMeta> {
  const draft = drafts.get(draftId);
  if (!draft) throw new WorkerError('model-not-found', `no unsaved model "${draftId}" (a worker restart forgets unsaved models)`);
  const checked = validateMeta({ ...given, id: draftId, createdAt: draft.meta.createdAt });
  // What the worker knows about the draft wins over what the page says; names, metrics and patients come from the page.
  const meta: UserModelMeta = { ...draft.meta, name: checked.name, metrics: checked.metrics, id: `${USER_MODEL_PREFIX}${crypto.randomUUID()}` };
  if (checked.data.patients !== undefined) meta.data = { ...meta.data, patients: checked.data.patients };
  await store.put({ ...draft, meta, card: userModelCard(meta, { gateRefitted: hasGate(draft.modelJson) }) });
  drafts.delete(draftId);
  forgetModel(draftId);
  sameBackbone.delete(draftId);
  return meta;
}

export async function listUserModels(): Promise<UserModelMeta[]> {
  return [...[...drafts.values()].map((d) => d.meta), ...(await store.list())];
}

export async function renameUserModel(id: string, name: string): Promise<UserModelMeta> {
  const files = await filesOf(id);
  const meta = { ...files.meta, name: text(name, 'the name', 120) };
  const renamed = { ...files, meta, card: userModelCard(meta, { gateRefitted: hasGate(files.modelJson) }) };
  if (drafts.has(id)) drafts.set(id, renamed);
  else await store.put(renamed);
  forgetModel(id);
  return meta;
}

export async function deleteUserModel(id: string): Promise<void> {
  await filesOf(id);
  if (!drafts.delete(id)) await store.delete(id);
  forgetModel(id);
  sameBackbone.delete(id);
}

/** A copy: the caller may transfer its weights buffer. */
export async function exportUserModel(id: string): Promise<ModelFiles> {
  const files = await filesOf(id);
  return { ...files, meta: structuredClone(files.meta), weights: files.weights.slice(0) };
}

/** Checked field by field, then built once (tfjs's own shape checks) before it is stored under a new id. */
export async function importUserModel(files: ModelFiles): Promise<UserModelMeta> {
  const { meta, parsed, weights } = validateFiles(files);
  const artifacts = { modelTopology: parsed.modelTopology, weightSpecs: parsed.weightSpecs as unknown as tf.io.WeightsManifestEntry[], weightData: weights };
  try {
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true });
    model.dispose();
  } catch (error) {
    throw new WorkerError('bad-input', `not a valid Hilum model: ${error instanceof Error ? error.message : String(error)}`);
  }
  const imported: UserModelMeta = { ...meta, id: `${USER_MODEL_PREFIX}${crypto.randomUUID()}`, createdAt: meta.createdAt || new Date().toISOString() };
  const card = userModelCard(imported, { gateRefitted: parsed.gate !== undefined, imported: new Date().toISOString() });
  await store.put({ meta: imported, modelJson: files.modelJson, weights: weights.slice(0), card });
  return imported;
}
