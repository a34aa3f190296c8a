import type { ModelEntry } from '../ml/api.ts';
import { evaluate, type Evaluation } from '../teach/evaluation.ts';
import { evaluationCsv } from '../teach/evaluation-csv.ts';
import { classesFromPaths, mapFolders } from '../teach/folders.ts';
import { demo } from './demo.svelte.ts';
import { baseName, download } from './download.ts';
import type { PickedFile } from './dropped-files.ts';
import { toUserMessage } from './messages.ts';
import { prepareAll, type PrepareItem } from './prepare.ts';
import { studies } from './studies.svelte.ts';
import { teachClient } from './teach-client.ts';
import { imageId } from './teach.svelte.ts';
import { userModels } from './user-models.svelte.ts';
import { worklist } from './worklist.svelte.ts';

interface FolderImage extends PrepareItem {
  folder: string;
}

interface Graded {
  file: string;
  label: number;
  probabilities: number[];
}

/** How many images go to predictPrepared at once, so progress moves on a long folder. */
const PREDICT_BATCH = 64;

/**
 * Evaluation mode: any model, shipped or the user's, over a labelled folder (subfolders named
 * like the model's labels), graded on the same metrics page and exportable as CSV, so a clinic
 * can check a model on its own images before trusting it.
 */
export class EvaluationState {
  images = $state.raw<FolderImage[]>([]);
  modelId = $state<string | undefined>(undefined);
  progress = $state<{ stage: string; done: number; total: number } | undefined>(undefined);
  graded = $state.raw<Graded[]>([]);
  /** The model and labels the shown result is for. */
  gradedModel = $state.raw<ModelEntry | undefined>(undefined);
  unmapped = $state.raw<string[]>([]);
  positive = $state(1);
  error = $state<string | undefined>(undefined);

  model = $derived(demo.models.find((m) => m.id === (this.modelId ?? demo.selectedId)));
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, never rendered
  folders = $derived([...new Set(this.images.map((i) => i.folder))].sort());
  mapping = $derived(this.model ? mapFolders(this.folders, this.model.labels) : undefined);
  evaluation = $derived.by((): Evaluation | undefined => {
    const m = this.gradedModel;
    if (!m || this.graded.length === 0) return undefined;
    return evaluate(m.labels, this.graded, m.labels.length === 2 ? Math.min(this.positive, 1) : 1);
  });

  async importFolder(picked: PickedFile[]): Promise<void> {
    const classes = classesFromPaths(picked.map((p) => p.path));
    const inFolders = picked.filter((p) => classes.has(p.path));
    this.error = inFolders.length === 0 ? 'No subfolders found: pick a folder holding one folder per class, named like the model\'s labels.' : undefined;
    if (inFolders.length === 0) return;
    await studies.add(inFolders);
    this.images = studies.files.flatMap((f) => {
      const folder = classes.get(f.key);
      if (!folder || !f.ok || f.kind === 'dicomdir') return [];
      return Array.from({ length: f.frames ?? 1 }, (_, frame) => ({ key: f.key, frame, id: imageId({ key: f.key, frame }), folder }));
    });
    this.graded = [];
  }

  /** The user's models are graded on features of their base model; a shipped model on its own. */
  private baseOf(model: ModelEntry): string {
    return userModels.list.find((u) => u.id === model.id)?.baseModelId ?? model.id;
  }

  async run(): Promise<void> {
    const model = this.model;
    const mapping = this.mapping;
    if (!model || !mapping) return;
    const wanted = this.images.filter((i) => mapping.mapped.has(i.folder));
    this.error = wanted.length === 0 ? `None of the folders (${this.folders.join(', ')}) is named like a label of ${model.name} (${model.labels.join(', ')}).` : undefined;
    if (wanted.length === 0) return;
    this.graded = [];
    worklist.pause();
    try {
      if (userModels.list.length === 0) await userModels.refresh();
      const signal = new AbortController().signal;
      await prepareAll(this.baseOf(model), wanted, (done, total) => (this.progress = { stage: 'Reading', done, total }), signal);
      const graded: Graded[] = [];
      for (let i = 0; i < wanted.length; i += PREDICT_BATCH) {
        const batch = wanted.slice(i, i + PREDICT_BATCH);
        const out = await teachClient.predictPrepared(model.id, batch.map((b) => b.id));
        // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, never rendered
        const byId = new Map(out.map((o) => [o.id, o.probabilities]));
        for (const b of batch) graded.push({ file: b.key, label: mapping.mapped.get(b.folder) ?? 0, probabilities: byId.get(b.id) ?? [] });
        this.progress = { stage: 'Grading', done: Math.min(wanted.length, i + PREDICT_BATCH), total: wanted.length };
      }
      this.unmapped = mapping.unmapped;
      this.gradedModel = model;
      this.graded = graded;
    } catch (error) {
      this.error = toUserMessage(error);
    } finally {
      this.progress = undefined;
    }
  }

  exportCsv(): void {
    const e = this.evaluation;
    const m = this.gradedModel;
    if (!e || !m) return;
    download([evaluationCsv(`${m.name} v${m.version}`, e, this.graded)], 'text/csv', `evaluation-${baseName(m.id)}.csv`);
  }
}

export const evaluation = new EvaluationState();
