/** A shipped model loaded in Node from public/models, checked against its manifest like the worker does. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelEntry } from '../ml/api.ts';
import { parseManifest } from '../ml/manifest.ts';
import { MODELS_DIR } from './model-files.ts';

export async function loadShippedModel(id: string, dir = MODELS_DIR): Promise<{ entry: ModelEntry; model: tf.LayersModel }> {
  const { models } = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  const entry = models.find((m) => m.id === id);
  if (!entry) throw new Error(`no model ${id} in ${dir}/manifest.json`);
  for (const file of entry.files) {
    const digest = createHash('sha256').update(readFileSync(join(dir, id, file.path))).digest('hex');
    if (digest !== file.sha256) throw new Error(`${id}/${file.path} does not match the manifest`);
  }
  return { entry, model: await loadModelDir(join(dir, id)) };
}

/** model.json and its weight files from one folder (float16 weights are widened by tfjs). */
export async function loadModelDir(folder: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => {
    const b = readFileSync(join(folder, p));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }));
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: tf.io.concatenateArrayBuffers(buffers),
  }));
}
