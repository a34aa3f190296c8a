import type { ClassifyResult, GreyImage, ModelEntry } from '../ml/api.ts';
import type { ImageFrame } from '../dicom/image-frame.ts';
import { frameToGrey } from '../imaging/to-grey.ts';
import { scopeReasons, type ImageTags } from '../ml/scope.ts';
import { backend } from './backend.svelte.ts';
import { toUserMessage } from './messages.ts';
import { ml } from './ml.ts';
import { toasts } from './toasts.svelte.ts';

/** The bundled-model check: pick an image, run the model in the worker, show the scores. */
export class DemoState {
  models = $state.raw<ModelEntry[]>([]);
  selectedId = $state<string | undefined>(undefined);
  fileName = $state<string | undefined>(undefined);
  result = $state.raw<ClassifyResult | undefined>(undefined);
  /** Why the shown file's DICOM tags put it outside the model's scope; empty when they do not. */
  scopeReasons = $state.raw<string[]>([]);
  error = $state<string | undefined>(undefined);
  busy = $state(false);
  private controller: AbortController | undefined;

  selected = $derived(this.models.find((m) => m.id === this.selectedId));

  async loadModels(): Promise<void> {
    try {
      // This panel classifies; segmenters are run from their own panel.
      this.models = (await ml.listModels()).filter((m) => m.task === 'classification');
      this.selectedId ??= this.models[0]?.id;
    } catch (error) {
      this.error = toUserMessage(error);
    }
  }

  /** Run the selected model on the frame the viewer shows. */
  async analyse(frame: ImageFrame, name: string, tags: ImageTags = {}): Promise<void> {
    // A file dropped before the model list arrived must still be analysed.
    if (!this.selected) await this.loadModels();
    const model = this.selected;
    if (!model) {
      this.error ??= 'No bundled model is available.';
      return;
    }
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.fileName = name;
    this.result = undefined;
    this.scopeReasons = scopeReasons(model.scope, tags);
    this.error = undefined;
    this.busy = true;
    try {
      const image: GreyImage = frameToGrey(frame);
      const result = await ml.classify(model.id, image, controller.signal);
      if (this.controller === controller) this.result = result;
      backend.noteRunOn(result.backend);
      if (result.fellBackFrom) toasts.show(`${result.fellBackFrom} failed during the run; Hilum continued on ${result.backend}.`, 'error');
    } catch (error) {
      if (this.controller === controller) this.error = toUserMessage(error);
    } finally {
      if (this.controller === controller) this.busy = false;
    }
  }

  cancel(): void {
    this.controller?.abort();
  }
}

export const demo = new DemoState();
