/**
 * Models the user owns, through the worker's FineTuneApi in Node (a MemoryStore stands where
 * the browser has IndexedDB): save, list, rename, delete, export and import back with
 * identical probabilities; tampered files refused with the reason; a full store says so and
 * loses nothing saved before.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendInfo, Outcome } from '../../src/ml/api.ts';
import type { FineTuneApi, ModelFiles, UserModelMeta } from '../../src/ml/api-finetune.ts';
import { classify } from '../../src/ml/worker/classify.ts';
import { allModels, disposeModels } from '../../src/ml/worker/registry.ts';
import { createFineTuneApi } from '../../src/ml/worker/finetune/api.ts';
import { MemoryStore } from '../../src/ml/worker/finetune/store.ts';
import { useUserModelStore } from '../../src/ml/worker/finetune/user-models.ts';
import { readGreyPngImage } from '../../src/cli/png.ts';
import { skipWithoutData } from '../helpers/data.ts';
import { serveModels } from '../helpers/models.ts';
import { asPrepared, balanced, shenzhenRows, type ShenzhenRow } from '../helpers/shenzhen.ts';

const BASE = 'pneumonia-cxr';
const backend = (): Promise<BackendInfo> => Promise.resolve({ name: 'wasm', attempts: [], crossOriginIsolated: false, preferred: 'auto' });

function value<T>(result: Outcome<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

type Json = Record<string, unknown> & { modelTopology: { config: { layers: { class_name: string; name: string; config: Record<string, unknown> }[] } }; weightsManifest: { weights: { name: string; shape: number[] }[] }[] };

/** The files with model.json changed by `edit`. */
function tampered(files: ModelFiles, edit: (json: Json) => void): ModelFiles {
  const json = JSON.parse(files.modelJson) as Json;
  edit(json);
  return { ...files, modelJson: JSON.stringify(json), weights: files.weights.slice(0) };
}

function layer(json: Json, name: string): { class_name: string; name: string; config: Record<string, unknown> } {
  const found = json.modelTopology.config.layers.find((l) => l.name === name);
  if (!found) throw new Error(`no layer ${name}`);
  return found;
}

describe.skipIf(skipWithoutData)('models the user owns', () => {
  serveModels('wasm');
  const store = new MemoryStore(4_000_000);
  let api: FineTuneApi;
  let train: ShenzhenRow[] = [];
  let val: ShenzhenRow[] = [];
  let draftId = '';

  beforeAll(async () => {
    useUserModelStore(store);
    api = createFineTuneApi(backend);
    const rows = shenzhenRows();
    train = balanced(rows, 'train', 40);
    val = balanced(rows, 'val', 20);
    value(await api.prepareImages(BASE, asPrepared([...train, ...val])));
    const result = value(await api.fineTune({
      baseModelId: BASE, classNames: ['normal', 'tuberculosis'], mode: 'head', epochs: 60, learningRate: 1e-3, batchSize: 16, augment: false, patience: 10,
      train: train.map((r) => ({ id: r.id, label: r.label })), validation: val.map((r) => ({ id: r.id, label: r.label })),
    }, () => undefined));
    draftId = result.draftId;
  }, 300_000);

  const meta = (name: string): Omit<UserModelMeta, 'id' | 'createdAt'> => ({
    name, baseModelId: BASE, baseModelVersion: '1.0.0', classNames: ['normal', 'tuberculosis'], mode: 'head',
    data: { train: [20, 20], validation: [10, 10], patients: 60 }, metrics: { auc: 0.8, aucInterval: [0.7, 0.9] },
  });

  const ids = (): string[] => val.map((r) => r.id);
  const tb = (rows: { probabilities: number[] }[]): number[] => rows.map((r) => r.probabilities[1] ?? Number.NaN);
  let files: ModelFiles | undefined;

  it('saves a draft, exports it, and imports it back with identical probabilities; both load again after the built models are dropped', async () => {
    disposeModels();
    const before = tf.memory().numTensors;
    const draftScores = value(await api.predictPrepared(draftId, ids()));
    const name = 'TB <script>alert(1)</script> clinic';
    const saved = value(await api.saveUserModel(draftId, meta(name)));
    expect(saved.id).toMatch(/^user:/);
    expect(value(await api.listUserModels()).map((m) => [m.id, m.name])).toEqual([[saved.id, name]]);
    const gone = await api.predictPrepared(draftId, ids());
    expect(gone.ok ? '' : gone.error.code).toBe('model-not-found');
    expect(tb(value(await api.predictPrepared(saved.id, ids())))).toEqual(tb(draftScores));

    files = value(await api.exportUserModel(saved.id));
    expect(files.card).toMatch(/not for diagnosis/);
    expect(files.card).toMatch(/Base model: pneumonia-cxr/);
    expect(files.card).toMatch(/auc: 0\.800/);
    const imported = value(await api.importUserModel(files));
    expect(imported.id).not.toBe(saved.id);
    expect(imported.name).toBe(name);
    expect(tb(value(await api.predictPrepared(imported.id, ids())))).toEqual(tb(draftScores));

    const image = readGreyPngImage(val[0]?.path ?? '');
    const a = await classify(saved.id, image);
    const b = await classify(imported.id, image);
    expect(b.scores).toEqual(a.scores);
    expect(b.applicability).toEqual(a.applicability);
    // As after a worker restart: nothing built is kept, the store is read again.
    disposeModels();
    expect((await classify(imported.id, image)).scores).toEqual(a.scores);
    const entries = (await allModels()).filter((m) => m.id.startsWith('user:'));
    expect(entries.map((m) => m.labels)).toEqual([['normal', 'tuberculosis'], ['normal', 'tuberculosis']]);
    disposeModels();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('renames and deletes; a name with control characters is refused', async () => {
    const [, second] = value(await api.listUserModels());
    if (!second) throw new Error('no second model');
    expect(value(await api.renameUserModel(second.id, 'Renamed')).name).toBe('Renamed');
    expect((await allModels()).find((m) => m.id === second.id)?.name).toBe('Renamed');
    const bad = await api.renameUserModel(second.id, 'bell\u0007');
    expect(bad.ok ? '' : bad.error.code).toBe('bad-input');
    value(await api.deleteUserModel(second.id));
    expect(value(await api.listUserModels())).toHaveLength(1);
    const gone = await api.predictPrepared(second.id, ids());
    expect(gone.ok ? '' : gone.error.code).toBe('model-not-found');
  }, 60_000);

  it('refuses tampered files with the reason, and keeps a script in a name as plain text', async () => {
    if (!files) throw new Error('no exported files');
    const f = files;
    const refused = async (bad: ModelFiles, reason: RegExp): Promise<void> => {
      const result = await api.importUserModel(bad);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('bad-input');
        expect(result.error.message).toMatch(reason);
      }
    };
    await refused({ ...f, weights: f.weights.slice(0, f.weights.byteLength - 4) }, /describes \d+ bytes but the weights file has \d+/);
    const threeUnits = tampered(f, (json) => {
      layer(json, 'classifier').config.units = 3;
      for (const w of json.weightsManifest[0]?.weights ?? []) if (w.name === 'classifier/kernel') w.shape = [480, 3]; else if (w.name === 'classifier/bias') w.shape = [3];
    });
    await refused({ ...threeUnits, weights: tf.io.concatenateArrayBuffers([f.weights, new ArrayBuffer(481 * 4)]) }, /softmax with 2 units/);
    await refused(tampered(f, (json) => { layer(json, 'features').config.filters = 100_000; }), /filters must be a whole number from 0 to 512/);
    await refused(tampered(f, (json) => { const w = json.weightsManifest[0]?.weights[0]; if (w) w.shape = [8000, 8000]; }), /too large/);
    await refused(tampered(f, (json) => { layer(json, 'stats_features').class_name = 'Lambda'; }), /unknown layer class "Lambda"/);
    // A layer fed by one that comes after it (a cycle, or a graph out of order) is refused.
    await refused(tampered(f, (json) => { (layer(json, 'stats_features') as { inbound_nodes?: unknown }).inbound_nodes = [[['classifier', 0, 0, {}]]]; }), /is not fed by a layer before it/);
    await refused({ ...f, modelJson: 'alert(1)' }, /not JSON/);
    await refused({ ...f, meta: { ...f.meta, classNames: Array.from({ length: 50 }, (_, i) => `c${i}`) } }, /2 to 20 classes/);
    const script = '<img src=x onerror=alert(1)>';
    const kept = value(await api.importUserModel({ ...f, weights: f.weights.slice(0), meta: { ...f.meta, name: script } }));
    expect(kept.name).toBe(script);
    expect(value(await api.exportUserModel(kept.id)).card).toContain(`# ${script}`);
  }, 60_000);

  it('says the storage is full and loses nothing saved before', async () => {
    const small = new MemoryStore(1_500_000);
    useUserModelStore(small);
    const draft = async (): Promise<string> => value(await api.fineTune({
      baseModelId: BASE, classNames: ['normal', 'tuberculosis'], mode: 'head', epochs: 5, learningRate: 1e-3, batchSize: 16, augment: false, patience: 5,
      train: train.map((r) => ({ id: r.id, label: r.label })), validation: val.map((r) => ({ id: r.id, label: r.label })),
    }, () => undefined)).draftId;
    const first = value(await api.saveUserModel(await draft(), meta('first')));
    const second = await draft();
    const full = await api.saveUserModel(second, meta('second'));
    expect(full.ok ? '' : full.error.code).toBe('storage-full');
    expect(full.ok ? '' : full.error.message).toMatch(/^storage full: /);
    expect((await small.list()).map((m) => m.id)).toEqual([first.id]);
    expect(value(await api.predictPrepared(first.id, ids()))).toHaveLength(val.length);
    // The draft is kept, so it can be saved once room is made.
    value(await api.deleteUserModel(first.id));
    expect(value(await api.saveUserModel(second, meta('second'))).name).toBe('second');
  }, 120_000);
});
