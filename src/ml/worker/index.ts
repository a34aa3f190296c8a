/**
 * The ML worker: owns TensorFlow.js and every model. The page talks to it only through
 * HilumWorkerApi (comlink). A run that fails on one backend (WebGPU device lost, a kernel
 * error) is retried on the next backend in order, without a page reload.
 */
// Tensor methods (x.reshape(), x.div()...) that '@tensorflow/tfjs' adds and tfjs-core alone
// does not; tfjs-layers calls them. Only the bundled worker imports this path (see tf.ts).
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as Comlink from 'comlink';
import * as tf from './tf.ts';
import type { BackendInfo, BackendName, ClassifyResult, Fault, GreyImage, HeatmapResult, HilumWorkerApi, InitOptions, LoadResult, ModelEntry, SegmentResult, Timing } from '../api.ts';
import type { SegFineTuneOptions, SegFineTuneProgress, SegFineTuneResult } from '../api-segfinetune.ts';
import { chooseBackend, currentGpuDevice } from './backends.ts';
import { classify } from './classify.ts';
import { gradCam } from './gradcam.ts';
import { segment } from './segment.ts';
import { cancelSegmenterFineTune, fineTuneSegmenter } from './seg-finetune.ts';
import { discardDraft } from './seg-drafts.ts';
import { WorkerError, outcome } from './errors.ts';
import { allModels, disposeModels, getModel, setModelsBaseUrl } from './registry.ts';
import { createFineTuneApi } from './finetune/api.ts';
import { IndexedDbStore, MemoryStore } from './finetune/store.ts';
import { useUserModelStore } from './finetune/user-models.ts';

let options: InitOptions = {};
let info: BackendInfo | undefined;
let deviceLost = false;
const failed = new Set<BackendName>();

function watchDevice(): void {
  deviceLost = false;
  const device = currentGpuDevice();
  if (device) void device.lost.then(() => { deviceLost = true; });
}

async function switchBackend(): Promise<BackendInfo> {
  disposeModels();
  info = await chooseBackend(options, failed);
  watchDevice();
  return info;
}

async function ensureBackend(): Promise<BackendInfo> {
  if (info && deviceLost) failed.add(info.name);
  if (!info || deviceLost) return switchBackend();
  return info;
}

/** Errors that say something about the input or the model, not the backend: never retried. */
function isBackendFault(error: unknown): boolean {
  return !(error instanceof WorkerError) || error.code === 'internal';
}

async function withFallback<T>(run: () => Promise<T>): Promise<{ value: T } & Timing> {
  // A device lost between runs counts as a fallback of this run: the user should hear of it.
  let fellBackFrom: BackendName | undefined = info && deviceLost ? info.name : undefined;
  for (;;) {
    const backend = (await ensureBackend()).name;
    const start = performance.now();
    try {
      const value = await run();
      if (deviceLost) throw new Error('the WebGPU device was lost during the run');
      const timing: { value: T } & Timing = { value, backend, ms: performance.now() - start };
      if (fellBackFrom) timing.fellBackFrom = fellBackFrom;
      return timing;
    } catch (error) {
      if (!isBackendFault(error)) throw error;
      failed.add(backend);
      fellBackFrom ??= backend;
      console.warn(`hilum: ${backend} failed (${String(error)}); trying the next backend`);
      await switchBackend();
    }
  }
}

let classifyCalls = 0;

/**
 * A classifier's first run on a backend costs about 200 ms more than the next ones (kernel
 * and buffer set-up); loadModel pays it on a blank image while the user is still finding
 * files, so their first image gets the steady-state time. Segmenters are not warmed: one
 * U-Net run is as long as the set-up it would save.
 */
async function warmUp(entry: ModelEntry): Promise<void> {
  // A real image that arrived during the build pays the set-up itself; a blank one first would only delay it.
  if (entry.task !== 'classification' || classifyCalls > 0) return;
  const size = 256;
  const pixels = new Float32Array(size * size).map((_, i) => i % size);
  await classify(entry.id, { width: size, height: size, pixels }).catch(() => undefined);
}

// Saved user models live in this origin's IndexedDB, written from the worker.
useUserModelStore(typeof indexedDB === 'undefined' ? new MemoryStore() : new IndexedDbStore());

const api: HilumWorkerApi = {
  ...createFineTuneApi(ensureBackend),
  init: (opts: InitOptions) => outcome(async () => {
    options = opts;
    if (opts.modelsBaseUrl) setModelsBaseUrl(opts.modelsBaseUrl);
    failed.clear();
    return switchBackend();
  }),
  backendInfo: () => outcome(ensureBackend),
  listModels: () => outcome(allModels),
  loadModel: (modelId: string) => outcome(async (): Promise<LoadResult> => {
    const { value, ...timing } = await withFallback(() => getModel(modelId));
    await warmUp(value.loaded.entry);
    return { modelId, fetched: value.fetched, ...timing };
  }),
  classify: (modelId: string, image: GreyImage) => outcome(async (): Promise<ClassifyResult> => {
    classifyCalls++;
    const { value, ...timing } = await withFallback(() => classify(modelId, image));
    return { modelId, ...value, ...timing };
  }),
  segment: async (modelId: string, image: GreyImage) => {
    const result = await outcome(async (): Promise<SegmentResult> => {
      const { value, ...timing } = await withFallback(() => segment(modelId, image));
      return { modelId, ...value, ...timing };
    });
    return result.ok ? Comlink.transfer(result, [result.value.mask.buffer]) : result;
  },
  heatmap: async (modelId: string, image: GreyImage) => {
    const result = await outcome(async (): Promise<HeatmapResult> => {
      const { value, ...timing } = await withFallback(() => gradCam(modelId, image));
      return { modelId, ...value, ...timing };
    });
    return result.ok ? Comlink.transfer(result, [result.value.heat.buffer]) : result;
  },
  fineTuneSegmenter: (o: SegFineTuneOptions, onProgress: (p: SegFineTuneProgress) => void) => outcome(async (): Promise<SegFineTuneResult> => {
    const { value, ...timing } = await withFallback(() => fineTuneSegmenter(o, onProgress));
    return { ...value, ...timing };
  }),
  cancelSegmenterFineTune: () => Promise.resolve(cancelSegmenterFineTune()),
  discardSegmenterDraft: (id: string) => outcome(() => Promise.resolve(discardDraft(id))),
  tensorCount: () => Promise.resolve(tf.memory().numTensors),
  injectFault: (fault: Fault) => outcome(async () => {
    if (fault === 'crash-worker') {
      // An uncaught error outside any call, as a crashed kernel or an out-of-memory abort would raise.
      setTimeout(() => { throw new Error('injected crash'); });
      return 'the worker will crash';
    }
    const device = currentGpuDevice();
    if (!device) throw new WorkerError('bad-input', 'the current backend is not WebGPU');
    device.destroy();
    await device.lost;
    return 'WebGPU device destroyed';
  }),
};

Comlink.expose(api);
