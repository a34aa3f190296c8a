/**
 * The segmentation part of the transfer-learning contract (see api.ts and api-finetune.ts):
 * plain data only. The page owns the corrected masks (what the user fixed with the brush) and
 * which of them are held out; the worker fine-tunes the U-Net's decoder on the rest and scores
 * the base model and the draft on the held-out ones through the same path the viewer uses.
 */
import type { GreyImage, ModelEntry, Outcome, Timing } from './api.ts';

/** One image with the mask the user corrected, at the image's own size (1 inside, 0 outside). */
export interface CorrectedMask {
  /** Chosen by the page, stable across calls (e.g. the frame's key and number). */
  id: string;
  image: GreyImage;
  mask: Uint8Array;
}

export interface SegFineTuneOptions {
  /** A segmentation model of the manifest (or an earlier draft) whose decoder is trained. */
  baseModelId: string;
  items: CorrectedMask[];
  /** Ids of `items` never trained on: the before/after Dice is measured on these only. */
  heldOut: string[];
  epochs: number;
  learningRate: number;
  batchSize: number;
  /** Light augmentation: left-right flips where the anatomy allows, small gamma and contrast changes. */
  augment: boolean;
  /** Epochs without a lower early-stop loss before training stops; the best epoch's weights are kept. */
  patience: number;
}

export interface SegEpochStats {
  epoch: number;
  /** Mean BCE + (1 - soft Dice) over the epoch's training steps. */
  loss: number;
  /** The same loss on the training item set aside for early stopping, when there were enough items. */
  stopLoss?: number;
  ms: number;
}

export type SegFineTuneProgress =
  | { kind: 'epoch'; stats: SegEpochStats; epochs: number }
  | { kind: 'scoring'; done: number; total: number };

/** Dice of the thresholded masks, as shown in the viewer, against the user's corrected mask. */
export interface HeldOutDice {
  id: string;
  before: number;
  after: number;
}

export interface SegFineTuneResult extends Timing {
  /** A model usable at once by `segment` (and listed by the page) until the worker restarts. */
  draft: ModelEntry;
  baseModelId: string;
  history: SegEpochStats[];
  bestEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  /** Items trained on, and the one set aside for early stopping (absent when there were too few). */
  trained: string[];
  earlyStopId?: string;
  heldOut: HeldOutDice[];
  meanBefore: number;
  meanAfter: number;
}

/** Below this many corrected images a split into training and held-out images means little. */
export const MIN_CORRECTED = 3;

export interface SegFineTuneApi {
  fineTuneSegmenter(options: SegFineTuneOptions, onProgress: (progress: SegFineTuneProgress) => void): Promise<Outcome<SegFineTuneResult>>;
  /** Stop the running fine-tuning after the current step; it resolves with `cancelled: true` and the best weights so far. */
  cancelSegmenterFineTune(): Promise<void>;
  /** Free a draft's weights; later `segment` calls with its id fail with model-not-found. */
  discardSegmenterDraft(draftId: string): Promise<Outcome<boolean>>;
}
