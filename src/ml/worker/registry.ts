/**
 * Models by manifest: fetch each file once, check its sha256 against the manifest, keep the
 * verified bytes, and build the tfjs model for the current backend. After a backend switch
 * the models are rebuilt from the verified bytes without another fetch.
 */
import * as tf from './tf.ts';
import type { ModelEntry, ModelManifest } from '../api.ts';
import { parseManifest, sha256Hex } from '../manifest.ts';
import { WorkerError } from './errors.ts';
import { parseGate, type Gate } from './gate.ts';

export interface LoadedModel {
  entry: ModelEntry;
  model: tf.LayersModel;
  backend: string;
  gate?: Gate;
}

interface Verified {
  artifacts: tf.io.ModelArtifacts;
  gate?: ArrayBuffer;
}

let baseUrl = '';
/** A promise, so that calls racing at start-up (the badge, the warm-up, a drop) share one fetch. */
let manifest: Promise<ModelManifest> | undefined;
const verified = new Map<string, Verified>();
const live = new Map<string, LoadedModel>();

export function setModelsBaseUrl(url: string): void {
  if (url !== baseUrl) {
    // Another source: nothing fetched from the old one may be reused unverified.
    baseUrl = url;
    manifest = undefined;
    verified.clear();
    disposeModels();
  }
}

async function fetchBytes(path: string): Promise<ArrayBuffer> {
  const response = await fetch(new URL(path, baseUrl));
  if (!response.ok) throw new WorkerError('model-not-found', `${path}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

export function getManifest(): Promise<ModelManifest> {
  if (!baseUrl) return Promise.reject(new WorkerError('manifest-invalid', 'the worker was not told where models live'));
  const loading = manifest ?? fetchManifest();
  manifest = loading;
  // A failed fetch is not remembered: the next call tries again.
  loading.catch(() => {
    if (manifest === loading) manifest = undefined;
  });
  return loading;
}

async function fetchManifest(): Promise<ModelManifest> {
  const bytes = await fetchBytes('manifest.json');
  try {
    return parseManifest(JSON.parse(new TextDecoder().decode(bytes)));
  } catch (error) {
    throw new WorkerError('manifest-invalid', `models/manifest.json is invalid: ${String(error)}`);
  }
}

async function entryFor(id: string): Promise<ModelEntry> {
  const entry = (await getManifest()).models.find((m) => m.id === id);
  if (!entry) throw new WorkerError('model-not-found', `no model "${id}" in the manifest`);
  return entry;
}

/** Fetch every file of a model and refuse it unless each one matches its checksum. */
async function fetchVerified(entry: ModelEntry): Promise<Verified> {
  const files = new Map<string, ArrayBuffer>();
  for (const file of entry.files) {
    const bytes = await fetchBytes(`${entry.id}/${file.path}`);
    const digest = await sha256Hex(bytes);
    if (bytes.byteLength !== file.bytes || digest !== file.sha256) {
      throw new WorkerError('checksum-mismatch', `${entry.id}/${file.path} does not match the manifest (sha256 ${digest.slice(0, 12)}…)`);
    }
    files.set(file.path, bytes);
  }
  const modelJson = files.get('model.json');
  if (!modelJson) throw new WorkerError('manifest-invalid', `${entry.id} has no model.json`);
  const json = JSON.parse(new TextDecoder().decode(modelJson)) as tf.io.ModelJSON;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const path of group.paths) {
      const data = files.get(path);
      if (!data) throw new WorkerError('manifest-invalid', `${entry.id}: weights file ${path} is not in the manifest`);
      buffers.push(data);
    }
  }
  const artifacts = { modelTopology: json.modelTopology, weightSpecs: specs, weightData: tf.io.concatenateArrayBuffers(buffers) };
  const gate = entry.gate ? files.get(entry.gate) : undefined;
  return gate ? { artifacts, gate } : { artifacts };
}

/** Models the user made (fine-tuned drafts and saved ones), listed and built by their own module. */
export interface UserModelSource {
  entries(): Promise<ModelEntry[]>;
  build(id: string): Promise<Omit<LoadedModel, 'backend'>>;
}

/** Ids of user models start so; no manifest id can (SAFE_PATH has no colon). */
export const USER_MODEL_PREFIX = 'user:';
let userModels: UserModelSource | undefined;

export function setUserModelSource(source: UserModelSource): void {
  userModels = source;
}

/** The bundled models, then the user's. */
export async function allModels(): Promise<ModelEntry[]> {
  return [...(await getManifest()).models, ...(userModels ? await userModels.entries() : [])];
}

/** Drop one built model (a user model renamed or deleted); the next call rebuilds it. */
export function forgetModel(id: string): void {
  const existing = live.get(id);
  if (existing) release(existing);
  live.delete(id);
}

/** Builds in flight by model and backend: the warm-up and the first analysis share one build. */
const building = new Map<string, Promise<{ loaded: LoadedModel; fetched: boolean }>>();

export function getModel(id: string): Promise<{ loaded: LoadedModel; fetched: boolean }> {
  const key = `${id}\n${tf.getBackend()}`;
  const pending = building.get(key);
  if (pending) return pending.then(({ loaded }) => ({ loaded, fetched: false }));
  const build = buildModel(id);
  building.set(key, build);
  const done = (): void => {
    if (building.get(key) === build) building.delete(key);
  };
  build.then(done, done);
  return build;
}

async function buildModel(id: string): Promise<{ loaded: LoadedModel; fetched: boolean }> {
  const backend = tf.getBackend();
  const existing = live.get(id);
  if (existing && existing.backend === backend) return { loaded: existing, fetched: false };
  if (existing) release(existing);
  if (id.startsWith(USER_MODEL_PREFIX)) {
    if (!userModels) throw new WorkerError('model-not-found', `no model "${id}"`);
    const loaded: LoadedModel = { ...(await userModels.build(id)), backend };
    live.set(id, loaded);
    return { loaded, fetched: false };
  }
  const entry = await entryFor(id);
  let files = verified.get(id);
  const fetched = files === undefined;
  if (!files) {
    files = await fetchVerified(entry);
    verified.set(id, files);
  }
  const model = await tf.loadLayersModel(tf.io.fromMemory(files.artifacts));
  const loaded: LoadedModel = { entry, model, backend };
  if (files.gate) loaded.gate = parseGate(files.gate, model);
  live.set(id, loaded);
  return { loaded, fetched };
}

/** Drop every built model, e.g. before switching to another backend; verified bytes stay. */
export function disposeModels(): void {
  for (const loaded of live.values()) release(loaded);
  live.clear();
}

/** The gate's combined model shares the classifier's layers and owns no weights: disposing the model frees both. */
function release(loaded: LoadedModel): void {
  loaded.model.dispose();
}
