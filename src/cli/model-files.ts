/**
 * Writing a trained tfjs model into public/models/<id>/ and listing it in manifest.json with
 * the size and sha256 of every file, which the worker checks before it uses a byte.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelEntry } from '../ml/api.ts';
import { parseManifest } from '../ml/manifest.ts';
import { toHalfArray } from '../ml/float16.ts';

export const MODELS_DIR = 'public/models';

export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = artifacts.weightData;
    if (!(weights instanceof ArrayBuffer)) throw new Error('expected one weights buffer');
    const json: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology ?? {},
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: null,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weights));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

/** Rewrite a saved float32 model's weights as float16: half the download, read back by tfjs. */
export function halveWeights(dir: string): void {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const group = json.weightsManifest[0];
  if (!group || json.weightsManifest.length !== 1 || group.paths.length !== 1) throw new Error('expected one weights file');
  const bytes = readFileSync(join(dir, group.paths[0] ?? ''));
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (group.weights.some((w) => w.dtype !== 'float32' || w.quantization)) throw new Error('only plain float32 weights can be halved');
  group.weights = group.weights.map((w) => ({ ...w, quantization: { dtype: 'float16' } }));
  writeFileSync(join(dir, group.paths[0] ?? ''), new Uint8Array(toHalfArray(floats).buffer));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
}

/** A model's measured figures (figures.json unless named) as its last publish wrote them. */
export function readModelFigures<T>(id: string, name = 'figures.json'): T {
  return JSON.parse(readFileSync(join(MODELS_DIR, id, name), 'utf8')) as T;
}

export function writeModelFigures(id: string, figures: unknown, name = 'figures.json'): void {
  writeFileSync(join(MODELS_DIR, id, name), `${JSON.stringify(figures, null, 2)}\n`);
}

function fileRecord(dir: string, path: string): { path: string; bytes: number; sha256: string } {
  const bytes = readFileSync(join(dir, path));
  return { path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Add or replace one model's entry; sizes and checksums are computed from the files on disk. */
export function writeManifestEntry(entry: Omit<ModelEntry, 'files' | 'sizeBytes'>, fileNames: string[]): ModelEntry {
  const dir = join(MODELS_DIR, entry.id);
  const files = fileNames.map((name) => fileRecord(dir, name));
  const full: ModelEntry = { ...entry, files, sizeBytes: files.reduce((s, f) => s + f.bytes, 0) };
  const manifestPath = join(MODELS_DIR, 'manifest.json');
  withManifestLock(() => {
    const raw: unknown = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : { models: [] };
    parseManifest(raw);
    // The other entries are kept as written, not as the parser rebuilds them, whose key order
    // differs: rewriting one model's entry then leaves the others' lines alone in the diff.
    const others = (raw as { models: ModelEntry[] }).models.filter((m) => m.id !== entry.id);
    const models = [...others, full].sort((a, b) => a.id.localeCompare(b.id));
    // Renamed into place, so a process reading the manifest meanwhile never sees half of it.
    writeFileSync(`${manifestPath}.tmp`, `${JSON.stringify({ models }, null, 2)}\n`);
    renameSync(`${manifestPath}.tmp`, manifestPath);
  });
  return full;
}

/**
 * `train --task all` publishes from two processes at once; each read-modify-write of the
 * manifest holds a lock directory so that neither loses the other's entry. A lock older than
 * a minute was left by a killed process and is taken over.
 */
function lockAge(lock: string): number {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 0; // released meanwhile
  }
}

function withManifestLock(write: () => void): void {
  const lock = join(MODELS_DIR, '.manifest.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockAge(lock) > 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lock} is held by another process`, { cause: error });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    write();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
