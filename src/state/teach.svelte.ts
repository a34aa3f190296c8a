import { get, set } from 'idb-keyval';
import { EMPTY_LABELS, addClass, assign, classNameProblem, classWarnings, countsFor, deleteClass, renameClass, type LabelSet } from '../teach/labels.ts';
import { classesFromPaths } from '../teach/folders.ts';
import { FREE_SPACE, isStorageFull } from './messages.ts';
import type { PickedFile } from './dropped-files.ts';
import { studies, type FrameRef } from './studies.svelte.ts';

const STORE_KEY = 'hilum.teach.labels';
const PATIENT_ID = 'x00100020';

/** One loaded image (a frame of a file), named by its file key and frame: the label's key. */
export interface TeachImage extends FrameRef {
  id: string;
  patient?: string;
}

export const imageId = (ref: FrameRef): string => `${ref.key}#${ref.frame}`;

/** Words for a storage failure; the labels stay in this tab either way. */
export function storageMessage(error: unknown): string {
  const why = isStorageFull(error) ? "the browser's storage for this site is full" : `the browser refused (${error instanceof Error ? error.message : String(error)})`;
  return `Labels were not saved for the next visit: ${why}. The labels saved before are unchanged, and every label is kept in this tab. ${FREE_SPACE}, then press Save labels again (the next change saves them all too).`;
}

/**
 * The Teach view's labels: classes, which loaded image is in which, the image under the cursor.
 * Labels are kept by file key (the path inside the dropped folder), so loading the same files
 * again after a reload brings them back; they are saved to IndexedDB after every change.
 */
export class TeachState {
  labels = $state.raw<LabelSet>(EMPTY_LABELS);
  position = $state(0);
  storageError = $state<string | undefined>(undefined);
  problem = $state<string | undefined>(undefined);
  restored = $state(false);

  images = $derived.by((): TeachImage[] => {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, never rendered
    const patients = new Map(studies.files.map((f) => [f.key, f.tags?.find((t) => t.tag === PATIENT_ID)?.value.trim()]));
    return studies.series.flatMap((s) => s.instances.flatMap((i) => Array.from({ length: i.frames }, (_, frame) => {
      const image: TeachImage = { key: i.key, frame, id: imageId({ key: i.key, frame }) };
      const patient = patients.get(i.key);
      if (patient) image.patient = patient;
      return image;
    })));
  });
  current = $derived(this.images[Math.min(this.position, this.images.length - 1)]);
  counts = $derived(countsFor(this.labels, this.images.map((i) => i.id)));
  warnings = $derived(classWarnings(this.labels.classes, this.counts));
  /** Loaded images with a class, as class indices. */
  labelled = $derived(this.images.flatMap((i) => {
    const label = this.labels.classes.indexOf(this.labels.labels[i.id] ?? '');
    return label >= 0 ? [{ ...i, label }] : [];
  }));

  /** Labels saved on an earlier visit, merged under any made since the page opened. */
  async restore(): Promise<void> {
    try {
      const saved = await get<LabelSet>(STORE_KEY);
      if (saved && Array.isArray(saved.classes)) {
        // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, never rendered
        const classes = [...new Set([...saved.classes, ...this.labels.classes])];
        this.labels = { classes, labels: { ...saved.labels, ...this.labels.labels } };
      }
    } catch (error) {
      this.storageError = storageMessage(error);
    }
    this.restored = true;
  }

  private async update(next: LabelSet): Promise<void> {
    this.labels = next;
    try {
      // $state.raw holds plain objects, which IndexedDB can clone as they are.
      await set(STORE_KEY, next);
      this.storageError = undefined;
    } catch (error) {
      this.storageError = storageMessage(error);
    }
  }

  /** After a failed save: write the labels this tab holds again, all of them. */
  retrySave(): Promise<void> {
    return this.update(this.labels);
  }

  addClass(name: string): boolean {
    this.problem = classNameProblem(this.labels, name);
    if (!this.problem) void this.update(addClass(this.labels, name));
    return !this.problem;
  }

  renameClass(from: string, to: string): boolean {
    this.problem = classNameProblem(this.labels, to, from);
    if (!this.problem) void this.update(renameClass(this.labels, from, to));
    return !this.problem;
  }

  deleteClass(name: string): void {
    void this.update(deleteClass(this.labels, name));
  }

  /** Put images in a class (undefined: no class). */
  assign(ids: readonly string[], name: string | undefined): void {
    void this.update(assign(this.labels, ids, name));
  }

  /** Number key n: the current image goes to class n, and the cursor moves on. */
  assignCurrent(classIndex: number): void {
    const name = this.labels.classes[classIndex];
    const image = this.current;
    if (!name || !image) return;
    this.assign([image.id], name);
    this.move(1);
  }

  move(step: number): void {
    this.position = Math.max(0, Math.min(this.images.length - 1, this.position + step));
  }

  /** A folder whose subfolders are the classes: the files load as usual, each labelled by its subfolder. */
  async importFolder(picked: PickedFile[]): Promise<number> {
    const classes = classesFromPaths(picked.map((p) => p.path));
    const inClasses = picked.filter((p) => classes.has(p.path));
    if (inClasses.length === 0) {
      this.problem = 'No subfolders found: pick a folder that holds one folder per class (for example normal/ and tb/).';
      return 0;
    }
    this.problem = undefined;
    await studies.add(inClasses);
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, never rendered
    const byClass = new Map<string, string[]>();
    for (const file of studies.files) {
      const name = classes.get(file.key);
      if (!name || !file.ok || file.kind === 'dicomdir') continue;
      const ids = Array.from({ length: file.frames ?? 1 }, (_, frame) => imageId({ key: file.key, frame }));
      byClass.set(name, [...(byClass.get(name) ?? []), ...ids]);
    }
    let next = this.labels;
    for (const [name, ids] of [...byClass].sort(([a], [b]) => a.localeCompare(b))) next = assign(next, ids, name);
    await this.update(next);
    return [...byClass.values()].reduce((n, ids) => n + ids.length, 0);
  }
}

export const teach = new TeachState();
