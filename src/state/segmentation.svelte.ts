import type { ModelEntry, SegmentResult } from '../ml/api.ts';
import type { ImageFrame } from '../dicom/image-frame.ts';
import { area, measureLungs, measuresLungs, type Area, type LungMeasurement } from '../ml/mask-measure.ts';
import { frameToGrey } from '../imaging/to-grey.ts';
import { scopeReasons, type ImageTags } from '../ml/scope.ts';
import { ml } from './ml.ts';
import { keepVolumeRegionsOffThread } from '../imaging/grey.ts';
import type { FrameRef } from './studies.svelte.ts';
import { seriesVolume, uniformSize, type SeriesVolume, type SliceMask } from './series-outline.ts';
import { ModelRuns } from './model-runs.svelte.ts';
import { remeasureSeries, remeasureShown } from './mask-remeasure.ts';

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
  /** Pixel Spacing of the frame, to measure the mask again after a hand correction. */
  spacing?: readonly [number, number];
  /** The mask was corrected by hand (brush or eraser); reports should say so. */
  edited?: boolean;
}

export interface SeriesOutline {
  modelId: string;
  seriesUID: string;
  slices: SliceMask[];
  total: number;
  volume?: SeriesVolume;
  scopeReasons: string[];
  /** What the volume was computed from, to compute it again after a hand correction. */
  spacing?: readonly [number, number];
  thicknessMm?: number;
  /** Some slice's mask was corrected by hand. */
  edited?: boolean;
}

/** The model's region filter over a finished series (off the main thread), pixel counts updated. */
async function keepSeriesRegions(slices: SliceMask[], fraction: number | undefined): Promise<SliceMask[]> {
  const size = uniformSize(slices);
  if (fraction === undefined || !size) return slices;
  // The shown masks go to the worker and come back filtered, so copies are sent.
  const { masks, pixels } = await keepVolumeRegionsOffThread(slices.map((s) => s.mask.slice()), size.width, size.height, fraction);
  return slices.map((s, i) => ({ ...s, mask: masks[i] ?? s.mask, pixels: pixels[i] ?? s.pixels }));
}

/** Chest models first: an image without tags (PNG, JPEG) is most often a chest film here. */
const chestFirst = (a: ModelEntry, b: ModelEntry): number => Number(!a.scope?.bodyParts?.includes('CHEST')) - Number(!b.scope?.bodyParts?.includes('CHEST'));

/** Segmentation of the shown frame or a whole series: the model, its masks, and what they measure. */
export class SegmentationState extends ModelRuns {
  result = $state.raw<ShownMask | undefined>(undefined);
  /** Every frame of one series outlined, with its volume once all are done. */
  series = $state.raw<SeriesOutline | undefined>(undefined);
  visible = $state(true);
  opacity = $state(0.35);
  /** Set once the user picks a model; until then each run picks the model whose tag scope fits. */
  chosenByUser = false;

  constructor() {
    super('segmentation', 'segmentation model', chestFirst);
  }

  override choose(id: string): void {
    super.choose(id);
    this.chosenByUser = true;
  }

  /** Fine-tuned drafts the worker holds (see seg-teach.svelte.ts), offered after the shipped models. */
  private drafts: ModelEntry[] = [];

  override async loadModels(): Promise<void> {
    await super.loadModels();
    this.models = [...this.models.filter((m) => !this.drafts.some((d) => d.id === m.id)), ...this.drafts];
  }

  /** Offer a draft in the picker and use it for the next outlines. */
  addDraft(entry: ModelEntry): void {
    this.drafts = [...this.drafts, entry];
    this.models = [...this.models, entry];
    this.choose(entry.id);
  }

  async run(frame: ImageFrame, ref: FrameRef, tags: ImageTags = {}): Promise<void> {
    const fallback = await this.model();
    if (!fallback) return;
    if (!this.chosenByUser) this.selectedId = (this.models.find((m) => scopeReasons(m.scope, tags).length === 0) ?? fallback).id;
    const model = this.selected ?? fallback;
    await this.exclusive(async (signal, latest) => {
      const result = await ml.segment(model.id, frameToGrey(frame), signal);
      this.noteRun(result);
      if (!latest()) return;
      // Lung fields split into the two lungs; other structures report their whole mask.
      const lungs = measuresLungs(model) ? measureLungs(result.mask, result.width, result.height, frame.spacing) : undefined;
      const counted = lungs ? undefined : area(result.mask.reduce((n, v) => n + v, 0), frame.spacing);
      this.result = { ...result, ...(lungs ? { lungs } : {}), ...(counted ? { area: counted } : {}), ref, noSpacing: !frame.spacing, spacing: frame.spacing, scopeReasons: scopeReasons(model.scope, tags) };
    });
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
    const model = await this.model();
    if (!model) return;
    const slices: SliceMask[] = [];
    let spacing: readonly [number, number] | undefined;
    let outline: SeriesOutline = { modelId: model.id, seriesUID, slices, total: refs.length, scopeReasons: scopeReasons(model.scope, tags) };
    this.series = outline;
    await this.exclusive(async (signal, latest) => {
      for (const ref of refs) {
        const frame = await decode(ref);
        spacing ??= frame.spacing;
        const result = await ml.segment(model.id, frameToGrey(frame), signal);
        if (!latest()) return;
        slices.push({ ref, width: result.width, height: result.height, mask: result.mask, pixels: result.mask.reduce((n, v) => n + v, 0) });
        outline = { ...outline, slices: [...slices] };
        this.series = outline;
      }
      const finished = await keepSeriesRegions(slices, model.postprocess?.volumeRegionFraction);
      if (!latest()) return;
      this.series = { ...outline, slices: finished, volume: seriesVolume(finished, spacing, thicknessMm), spacing, thicknessMm };
    });
  }

  /** A brush or eraser changed `mask` in place: measure it again, marked edited or (after undoing all) not. */
  markEdited(mask: Uint8Array, edited: boolean): void {
    if (this.result?.mask === mask) this.result = remeasureShown(this.result, edited);
    if (this.series?.slices.some((s) => s.mask === mask)) this.series = remeasureSeries(this.series, mask, edited);
  }

  /** Whether `mask` is still one of the shown results (an undo of an older result's stroke is dropped). */
  holds(mask: Uint8Array): boolean {
    return this.result?.mask === mask || this.series?.slices.some((s) => s.mask === mask) === true;
  }

  clear(): void {
    this.result = undefined;
    this.series = undefined;
  }
}

export const segmentation = new SegmentationState();
