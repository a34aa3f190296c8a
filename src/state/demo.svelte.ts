import type { ClassifyResult, HeatmapResult } from '../ml/api.ts';
import type { ImageFrame } from '../dicom/image-frame.ts';
import { frameToGrey } from '../imaging/to-grey.ts';
import { scopeReasons, type ImageTags } from '../ml/scope.ts';
import { ml } from './ml.ts';
import { toUserMessage } from './messages.ts';
import { scopeOverride } from './scope-override.svelte.ts';
import { ModelRuns } from './model-runs.svelte.ts';
import type { FrameRef } from './studies.svelte.ts';

/** A Grad-CAM map and the frame it was computed for; the viewer draws it only over that frame. */
export interface ShownHeatmap extends HeatmapResult {
  ref: FrameRef;
}

/** The classifier panel: run the selected model on the shown image in the worker, show the scores. Segmenters have their own panel. */
export class DemoState extends ModelRuns {
  fileName = $state<string | undefined>(undefined);
  result = $state.raw<ClassifyResult | undefined>(undefined);
  /** Why the shown file's DICOM tags put it outside the model's scope; empty when they do not. */
  scopeReasons = $state.raw<string[]>([]);
  heatmap = $state.raw<ShownHeatmap | undefined>(undefined);
  /** Heatmap display: the viewer reads these. */
  heatVisible = $state(true);
  heatOpacity = $state(0.5);
  heatError = $state<string | undefined>(undefined);
  gateSaysNo = $derived(this.result?.applicability?.applies === false);
  outOfScope = $derived(this.gateSaysNo || this.scopeReasons.length > 0);
  /** Out of scope and not overridden: no number, no heatmap. */
  hidden = $derived(this.outOfScope && scopeOverride.shown !== this.result);

  constructor() {
    super('classification', 'model');
  }

  /** Run the selected model on the frame the viewer shows, then take its Grad-CAM map. */
  async analyse(frame: ImageFrame, ref: FrameRef, tags: ImageTags = {}): Promise<void> {
    const model = await this.model();
    if (!model) return;
    this.fileName = ref.key;
    this.result = undefined;
    this.heatmap = undefined;
    this.heatError = undefined;
    this.scopeReasons = scopeReasons(model.scope, tags);
    await this.exclusive(async (signal, latest) => {
      // One grey conversion for both calls; each call transfers its buffer away, so the first gets a copy.
      const grey = frameToGrey(frame);
      const result = await ml.classify(model.id, { ...grey, pixels: grey.pixels.slice() }, signal);
      if (latest()) this.result = result;
      this.noteRun(result);
      if (!latest()) return;
      // A heatmap that fails leaves the probability standing, with its own message.
      try {
        const heatmap = await ml.heatmap(model.id, grey, signal);
        if (latest()) this.heatmap = { ...heatmap, ref };
      } catch (error) {
        if (latest() && !signal.aborted) this.heatError = toUserMessage(error);
      }
    });
  }

  /**
   * Build the default classifier in the worker while the user is still finding files, so the
   * first analysis waits only for the image (drop to verdict: about 1.5 s cold, measured).
   * A failure here is not shown: the same load runs again, and reports, on the first analysis.
   */
  async warm(): Promise<void> {
    await this.loadModels();
    const id = this.selectedId;
    if (id) await ml.loadModel(id).catch(() => undefined);
  }

  /** The map to draw over a frame, if it was computed for that frame. */
  heatmapFor(ref: FrameRef | undefined): ShownHeatmap | undefined {
    const h = this.heatmap;
    return h && ref && h.ref.key === ref.key && h.ref.frame === ref.frame ? h : undefined;
  }
}

export const demo = new DemoState();
