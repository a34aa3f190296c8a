/**
 * Fine-tuned segmenters not saved anywhere yet: kept as model artifacts (topology and weight
 * bytes) so that, like the registry's models, they can be rebuilt for whichever backend runs
 * after a switch. They live as long as the worker does.
 */
import * as tf from './tf.ts';
import type { ModelEntry } from '../api.ts';
import { WorkerError } from './errors.ts';

interface Draft {
  entry: ModelEntry;
  artifacts: tf.io.ModelArtifacts;
  model: tf.LayersModel;
  backend: string;
}

const drafts = new Map<string, Draft>();
/** How draft ids look (see addDraft); no manifest id has a tilde. */
const DRAFT_ID = /~draft-\d+$/;
let made = 0;

/** A model's topology and weights as plain bytes (tfjs's own save format, held in memory). */
export async function toArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((artifacts) => {
    saved = artifacts;
    return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
  }));
  if (!saved) throw new Error('the model could not be serialised');
  return saved;
}

/** An independent copy with its own variables: training it leaves the original untouched. */
export async function copyModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(await toArtifacts(model)));
}

/** Keep `model` (now owned here) as a draft of `base`; returns the entry the page can list and pass to `segment`. */
export async function addDraft(base: ModelEntry, model: tf.LayersModel, trainedOn: number): Promise<ModelEntry> {
  made += 1;
  const root = base.id.split('~')[0] ?? base.id;
  const entry: ModelEntry = {
    ...base,
    id: `${root}~draft-${made}`,
    name: `${base.name}, fine-tuned draft ${made}`,
    version: `${base.version}+draft-${made}`,
    summary: `Decoder fine-tuned in this browser on ${trainedOn} corrected image${trainedOn === 1 ? '' : 's'} from ${base.name}; not saved, gone when the AI worker restarts.`,
    files: [],
  };
  delete entry.gate;
  const artifacts = await toArtifacts(model);
  drafts.set(entry.id, { entry, artifacts, model, backend: tf.getBackend() });
  return entry;
}

/** The draft built for the current backend, or undefined when `id` is not a draft held here. */
export async function getDraft(id: string): Promise<{ entry: ModelEntry; model: tf.LayersModel } | undefined> {
  const draft = drafts.get(id);
  if (!draft && DRAFT_ID.test(id)) throw new WorkerError('model-not-found', `the fine-tuned draft "${id}" is no longer held (the AI worker restarted or it was discarded); fine-tune again`);
  if (!draft) return undefined;
  const backend = tf.getBackend();
  if (draft.backend !== backend) {
    draft.model.dispose();
    draft.model = await tf.loadLayersModel(tf.io.fromMemory(draft.artifacts));
    draft.backend = backend;
  }
  return { entry: draft.entry, model: draft.model };
}

export function discardDraft(id: string): boolean {
  const draft = drafts.get(id);
  if (!draft) return false;
  draft.model.dispose();
  drafts.delete(id);
  return true;
}
