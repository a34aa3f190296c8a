import type { UserModelMeta } from '../ml/api-finetune.ts';
import { metricsRecord } from '../teach/evaluation.ts';
import { fromPicked, toBundle } from '../teach/model-bundle.ts';
import { demo } from './demo.svelte.ts';
import { baseName, download } from './download.ts';
import { FREE_SPACE, importRefusal, isStorageFull, toUserMessage } from './messages.ts';
import { teachClient } from './teach-client.ts';
import { training } from './training.svelte.ts';
import { storage } from './storage.svelte.ts';

/** Storage errors arrive from the worker as a code; a full disk gets the advice it needs. */
export function modelStorageMessage(error: unknown): string {
  if (!isStorageFull(error)) return toUserMessage(error);
  return `The model was not saved: the browser's storage for this site is full. The models saved before are unchanged, and this one stays in this tab until the AI worker restarts. ${FREE_SPACE}, then press Save again.`;
}

/**
 * The models the user made: saved by the worker in IndexedDB, listed here, renamed, deleted,
 * made the AI panel's model, exported as files and imported back.
 */
export class UserModelsState {
  list = $state.raw<UserModelMeta[]>([]);
  error = $state<string | undefined>(undefined);
  /** What the last action did, said in the panel (toasts stay until dismissed and would cover it). */
  notice = $state<string | undefined>(undefined);
  busy = $state(false);

  private async run<T>(work: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.error = undefined;
    try {
      return await work();
    } catch (error) {
      this.error = modelStorageMessage(error);
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  async refresh(): Promise<void> {
    const list = await this.run(() => teachClient.listUserModels());
    if (list) this.list = list;
  }

  /** Save the draft that training just made, with what it was trained on and how it scored. */
  async saveDraft(name: string): Promise<UserModelMeta | undefined> {
    const result = training.result;
    const base = demo.models.find((m) => m.id === training.baseModelId);
    const split = training.split;
    const evaluation = training.evaluation;
    if (!result || !base || !split) return undefined;
    const perClass = (items: { label: number }[]): number[] => training.classNames.map((_, c) => items.filter((i) => i.label === c).length);
    const saved = await this.run(() => teachClient.saveUserModel(result.draftId, {
      name: name.trim() || 'My model', baseModelId: base.id, baseModelVersion: base.version, classNames: training.classNames, mode: training.mode,
      data: { train: perClass(split.train), validation: perClass(split.validation), patients: split.patients },
      metrics: evaluation ? metricsRecord(evaluation) : {},
    }));
    if (saved) await this.afterChange(`Saved "${saved.name}".`);
    // Saved under the draft that is still shown: a reload (a new version's) no longer loses it.
    if (saved && training.result?.draftId === result.draftId) training.savedAs = saved.id;
    // The first saved model is worth keeping: ask the browser not to evict this site's storage.
    if (saved) void storage.afterFirstSave();
    return saved;
  }

  async rename(id: string, name: string): Promise<void> {
    if (await this.run(() => teachClient.renameUserModel(id, name.trim()))) await this.afterChange('Renamed.');
  }

  async remove(id: string): Promise<void> {
    const done = await this.run(async () => {
      await teachClient.deleteUserModel(id);
      return true;
    });
    if (done) await this.afterChange('Deleted.');
  }

  /** The AI panel offers user models from the worker's model list; this picks one there. */
  async makeActive(id: string): Promise<void> {
    await demo.loadModels();
    demo.choose(id);
    this.notice = `The AI panel (Read view) now uses "${this.list.find((m) => m.id === id)?.name ?? id}".`;
  }

  /** One JSON file that re-imports with a single pick; `separate` also gives model.json, weights.bin, card.md and meta.json. */
  async exportModel(id: string, separate = false): Promise<void> {
    const files = await this.run(() => teachClient.exportUserModel(id));
    if (!files) return;
    const stem = baseName(files.meta.name);
    if (!separate) {
      download([toBundle(files)], 'application/json', `${stem}.hilum-model.json`);
      return;
    }
    download([files.modelJson], 'application/json', `${stem}-model.json`);
    download([files.weights], 'application/octet-stream', `${stem}-weights.bin`);
    download([files.card], 'text/markdown', `${stem}-card.md`);
    download([JSON.stringify(files.meta, null, 2)], 'application/json', `${stem}-meta.json`);
  }

  async importFiles(list: FileList | null): Promise<void> {
    const picked = [...(list ?? [])];
    if (picked.length === 0) return;
    const parsed = await fromPicked(picked);
    if (!parsed.ok) {
      this.error = `This model was not imported: ${parsed.reason}.`;
      return;
    }
    this.busy = true;
    this.error = undefined;
    let meta: UserModelMeta | undefined;
    try {
      meta = await teachClient.importUserModel(parsed.files);
    } catch (error) {
      this.error = `This model was not imported: ${isStorageFull(error) ? modelStorageMessage(error) : `${importRefusal(error)}.`}`;
    } finally {
      this.busy = false;
    }
    if (meta) await this.afterChange(`Imported "${meta.name}".`);
  }

  private async afterChange(message: string): Promise<void> {
    this.notice = message;
    const list = await this.run(() => teachClient.listUserModels());
    if (list) this.list = list;
    // The AI panel's list comes from the worker too: refresh it so it offers what exists now.
    await demo.loadModels();
    if (demo.selectedId && !demo.models.some((m) => m.id === demo.selectedId)) demo.choose(demo.models[0]?.id ?? '');
  }
}

export const userModels = new UserModelsState();
