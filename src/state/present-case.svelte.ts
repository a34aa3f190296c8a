/**
 * The case on the projector: its files opened in the viewer's state at its frame, and the
 * models the deck names run on that frame in the background while the room thinks, so each
 * reveal step shows a result that is already there. The results are the AI panels' own
 * (demo, segmentation), so the presenter shows exactly what the Read view would.
 */
import type { ImageFrame } from '../dicom/image-frame.ts';
import type { Deck, DeckCase } from '../teach/deck.ts';
import { modelVerdict } from '../teach/quiz-summary.ts';
import { decks } from './decks.svelte.ts';
import { demo } from './demo.svelte.ts';
import { toUserMessage } from './messages.ts';
import { segmentation } from './segmentation.svelte.ts';
import { studies, type FrameRef } from './studies.svelte.ts';

export type Verdict = { label: string; probability: number };

export class PresentCaseState {
  /** The frame shown and where it is in the viewer's state; set once the case is open. */
  ref = $state.raw<FrameRef | undefined>(undefined);
  frame = $state.raw<ImageFrame | undefined>(undefined);
  caseId = $state<string | undefined>(undefined);
  /** The model's verdict per case, once computed (never shown before its reveal step). */
  verdicts = $state.raw<Record<string, Verdict>>({});
  error = $state<string | undefined>(undefined);
  private generation = 0;

  /** Open a case; a later call wins over an earlier one still loading. */
  async open(deck: Deck, files: ReadonlyMap<string, Blob>, item: DeckCase): Promise<void> {
    const generation = ++this.generation;
    const latest = (): boolean => generation === this.generation;
    this.error = undefined;
    this.ref = undefined;
    this.frame = undefined;
    this.caseId = item.id;
    try {
      await decks.openCase(deck, files, item.id);
      const ref = studies.frames[studies.position];
      if (!latest()) return;
      if (!ref) throw new Error(`no image in the case "${item.title}"`);
      const frame = studies.frame ?? (await studies.decode(ref));
      if (!latest()) return;
      this.ref = ref;
      this.frame = frame;
      await this.runModels(item, frame, ref, latest);
    } catch (error) {
      if (latest()) this.error = `${item.title}: ${toUserMessage(error)}`;
    }
  }

  private async runModels(item: DeckCase, frame: ImageFrame, ref: FrameRef, latest: () => boolean): Promise<void> {
    const { classifier, segmenter } = item.models;
    if (classifier && (item.reveal.includes('probability') || item.reveal.includes('heatmap'))) {
      await demo.loadModels();
      // Each await may end with the teacher on another case: a stale run must not start models there.
      if (!latest()) return;
      const model = demo.models.find((m) => m.id === classifier);
      if (!model) throw new Error(`the classifier ${classifier} is not in this browser; import the deck with its model`);
      demo.choose(classifier);
      await demo.analyse(frame, ref, studies.imageTags);
      if (!latest()) return;
      // Out of scope: the model gives no number here, as in the Read view.
      const verdict = demo.result && !demo.hidden ? modelVerdict(demo.result.scores, model.positiveIndex, model.operatingPoint) : undefined;
      if (verdict) this.verdicts = { ...this.verdicts, [item.id]: verdict };
    }
    if (segmenter && item.reveal.includes('outline') && latest()) {
      await segmentation.loadModels();
      if (!latest()) return;
      if (!segmentation.models.some((m) => m.id === segmenter)) throw new Error(`the segmenter ${segmenter} is not in this browser`);
      segmentation.choose(segmenter);
      await segmentation.run(frame, ref, studies.imageTags);
    }
  }

  /** Stop the case's model runs (leaving the presentation). */
  close(): void {
    this.generation++;
    demo.cancel();
    segmentation.cancel();
    this.ref = undefined;
    this.frame = undefined;
    this.caseId = undefined;
  }
}
