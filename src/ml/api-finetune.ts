/**
 * The transfer-learning part of the worker contract (see api.ts): plain data only. The page
 * owns labels and the split; the worker owns images' features, training and the models the
 * user made, which it keeps in IndexedDB. Images cross once, transferred, and the worker keeps
 * only what training needs (features; a 128 px copy for the last-block mode), never the image.
 */
import type { GreyImage, Outcome, Timing } from './api.ts';

/** One image, named by an id the page chooses (stable across calls). */
export interface PreparedImage {
  id: string;
  image: GreyImage;
}

export interface PrepareResult extends Timing {
  /** How many of the images the worker now holds features for, under this base model. */
  prepared: number;
}

/** 'head': a new classifier on frozen backbone features; 'last-block': also the last convolution block. */
export type FineTuneMode = 'head' | 'last-block';

export interface FineTuneOptions {
  /** A shipped classifier (or a user model) whose layers up to `features` are reused. */
  baseModelId: string;
  classNames: string[];
  mode: FineTuneMode;
  epochs: number;
  /**
   * Adam's rate. In 'last-block' the head is first fitted on frozen features by the 'head'
   * recipe (rate 1e-3, up to 200 epochs, stopped on validation); this rate, these epochs and
   * this batch size then apply to training the last block with the head, so use a smaller
   * rate there (about 1e-4).
   */
  learningRate: number;
  batchSize: number;
  /**
   * Small rotations, scalings, shifts, gamma and contrast changes (no flips: a mirrored chest
   * film puts the heart on the wrong side); used by the last-block mode only (features of a
   * frozen backbone are computed once).
   */
  augment: boolean;
  /** Epochs without a lower validation loss before training stops; the best epoch's weights are kept. */
  patience: number;
  /** Prepared image ids with their class index, per split; the page makes the split (by patient, stratified). */
  train: { id: string; label: number }[];
  validation: { id: string; label: number }[];
}

export interface EpochStats {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  ms: number;
}

export type FineTuneProgress =
  | { kind: 'epoch'; stats: EpochStats; epochs: number }
  | { kind: 'step'; epoch: number; step: number; steps: number };

export interface FineTuneResult extends Timing {
  /** An unsaved model, usable at once (classify, heatmap, predictPrepared) until the worker restarts or it is saved. */
  draftId: string;
  /** 'last-block' starts with epoch 0: the fitted head before the block was unfrozen (bestEpoch 0 keeps it). */
  history: EpochStats[];
  bestEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  /** Class probabilities of each validation image by the kept (best) weights, in `validation` order. */
  validation: { id: string; label: number; probabilities: number[] }[];
}

/** What a saved model says about itself; shown in the list and written into its card. */
export interface UserModelMeta {
  id: string;
  name: string;
  createdAt: string;
  baseModelId: string;
  baseModelVersion: string;
  classNames: string[];
  mode: FineTuneMode;
  /** Images per class in each split. */
  data: { train: number[]; validation: number[]; patients?: number };
  /** Held-out figures as the page computed them (AUC with its interval, accuracy, sensitivity, specificity). */
  metrics: Record<string, number | [number, number]>;
}

/** A user model as files: what the page downloads and what it reads back in another browser. */
export interface ModelFiles {
  modelJson: string;
  weights: ArrayBuffer;
  card: string;
  meta: UserModelMeta;
}

export interface FineTuneApi {
  prepareImages(baseModelId: string, images: PreparedImage[]): Promise<Outcome<PrepareResult>>;
  /** Forget prepared images (all when `ids` is absent). */
  forgetImages(ids?: string[]): Promise<Outcome<number>>;
  fineTune(options: FineTuneOptions, onProgress: (progress: FineTuneProgress) => void): Promise<Outcome<FineTuneResult>>;
  /** Stop the running fine-tuning after the current step; it resolves with `cancelled: true` and the best weights so far. */
  cancelFineTune(): Promise<void>;
  /** Probabilities of any model (shipped, draft or saved) for prepared images, for the evaluation page. */
  predictPrepared(modelId: string, ids: string[]): Promise<Outcome<{ id: string; probabilities: number[] }[]>>;
  saveUserModel(draftId: string, meta: Omit<UserModelMeta, 'id' | 'createdAt'>): Promise<Outcome<UserModelMeta>>;
  listUserModels(): Promise<Outcome<UserModelMeta[]>>;
  renameUserModel(id: string, name: string): Promise<Outcome<UserModelMeta>>;
  deleteUserModel(id: string): Promise<Outcome<void>>;
  exportUserModel(id: string): Promise<Outcome<ModelFiles>>;
  /** Validates the files (JSON schema, shapes, sizes, byte counts) before anything is stored; a bad one is refused with the reason. */
  importUserModel(files: ModelFiles): Promise<Outcome<UserModelMeta>>;
}
