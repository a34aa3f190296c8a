import type { ClassifyResult } from '../ml/api.ts';
import type { ImageFrame } from '../dicom/image-frame.ts';
import { frameToGrey } from '../imaging/to-grey.ts';
import { scopeReasons, type ImageTags } from '../ml/scope.ts';
import { ml } from './ml.ts';
import { ModelRuns } from './model-runs.svelte.ts';

/** The classifier panel: run the selected model on the shown image in the worker, show the scores. Segmenters have their own panel. */
export class DemoState extends ModelRuns {
  fileName = $state<string | undefined>(undefined);
  result = $state.raw<ClassifyResult | undefined>(undefined);
  /** Why the shown file's DICOM tags put it outside the model's scope; empty when they do not. */
  scopeReasons = $state.raw<string[]>([]);

  constructor() {
    super('classification', 'model');
  }

  /** Run the selected model on the frame the viewer shows. */
  async analyse(frame: ImageFrame, name: string, tags: ImageTags = {}): Promise<void> {
    const model = await this.model();
    if (!model) return;
    this.fileName = name;
    this.result = undefined;
    this.scopeReasons = scopeReasons(model.scope, tags);
    await this.exclusive(async (signal, latest) => {
      const result = await ml.classify(model.id, frameToGrey(frame), signal);
      if (latest()) this.result = result;
      this.noteRun(result);
    });
  }
}

export const demo = new DemoState();
