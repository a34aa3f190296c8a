import type { ModelEntry, SegmentResult } from '../ml/api.ts';
import type { ImageFrame } from '../dicom/image-frame.ts';
import { area, measureLungs, type Area, type LungMeasurement } from '../ml/mask-measure.ts';
import { frameToGrey } from '../imaging/to-grey.ts';
import { scopeReasons, type ImageTags } from '../ml/scope.ts';
import { backend } from './backend.svelte.ts';
import { toUserMessage } from './messages.ts';
import { ml } from './ml.ts';
import type { FrameRef } from './studies.svelte.ts';
import { seriesVolume, type SeriesVolume, type SliceMask } from './series-outline.ts';

export interface ShownMask extends SegmentResult {
  /** The frame the mask belongs to; the viewer draws it only over that frame. */
  ref: FrameRef;
  lungs?: LungMeasurement;
  /** Other structures (a tumour): the area of the whole mask on this image. */
  area?: Area;
  /** Pixel Spacing was missing, so sizes are in pixels. */
  noSpacing: boolean;
  /** Why the file's tags put it outside the model's scope; the mask is then marked as such. */
  scopeReasons: string[];
}

export interface SeriesOutline {
  modelId: string;
  seriesUID: string;
  slices: SliceMask[];
  total: number;
  volume?: SeriesVolume;
  scopeReasons: string[];
}

/** Segmentation of the shown frame: the model, its mask, and what the mask measures. */
export class SegmentationState {
  models = $state.raw<ModelEntry[]>([]);
  selectedId = $state<string | undefined>(undefined);
  result = $state.raw<ShownMask | undefined>(undefined);
  /** Every frame of one series outlined, with its volume once all are done. */
  series = $state.raw<SeriesOutline | undefined>(undefined);
  error = $state<string | undefined>(undefined);
  busy = $state(false);
  visible = $state(true);
  opacity = $state(0.35);
  private controller: AbortController | undefined;

  /** Set once the user picks a model; until then each run picks the model whose tag scope fits. */
  chosenByUser = false;

  selected = $derived(this.models.find((m) => m.id === this.selectedId));

  choose(id: string): void {
    this.selectedId = id;
    this.chosenByUser = true;
  }

  async loadModels(): Promise<void> {
    try {
      // Chest models first: an image without tags (PNG, JPEG) is most often a chest film here.
      const chest = (m: ModelEntry): number => (m.scope?.bodyParts?.includes('CHEST') ? 0 : 1);
      this.models = (await ml.listModels()).filter((m) => m.task === 'segmentation').sort((a, b) => chest(a) - chest(b));
      this.selectedId ??= this.models[0]?.id;
    } catch (error) {
      this.error = toUserMessage(error);
    }
  }

  async run(frame: ImageFrame, ref: FrameRef, tags: ImageTags = {}): Promise<void> {
    if (!this.selected) await this.loadModels();
    if (!this.chosenByUser) this.selectedId = (this.models.find((m) => scopeReasons(m.scope, tags).length === 0) ?? this.selected)?.id;
    const model = this.selected;
    if (!model) {
      this.error ??= 'No bundled segmentation model is available.';
      return;
    }
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.error = undefined;
    this.busy = true;
    try {
      const result = await ml.segment(model.id, frameToGrey(frame), controller.signal);
      backend.noteRunOn(result.backend);
      if (this.controller !== controller) return;
      // Lung fields split into the two lungs; other structures report their whole mask.
      const lungs = model.labels[1] === 'lung' ? measureLungs(result.mask, result.width, result.height, frame.spacing) : undefined;
      const counted = lungs ? undefined : area(result.mask.reduce((n, v) => n + v, 0), frame.spacing);
      this.result = { ...result, ...(lungs ? { lungs, mask: lungs.mask } : {}), ...(counted ? { area: counted } : {}), ref, noSpacing: !frame.spacing, scopeReasons: scopeReasons(model.scope, tags) };
    } catch (error) {
      if (this.controller === controller) this.error = toUserMessage(error);
    } finally {
      if (this.controller === controller) this.busy = false;
    }
  }

  /** The mask to draw over a frame: the single outline, else the series outline's slice. */
  maskFor(ref: FrameRef | undefined): { width: number; height: number; mask: Uint8Array } | undefined {
    if (!ref) return undefined;
    const same = (r: FrameRef): boolean => r.key === ref.key && r.frame === ref.frame;
    if (this.result && same(this.result.ref)) return this.result;
    return this.series?.slices.find((slice) => same(slice.ref));
  }

  /** Outline every frame of a series in order, then measure the volume. */
  async runSeries(seriesUID: string, refs: readonly FrameRef[], decode: (ref: FrameRef) => Promise<ImageFrame>, thicknessMm: number | undefined, tags: ImageTags = {}): Promise<void> {
    const model = this.selected;
    if (!model) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.error = undefined;
    this.busy = true;
    const slices: SliceMask[] = [];
    let spacing: readonly [number, number] | undefined;
    this.series = { modelId: model.id, seriesUID, slices, total: refs.length, scopeReasons: scopeReasons(model.scope, tags) };
    try {
      for (const ref of refs) {
        const frame = await decode(ref);
        spacing ??= frame.spacing;
        const result = await ml.segment(model.id, frameToGrey(frame), controller.signal);
        if (this.controller !== controller) return;
        slices.push({ ref, width: result.width, height: result.height, mask: result.mask, pixels: result.mask.reduce((n, v) => n + v, 0) });
        this.series = { ...this.series, slices: [...slices] };
      }
      this.series = { ...this.series, volume: seriesVolume(slices, spacing, thicknessMm) };
    } catch (error) {
      if (this.controller === controller) this.error = toUserMessage(error);
    } finally {
      if (this.controller === controller) this.busy = false;
    }
  }

  cancel(): void {
    this.controller?.abort();
  }

  clear(): void {
    this.result = undefined;
    this.series = undefined;
  }
}

export const segmentation = new SegmentationState();
