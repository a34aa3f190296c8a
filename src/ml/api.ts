/**
 * The one contract between the page and the ML worker. Only plain data crosses it: typed
 * arrays go by transfer, never a tensor. Every method returns an Outcome, so errors arrive
 * as data with a code, not as exceptions that lose their type on the way through comlink.
 */

import type { Calibration } from './calibration.ts';
import type { ModelScope } from './scope.ts';
import type { FineTuneApi } from './api-finetune.ts';
import type { SegFineTuneApi } from './api-segfinetune.ts';

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

/** The order in which the worker tries backends when the user has not chosen one. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

export type BackendPreference = BackendName | 'auto';

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  /** Why this backend was skipped or failed, in words a user can read. */
  reason?: string;
}

export interface BackendInfo {
  name: BackendName;
  /** WASM only: threads in use (1 when the page is not cross-origin isolated). */
  threads?: number;
  simd?: boolean;
  /** WASM only: the threaded binary loaded (needs cross-origin isolation). */
  multithread?: boolean;
  /** WebGPU only: vendor/architecture of the adapter. */
  adapter?: string;
  /** Every backend considered, in order, with the reason a better one was not used. */
  attempts: BackendAttempt[];
  crossOriginIsolated: boolean;
  /** True when the user picked the backend rather than the automatic chooser. */
  preferred: BackendPreference;
}

export interface InitOptions {
  preferred?: BackendPreference;
  /** WASM thread count; 0 or absent lets the worker pick. */
  wasmThreads?: number;
  /** Absolute URL of the folder that holds models/manifest.json. */
  modelsBaseUrl?: string;
}

export interface ModelFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface ModelInput {
  width: number;
  height: number;
  channels: 1;
  /** How a grey image becomes the model's input; see preprocessing in the worker. */
  preprocessing: 'unit-range';
}

export interface ModelEntry {
  id: string;
  name: string;
  /** Classification: one probability per label. Segmentation: one foreground probability per pixel, `labels` = [background, structure]. */
  task: 'classification' | 'segmentation';
  version: string;
  input: ModelInput;
  labels: string[];
  /** Index of the label reported as the positive finding. */
  positiveIndex: number;
  /**
   * Probability at or above which the finding (or, for segmentation, a pixel) is reported, chosen
   * on validation data. On the calibrated scale when `calibration` is present, as the worker
   * reports calibrated probabilities.
   */
  operatingPoint?: number;
  /** Two-class classifiers: Platt scaling fitted on validation; the worker applies it to every score. */
  calibration?: Calibration;
  sizeBytes: number;
  files: ModelFile[];
  card: string;
  summary: string;
  /** File name of the applicability gate, one of `files`, when the model has one. */
  gate?: string;
  /** The images the model is for, by their DICOM tags. */
  scope?: ModelScope;
  /** Segmentation only: how masks are made from the model's output, chosen on validation data. */
  postprocess?: MaskPostprocess;
}

export interface MaskPostprocess {
  /** Average the output on the image and on its mirror image (flipped back). */
  mirrorAverage?: boolean;
  /**
   * On a whole series: keep only the 3-D connected regions (6-connected, across slices) with at
   * least this fraction of the largest region's voxels. Stray specks far from the tumour go.
   */
  volumeRegionFraction?: number;
}

export interface ModelManifest {
  models: ModelEntry[];
}

/** A single grey image in any value range; the worker normalises and resizes it. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Float32Array;
}

export interface Score {
  label: string;
  probability: number;
}

export interface Timing {
  backend: BackendName;
  ms: number;
  /** Set when the run failed on one backend and was retried on the next. */
  fellBackFrom?: BackendName;
}

/** Whether an image looks like what the model was trained on, measured, not assumed. */
export interface Applicability {
  distance: number;
  threshold: number;
  applies: boolean;
}

export interface ClassifyResult extends Timing {
  modelId: string;
  scores: Score[];
  /** Present when the model ships an applicability gate. */
  applicability?: Applicability;
}

export interface SegmentResult extends Timing {
  modelId: string;
  /** The mask at the image's own size, row by row: 1 inside the structure, 0 outside. */
  width: number;
  height: number;
  mask: Uint8Array;
}

/** Where the classifier sees evidence for one label (Grad-CAM), at the image's aspect. */
export interface HeatmapResult extends Timing {
  modelId: string;
  /** The map's own size (the model's input resolution); the viewer stretches it over the image. */
  width: number;
  height: number;
  /** Row by row, 0..1. */
  heat: Float32Array;
  label: string;
  probability: number;
}

export interface LoadResult extends Timing {
  modelId: string;
  /** False when the model came from the worker's memory rather than the network or cache. */
  fetched: boolean;
}

export type ErrorCode =
  | 'backend-unavailable'
  | 'model-not-found'
  | 'manifest-invalid'
  | 'checksum-mismatch'
  | 'bad-input'
  | 'worker-crashed'
  | 'aborted'
  /** The browser's storage quota is reached; nothing saved before is lost. */
  | 'storage-full'
  | 'internal';

export interface HilumErrorData {
  code: ErrorCode;
  message: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: HilumErrorData };

/** Faults the worker can inflict on itself, so tests can prove recovery on real failures. */
export type Fault = 'lose-webgpu-device' | 'crash-worker';

/** Fine-tuning: a classifier on the user's labelled images (api-finetune.ts), a segmenter's decoder on corrected masks (api-segfinetune.ts). */
export interface HilumWorkerApi extends FineTuneApi, SegFineTuneApi {
  init(options: InitOptions): Promise<Outcome<BackendInfo>>;
  backendInfo(): Promise<Outcome<BackendInfo>>;
  listModels(): Promise<Outcome<ModelEntry[]>>;
  loadModel(modelId: string): Promise<Outcome<LoadResult>>;
  classify(modelId: string, image: GreyImage): Promise<Outcome<ClassifyResult>>;
  /** The mask buffer comes back transferred. */
  segment(modelId: string, image: GreyImage): Promise<Outcome<SegmentResult>>;
  /** Grad-CAM for the model's positive label; the heat buffer comes back transferred. */
  heatmap(modelId: string, image: GreyImage): Promise<Outcome<HeatmapResult>>;
  tensorCount(): Promise<number>;
  injectFault(fault: Fault): Promise<Outcome<string>>;
}
