import type { EpochStats, FineTuneMode, FineTuneOptions, FineTuneResult } from '../ml/api-finetune.ts';
import { splitByPatient, type Split } from '../teach/split.ts';
import { evaluate, type Evaluation } from '../teach/evaluation.ts';
import { HilumError } from '../ml/client.ts';
import { toUserMessage } from './messages.ts';
import { prepareAll, type PrepareItem } from './prepare.ts';
import { teachClient } from './teach-client.ts';
import { teach } from './teach.svelte.ts';
import { worklist } from './worklist.svelte.ts';

export interface TrainSettings {
  epochs: number;
  learningRate: number;
  batchSize: number;
  augment: boolean;
  patience: number;
}

/** Defaults per mode: the head learns fast from cached features; the last block needs a gentler rate and few epochs. */
export const DEFAULTS: Record<FineTuneMode, TrainSettings> = {
  head: { epochs: 60, learningRate: 1e-3, batchSize: 32, augment: false, patience: 8 },
  'last-block': { epochs: 8, learningRate: 1e-4, batchSize: 16, augment: true, patience: 3 },
};

/**
 * The share of patients held out for the reported figures, the share of the rest that decides
 * when training stops, and the split's seed (fixed, so reruns compare). The held-out images
 * choose nothing, so their figures are not flattered by the choice of epoch.
 */
const HELD_OUT_FRACTION = 0.2;
const STOPPING_FRACTION = 0.15;
const SPLIT_SEED = 1;

type Phase = 'idle' | 'preparing' | 'training' | 'done';

const crashed = (error: unknown): boolean => error instanceof HilumError && error.code === 'worker-crashed';

/**
 * Fine-tuning from the Teach view: split the labelled images by patient, send them to the
 * worker a batch at a time, train there with live curves, and grade the kept weights on the
 * held-out images. Training runs in the worker, so a hidden tab (whose page timers the browser
 * throttles) does not slow it; progress arrives as messages, which are not throttled.
 */
export class TrainingState {
  baseModelId = $state<string | undefined>(undefined);
  mode = $state<FineTuneMode>('head');
  settings = $state<TrainSettings>({ ...DEFAULTS.head });
  phase = $state<Phase>('idle');
  prepared = $state<{ done: number; total: number } | undefined>(undefined);
  step = $state<{ epoch: number; step: number; steps: number } | undefined>(undefined);
  history = $state.raw<EpochStats[]>([]);
  result = $state.raw<FineTuneResult | undefined>(undefined);
  /** `validation` here is the held-out set; `train` also holds the early-stopping images. */
  split = $state.raw<Split | undefined>(undefined);
  /** The kept weights' probabilities for each held-out image. */
  heldOut = $state.raw<{ id: string; label: number; probabilities: number[] }[]>([]);
  /** The class names the draft was trained on (the labels may change after). */
  classNames = $state.raw<string[]>([]);
  /** Two classes: which one is the finding (sensitivity, AUC). */
  positive = $state(1);
  /** The settings the shown result was trained with. */
  used = $state.raw<TrainSettings>({ ...DEFAULTS.head });
  error = $state<string | undefined>(undefined);
  /** Said in the panel when the AI worker crashed during this run and the run was started again. */
  restarted = $state<string | undefined>(undefined);
  /** The id the shown result was saved under; until then a reload would lose it. */
  savedAs = $state<string | undefined>(undefined);
  private controller: AbortController | undefined;

  evaluation = $derived.by((): Evaluation | undefined => {
    if (!this.result || this.heldOut.length === 0) return undefined;
    return evaluate(this.classNames, this.heldOut, Math.min(this.positive, this.classNames.length - 1));
  });
  busy = $derived(this.phase === 'preparing' || this.phase === 'training');

  setMode(mode: FineTuneMode): void {
    this.mode = mode;
    this.settings = { ...DEFAULTS[mode] };
  }

  /** Why training cannot start now, or undefined. */
  blocker = $derived.by((): string | undefined => {
    if (!this.baseModelId) return 'Choose a base model.';
    if (teach.labels.classes.length < 2) return 'Make at least two classes.';
    const empty = teach.labels.classes.filter((_, i) => (teach.counts[i] ?? 0) < 3);
    if (empty.length > 0) return `${empty.join(', ')} need${empty.length === 1 ? 's' : ''} at least 3 images: for training, for deciding when to stop, and held out for the figures.`;
    return undefined;
  });

  async train(): Promise<void> {
    const base = this.baseModelId;
    if (!base || this.blocker || this.busy) return;
    // One ML worker: a worklist running in the background would share it with training.
    worklist.pause();
    this.controller = new AbortController();
    const signal = this.controller.signal;
    const classNames = [...teach.labels.classes];
    const labelled = teach.labelled;
    const split = splitByPatient(labelled.map((i) => ({ id: i.id, label: i.label, ...(i.patient ? { patient: i.patient } : {}) })), HELD_OUT_FRACTION, SPLIT_SEED);
    const stopping = splitByPatient(split.train, STOPPING_FRACTION, SPLIT_SEED + 1);
    Object.assign(this, { error: undefined, restarted: undefined, savedAs: undefined, result: undefined, heldOut: [], history: [], step: undefined, split, classNames, used: { ...this.settings }, phase: 'preparing' });
    const s = this.settings;
    const options: FineTuneOptions = {
      baseModelId: base, classNames, mode: this.mode, epochs: s.epochs, learningRate: s.learningRate, batchSize: s.batchSize, augment: s.augment, patience: s.patience,
      train: stopping.train.map(({ id, label }) => ({ id, label })), validation: stopping.validation.map(({ id, label }) => ({ id, label })),
    };
    try {
      const result = await this.surviveOneCrash(() => this.runOnce(labelled, options, signal));
      this.history = result.history;
      const held = await teachClient.predictPrepared(result.draftId, split.validation.map((i) => i.id));
      this.heldOut = held.map((h, i) => ({ id: h.id, label: split.validation[i]?.label ?? 0, probabilities: h.probabilities }));
      this.result = result;
      this.phase = 'done';
    } catch (error) {
      this.error = crashed(error) ? `${this.whereStopped()} again, so training was stopped. Your labels and saved models are safe; press Train to try again (a smaller batch size or mode 1 needs less memory).` : toUserMessage(error);
      this.phase = 'idle';
    } finally {
      this.controller = undefined;
    }
  }

  /** Send the images the worker lacks (all of them in a fresh worker), then train there with live progress. */
  private async runOnce(labelled: PrepareItem[], options: FineTuneOptions, signal: AbortSignal): Promise<FineTuneResult> {
    await prepareAll(options.baseModelId, labelled, (done, total) => (this.prepared = { done, total }), signal);
    this.phase = 'training';
    return teachClient.fineTune(options, (progress) => {
      if (progress.kind === 'epoch') this.history = [...this.history, progress.stats];
      else this.step = progress;
    });
  }

  /**
   * A crashed worker takes the prepared features and the weights with it, so the run cannot go
   * on from its epoch: it starts again once, from the beginning, in the fresh worker the client
   * started. Labels (page and IndexedDB) and saved models (IndexedDB) were never in the worker's
   * memory alone, so nothing else is redone. A second crash is reported, not retried.
   */
  private async surviveOneCrash(run: () => Promise<FineTuneResult>): Promise<FineTuneResult> {
    try {
      return await run();
    } catch (error) {
      if (!crashed(error)) throw error;
      this.restarted = `${this.whereStopped()}; it was restarted and this run began again from the start. Your labels and saved models were not touched.`;
      Object.assign(this, { history: [], step: undefined, prepared: undefined, phase: 'preparing' });
      return run();
    }
  }

  private whereStopped(): string {
    if (this.phase === 'preparing') return `The AI worker stopped while reading the images (${this.prepared?.done ?? 0} of ${this.prepared?.total ?? '?'} done)`;
    return `The AI worker stopped at epoch ${this.history.at(-1)?.epoch ?? 0} of ${this.used.epochs}`;
  }

  /** What a page reload now would throw away, in words; the new version's reload waits for it. */
  unsaved = $derived.by((): string | undefined => {
    if (this.busy) return 'the training that is running';
    if (this.result && !this.savedAs) return 'the model just trained, which is not saved yet';
    return undefined;
  });

  /** While preparing: stop sending images. While training: the worker stops after this step and keeps the best weights so far. */
  async cancel(): Promise<void> {
    if (this.phase === 'preparing') this.controller?.abort();
    else if (this.phase === 'training') await teachClient.cancelFineTune();
  }

  /** The sentence that says how training ended. */
  outcome = $derived.by((): string | undefined => {
    const r = this.result;
    if (!r) return undefined;
    const last = r.history.at(-1)?.epoch ?? 0;
    const kept = r.bestEpoch === 0 ? 'kept epoch 0, the head fitted before the block was unfrozen (its validation loss was lowest)' : `kept epoch ${r.bestEpoch}, the lowest loss on the early-stopping images`;
    if (r.cancelled) return `Cancelled at epoch ${last}; ${kept} so far.`;
    if (r.stoppedEarly) return `Stopped at epoch ${last}: the loss on the early-stopping images had not improved for ${this.used.patience} epochs; ${kept}.`;
    return `Trained all ${last} epochs; ${kept}.`;
  });
}

export const training = new TrainingState();
