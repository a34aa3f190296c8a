/**
 * Writing a trained tfjs model into public/models/<id>/ and listing it in manifest.json with
 * the size and sha256 of every file, which the worker checks before it uses a byte.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelEntry, ModelManifest } from '../ml/api.ts';
import { parseManifest } from '../ml/manifest.ts';

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
  const current: ModelManifest = existsSync(manifestPath) ? parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8'))) : { models: [] };
  const models = [...current.models.filter((m) => m.id !== entry.id), full].sort((a, b) => a.id.localeCompare(b.id));
  writeFileSync(manifestPath, `${JSON.stringify({ models }, null, 2)}\n`);
  return full;
}
