/**
 * Page side of the ML worker. The worker starts lazily on the first call, is re-initialised
 * after a crash or an abort (an abort kills it: tfjs cannot stop a kernel half way), and
 * every pending call is rejected with a typed error when it dies or is replaced. An abort
 * kills the worker only when no other call waits on it: the classifier and the segmenter
 * panels share one worker, and cancelling one must not take the other's run with it.
 */
import * as Comlink from 'comlink';
import type { FineTuneOptions, FineTuneProgress, FineTuneResult, ModelFiles, PrepareResult, PreparedImage, UserModelMeta } from './api-finetune.ts';
import type { SegFineTuneOptions, SegFineTuneProgress, SegFineTuneResult } from './api-segfinetune.ts';
import type { BackendInfo, ClassifyResult, ErrorCode, Fault, GreyImage, HeatmapResult, HilumWorkerApi, InitOptions, LoadResult, ModelEntry, Outcome, SegmentResult } from './api.ts';

export class HilumError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'HilumError';
  }
}

interface Running {
  worker: Worker;
  remote: Comlink.Remote<HilumWorkerApi>;
  /** Rejects when the worker dies or is discarded; every call races against it. */
  died: Promise<never>;
  stop: (error: HilumError) => void;
  ready: Promise<BackendInfo>;
  /** Calls not yet settled on this worker. */
  pending: number;
}

export class MlClient {
  private running: Running | undefined;
  private restarts = 0;

  constructor(private options: InitOptions, private readonly onRestart?: (count: number) => void) {}

  /** How many times a dead worker has been replaced; shown in diagnostics. */
  get restartCount(): number {
    return this.restarts;
  }

  private start(): Running {
    const worker = new Worker(new URL('./worker/index.ts', import.meta.url), { type: 'module', name: 'hilum-ml' });
    const remote = Comlink.wrap<HilumWorkerApi>(worker);
    let stop: (error: HilumError) => void = () => undefined;
    const died = new Promise<never>((_, reject) => {
      stop = reject;
    });
    died.catch(() => undefined);
    const ready: Promise<BackendInfo> = Promise.race([remote.init(this.options).then((r) => unwrap(r)), died]);
    ready.catch(() => undefined);
    const running: Running = { worker, remote, died, stop, ready, pending: 0 };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.discard(running, new HilumError('worker-crashed', `the AI worker stopped: ${event.message || 'unknown error'}`), true);
    });
    return running;
  }

  /** Terminate a worker and fail every call still waiting on it with `error`. */
  private discard(running: Running, error: HilumError, crashed: boolean): void {
    running.stop(error);
    if (this.running !== running) return;
    running.worker.terminate();
    this.running = undefined;
    if (crashed) {
      this.restarts += 1;
      this.onRestart?.(this.restarts);
    }
  }

  private get current(): Running {
    this.running ??= this.start();
    return this.running;
  }

  /**
   * Run one call. An abort rejects it at once; it kills the worker (so the next call gets a
   * fresh one) only when this is the last call waiting there, else the worker finishes the
   * aborted job unheard and goes on to the others.
   */
  private async call<T>(run: (remote: Comlink.Remote<HilumWorkerApi>) => Promise<Outcome<T>>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new HilumError('aborted', 'cancelled');
    const running = this.current;
    running.pending += 1;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        reject(new HilumError('aborted', 'cancelled'));
        if (running.pending === 1) this.discard(running, new HilumError('aborted', 'cancelled'), false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([running.ready, running.died, aborted]);
      return unwrap(await Promise.race([run(running.remote), running.died, aborted]));
    } finally {
      running.pending -= 1;
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Change backend or thread settings: they only take effect in a fresh worker. */
  reconfigure(options: InitOptions): void {
    this.options = options;
    if (this.running) this.discard(this.running, new HilumError('aborted', 'the AI settings changed; run it again'), false);
  }

  backend(signal?: AbortSignal): Promise<BackendInfo> {
    return this.call((r) => r.backendInfo(), signal);
  }

  listModels(signal?: AbortSignal): Promise<ModelEntry[]> {
    return this.call((r) => r.listModels(), signal);
  }

  loadModel(modelId: string, signal?: AbortSignal): Promise<LoadResult> {
    return this.call((r) => r.loadModel(modelId), signal);
  }

  /** The pixel buffer is transferred, so the caller must not use `image.pixels` afterwards. */
  classify(modelId: string, image: GreyImage, signal?: AbortSignal): Promise<ClassifyResult> {
    return this.call((r) => r.classify(modelId, Comlink.transfer(image, [image.pixels.buffer])), signal);
  }

  /** The pixel buffer is transferred, so the caller must not use `image.pixels` afterwards. */
  segment(modelId: string, image: GreyImage, signal?: AbortSignal): Promise<SegmentResult> {
    return this.call((r) => r.segment(modelId, Comlink.transfer(image, [image.pixels.buffer])), signal);
  }

  /** The pixel buffer is transferred, so the caller must not use `image.pixels` afterwards. */
  heatmap(modelId: string, image: GreyImage, signal?: AbortSignal): Promise<HeatmapResult> {
    return this.call((r) => r.heatmap(modelId, Comlink.transfer(image, [image.pixels.buffer])), signal);
  }

  /**
   * Fine-tune a segmenter's decoder on corrected masks. Image and mask buffers are transferred
   * (pass copies). Stop it with cancelSegmenterFineTune, not an abort: an abort kills the
   * worker, and with it every draft it holds.
   */
  fineTuneSegmenter(options: SegFineTuneOptions, onProgress: (progress: SegFineTuneProgress) => void): Promise<SegFineTuneResult> {
    const buffers = new Set(options.items.flatMap((i) => [i.image.pixels.buffer, i.mask.buffer]));
    return this.call((r) => r.fineTuneSegmenter(Comlink.transfer(options, [...buffers]), Comlink.proxy(onProgress)));
  }

  cancelSegmenterFineTune(): Promise<void> {
    return this.call(async (r) => ({ ok: true, value: await r.cancelSegmenterFineTune() }));
  }

  discardSegmenterDraft(draftId: string): Promise<boolean> {
    return this.call((r) => r.discardSegmenterDraft(draftId));
  }

  // Fine-tuning: no AbortSignal on purpose. An abort kills the worker, and with it the
  // prepared features, a running training and unsaved drafts; cancelFineTune stops training.

  /** The pixel buffers are transferred, so the caller must not use them afterwards. */
  prepareImages(baseModelId: string, images: PreparedImage[]): Promise<PrepareResult> {
    return this.call((r) => r.prepareImages(baseModelId, Comlink.transfer(images, images.map((i) => i.image.pixels.buffer))));
  }

  forgetImages(ids?: string[]): Promise<number> {
    return this.call((r) => r.forgetImages(ids));
  }

  fineTune(options: FineTuneOptions, onProgress: (progress: FineTuneProgress) => void): Promise<FineTuneResult> {
    return this.call((r) => r.fineTune(options, Comlink.proxy(onProgress)));
  }

  cancelFineTune(): Promise<void> {
    return this.call(async (r) => ({ ok: true, value: await r.cancelFineTune() }));
  }

  predictPrepared(modelId: string, ids: string[]): Promise<{ id: string; probabilities: number[] }[]> {
    return this.call((r) => r.predictPrepared(modelId, ids));
  }

  saveUserModel(draftId: string, meta: Omit<UserModelMeta, 'id' | 'createdAt'>): Promise<UserModelMeta> {
    return this.call((r) => r.saveUserModel(draftId, meta));
  }

  listUserModels(): Promise<UserModelMeta[]> {
    return this.call((r) => r.listUserModels());
  }

  renameUserModel(id: string, name: string): Promise<UserModelMeta> {
    return this.call((r) => r.renameUserModel(id, name));
  }

  deleteUserModel(id: string): Promise<void> {
    return this.call((r) => r.deleteUserModel(id));
  }

  exportUserModel(id: string): Promise<ModelFiles> {
    return this.call((r) => r.exportUserModel(id));
  }

  /** The weights buffer is transferred. */
  importUserModel(files: ModelFiles): Promise<UserModelMeta> {
    return this.call((r) => r.importUserModel(Comlink.transfer(files, [files.weights])));
  }

  tensorCount(): Promise<number> {
    return this.call(async (r) => ({ ok: true, value: await r.tensorCount() }));
  }

  injectFault(fault: Fault): Promise<string> {
    return this.call((r) => r.injectFault(fault));
  }

  dispose(): void {
    if (this.running) this.discard(this.running, new HilumError('aborted', 'the AI worker was closed'), false);
  }
}

function unwrap<T>(result: Outcome<T>): T {
  if (result.ok) return result.value;
  throw new HilumError(result.error.code, result.error.message);
}
