import * as Comlink from 'comlink';
import type { ImageFrame } from '../dicom/image-frame.ts';
import type { SeriesInfo } from '../dicom/series.ts';
import { NOT_OPEN, type MemoryStats, type OpenedFile, type Thumbnail } from '../imaging/api.ts';
import { imaging } from '../imaging/client.ts';
import { readBatches, type PickedFile } from './dropped-files.ts';
import type { ImageTags } from '../ml/scope.ts';
import type { SegSourceImage } from '../dicom/seg-source.ts';
import { toasts } from './toasts.svelte.ts';
import type { Window } from '../render/window.ts';

/** Files go to the worker in batches: memory stays bounded and progress can be shown. */
const BATCH = 32;
/** A batch is sent early once its bytes reach this. */
const BATCH_BYTES = 64 * 1024 * 1024;

export interface FrameRef {
  key: string;
  frame: number;
}

/** Everything the user dropped: files, their errors, series, and what is shown now. */
export class StudiesState {
  files = $state.raw<OpenedFile[]>([]);
  series = $state.raw<SeriesInfo[]>([]);
  missingFromDicomdir = $state.raw<string[]>([]);
  progress = $state<{ done: number; total: number } | undefined>(undefined);
  selectedSeries = $state<string | undefined>(undefined);
  position = $state(0);
  frame = $state.raw<ImageFrame | undefined>(undefined);
  /** The window the shown frame opens with (the file's, else automatic), worked out by the imaging worker. */
  frameWindow = $state.raw<Window | undefined>(undefined);
  /** Where the shown frame comes from; set with it (position moves first, the frame follows its decode). */
  frameRef = $state.raw<FrameRef | undefined>(undefined);
  /** What the imaging worker holds in memory, after the last batch. */
  memory = $state.raw<MemoryStats | undefined>(undefined);
  private generation = 0;
  /** The dropped files themselves (disk-backed), to re-send one the worker evicted. Not state. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly sources = new Map<string, File>();

  errors = $derived(this.files.filter((f) => !f.ok));
  current = $derived(this.series.find((s) => s.seriesInstanceUID === this.selectedSeries));
  frames = $derived<FrameRef[]>(this.current?.instances.flatMap((i) => Array.from({ length: i.frames }, (_, frame) => ({ key: i.key, frame }))) ?? []);
  tags = $derived(this.files.find((f) => f.key === this.frames[this.position]?.key)?.tags ?? []);
  /** The shown file's tags that say what kind of image it is (see ml/scope.ts). */
  imageTags = $derived.by((): ImageTags => {
    const value = (tag: string): string | undefined => this.tags.find((t) => t.tag === tag)?.value;
    return { modality: value('x00080060'), bodyPart: value('x00180015'), viewPosition: value('x00185101'), seriesDescription: value('x0008103e'), colour: this.frame?.samples === 3 };
  });

  private worker() {
    return imaging(() => toasts.show('The image reader stopped and has been restarted; drop the files again.', 'error'));
  }

  /** Start the image reader now, while the user is still finding files: a drop then waits for no worker start-up. */
  prepare(): void {
    this.worker();
  }

  async add(picked: PickedFile[]): Promise<void> {
    // A local lookup, not state: nothing renders from it.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const seen = new Set(this.files.map((f) => f.key));
    const fresh = picked.filter((p) => !seen.has(p.path));
    this.progress = { done: 0, total: fresh.length };
    for (const p of fresh) this.sources.set(p.path, p.file);
    for await (const { inputs, unread, done } of readBatches(fresh, BATCH, BATCH_BYTES)) {
      const summary = await this.worker().open(Comlink.transfer(inputs, inputs.map((f) => f.bytes)));
      this.files = [...this.files, ...summary.files, ...unread];
      this.series = summary.series;
      this.missingFromDicomdir = summary.missingFromDicomdir;
      this.progress = { done, total: fresh.length };
      this.memory = await this.worker().memory();
    }
    this.progress = undefined;
    if (!this.selectedSeries && this.series[0]) await this.select(this.series[0].seriesInstanceUID);
  }

  async select(seriesUID: string): Promise<void> {
    this.selectedSeries = seriesUID;
    await this.show(0);
  }

  /** Decode only the frame asked for; a later request wins over an earlier slow one. */
  async show(position: number): Promise<void> {
    const count = this.frames.length;
    if (count === 0) return;
    const clamped = Math.max(0, Math.min(count - 1, position));
    this.position = clamped;
    const ref = this.frames[clamped];
    if (!ref) return;
    const generation = ++this.generation;
    try {
      const shown = await this.withFile(ref.key, () => this.worker().show(ref.key, ref.frame));
      if (generation === this.generation) {
        this.frameWindow = shown.window;
        this.frameRef = ref;
        this.frame = shown.frame;
      }
    } catch (error) {
      toasts.show(`${ref.key}: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
  }

  /** A frame through `window` as a bitmap at most `width` pixels wide, made in the imaging worker: the viewer only draws it. */
  picture(ref: FrameRef, window: Window, width: number): Promise<ImageBitmap> {
    return this.withFile(ref.key, () => this.worker().picture(ref.key, ref.frame, window, width));
  }

  /** The automatic (1st..99th percentile) window of a frame, worked out off the main thread. */
  autoWindow(ref: FrameRef): Promise<Window> {
    return this.withFile(ref.key, () => this.worker().autoWindow(ref.key, ref.frame));
  }

  /** One frame of any loaded file, decoded without changing what the viewer shows. */
  decode(ref: FrameRef): Promise<ImageFrame> {
    return this.withFile(ref.key, () => this.worker().frame(ref.key, ref.frame));
  }

  /** The dropped files of the shown series, as picked: what a teaching deck keeps of a case. */
  shownFiles(): PickedFile[] {
    return (this.current?.instances ?? []).flatMap((i) => {
      const file = this.sources.get(i.key);
      return file ? [{ path: i.key, file }] : [];
    });
  }

  /** A numeric tag of a loaded file, e.g. Slice Thickness, from the tags the worker read. */
  tagNumber(key: string, tag: string): number | undefined {
    const value = Number.parseFloat(this.files.find((f) => f.key === key)?.tags?.find((t) => t.tag === tag)?.value ?? '');
    return Number.isFinite(value) && value > 0 ? value : undefined;
  }

  /** What a DICOM SEG of a loaded file needs, read by the worker; undefined for a PNG or JPEG. */
  segSource(key: string): Promise<SegSourceImage | undefined> {
    return this.withFile(key, () => this.worker().segSource(key));
  }

  async thumbnail(series: SeriesInfo, size: number): Promise<Thumbnail | undefined> {
    const first = series.instances[0];
    if (!first) return undefined;
    try {
      return await this.withFile(first.key, () => this.worker().thumbnail(first.key, size));
    } catch {
      return undefined;
    }
  }

  /** Run a worker call; if the worker had let the file go, send it again and retry once. */
  private async withFile<T>(key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const source = this.sources.get(key);
      if (!(error instanceof Error) || error.message !== NOT_OPEN || !source) throw error;
      const bytes = await source.arrayBuffer();
      await this.worker().reopen(Comlink.transfer({ key, bytes }, [bytes]));
      return call();
    }
  }

  async clear(): Promise<void> {
    this.sources.clear();
    await this.worker().forget();
    this.files = [];
    this.series = [];
    this.missingFromDicomdir = [];
    this.memory = undefined;
    this.selectedSeries = undefined;
    this.frame = undefined;
    this.frameWindow = undefined;
    this.frameRef = undefined;
  }
}

export const studies = new StudiesState();
