/**
 * "Teach the outline": the masks the user corrected with the brush, kept with their frame so
 * they outlive the result they were painted on, which of them are held out, and a fine-tuning
 * run of the outline model's decoder on the rest with Dice before and after on the held-out ones.
 */
import type { ModelEntry } from '../ml/api.ts';
import { MIN_CORRECTED, type CorrectedMask, type SegEpochStats, type SegFineTuneResult } from '../ml/api-segfinetune.ts';
import { frameToGrey } from '../imaging/to-grey.ts';
import { toUserMessage } from './messages.ts';
import { ml } from './ml.ts';
import { segmentation } from './segmentation.svelte.ts';
import { studies, type FrameRef } from './studies.svelte.ts';

export interface Correction {
  /** The frame's key and number: stable, and what the worker reports Dice by. */
  id: string;
  ref: FrameRef;
  label: string;
  /** The model whose outline was corrected; a draft counts as its shipped model. */
  modelId: string;
  /** The very mask the brush edits (plain data, at the image's size): later strokes count too. */
  mask: Uint8Array;
}

/** Fine-tuning settings: a few epochs at a small rate, so a handful of images nudge rather than overwrite. */
const SETTINGS = { epochs: 20, learningRate: 1e-3, batchSize: 4, augment: true, patience: 4 };

const rootOf = (modelId: string): string => modelId.split('~')[0] ?? modelId;
const labelOf = (ref: FrameRef): string => `${ref.key.split('/').pop() ?? ref.key}${ref.frame > 0 ? ` frame ${ref.frame + 1}` : ''}`;

/** Every third correction held out (the third, sixth, ...), at least one once there are enough. */
export function defaultHeldOut(ids: readonly string[]): string[] {
  return ids.length < MIN_CORRECTED ? [] : ids.filter((_, i) => i % 3 === 2);
}

export class SegTeachState {
  corrections = $state.raw<Correction[]>([]);
  /** Ids the user held out; undefined until they change the default. */
  private chosen = $state.raw<readonly string[] | undefined>(undefined);
  busy = $state(false);
  epochs = $state.raw<SegEpochStats[]>([]);
  scoring = $state.raw<{ done: number; total: number } | undefined>(undefined);
  result = $state.raw<SegFineTuneResult | undefined>(undefined);
  error = $state<string | undefined>(undefined);
  readonly settings = SETTINGS;
  readonly minimum = MIN_CORRECTED;

  /** The corrections of the outline model now chosen (a draft counts as its base). */
  forModel = $derived(this.corrections.filter((c) => rootOf(c.modelId) === rootOf(segmentation.selectedId ?? '')));
  heldOut = $derived(this.chosen ? this.forModel.filter((c) => this.chosen?.includes(c.id)).map((c) => c.id) : defaultHeldOut(this.forModel.map((c) => c.id)));
  /** Why a run cannot start yet, in words; undefined when it can. */
  blocked = $derived.by((): string | undefined => {
    const n = this.forModel.length;
    if (n < MIN_CORRECTED) return `${n} corrected image${n === 1 ? '' : 's'} so far; correct at least ${MIN_CORRECTED} outlines with the brush (one is held out to measure the result).`;
    if (this.heldOut.length === 0) return 'Hold out at least one corrected image: the Dice before and after is measured on it.';
    if (this.heldOut.length >= n) return 'Leave at least one corrected image to learn from.';
    return undefined;
  });

  /** After a stroke or an undo on `mask`: keep it while it is marked edited, drop it once it is not. */
  track(mask: Uint8Array): void {
    const shown = segmentation.result?.mask === mask ? segmentation.result : undefined;
    const slice = segmentation.series?.slices.find((s) => s.mask === mask);
    const ref = shown?.ref ?? slice?.ref;
    const modelId = shown?.modelId ?? segmentation.series?.modelId;
    if (!ref || !modelId) return;
    const id = `${ref.key}#${ref.frame}`;
    const rest = this.corrections.filter((c) => c.id !== id);
    const edited = (shown ?? slice)?.edited === true;
    this.corrections = edited ? [...rest, { id, ref, label: labelOf(ref), modelId, mask }] : rest;
  }

  toggleHeldOut(id: string): void {
    this.chosen = this.heldOut.includes(id) ? this.heldOut.filter((h) => h !== id) : [...this.heldOut, id];
  }

  forget(id: string): void {
    this.corrections = this.corrections.filter((c) => c.id !== id);
  }

  private async items(list: readonly Correction[]): Promise<CorrectedMask[]> {
    const items: CorrectedMask[] = [];
    // Decoded one at a time, only now: the page keeps masks, not images.
    for (const c of list) items.push({ id: c.id, image: frameToGrey(await studies.decode(c.ref)), mask: c.mask.slice() });
    return items;
  }

  async run(): Promise<void> {
    const base = segmentation.selected;
    if (this.blocked || this.busy || !base) return;
    this.busy = true;
    this.error = undefined;
    this.epochs = [];
    this.scoring = undefined;
    try {
      const items = await this.items(this.forModel);
      this.result = await ml.fineTuneSegmenter({ baseModelId: rootOf(base.id), items, heldOut: [...this.heldOut], ...SETTINGS }, (p) => {
        if (p.kind === 'epoch') this.epochs = [...this.epochs, p.stats];
        else this.scoring = { done: p.done, total: p.total };
      });
    } catch (error) {
      this.error = toUserMessage(error);
    } finally {
      this.busy = false;
    }
  }

  cancel(): void {
    void ml.cancelSegmenterFineTune();
  }

  /** Offer the draft in the Outline panel's picker and choose it for the next outlines. */
  useDraft(): void {
    if (this.result) segmentation.addDraft(this.result.draft);
  }

  labelFor(id: string): string {
    return this.corrections.find((c) => c.id === id)?.label ?? id;
  }

  isDraft(model: ModelEntry | undefined): boolean {
    return model !== undefined && model.id !== rootOf(model.id);
  }
}

export const segTeach = new SegTeachState();
