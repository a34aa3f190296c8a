import type { EpochStats, FineTuneMode, FineTuneResult } from '../ml/api-finetune.ts';
import { splitByPatient, type Split } from '../teach/split.ts';
import { evaluate, type Evaluation } from '../teach/evaluation.ts';
import { toUserMessage } from './messages.ts';
import { prepareAll } from './prepare.ts';
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

/** The share of patients held out for validation, and the split's seed (fixed, so reruns compare). */
const VALIDATION_FRACTION = 0.2;
const SPLIT_SEED = 1;

type Phase = 'idle' | 'preparing' | 'training' | 'done';

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
  split = $state.raw<Split | undefined>(undefined);
  /** The class names the draft was trained on (the labels may change after). */
  classNames = $state.raw<string[]>([]);
  /** Two classes: which one is the finding (sensitivity, AUC). */
  positive = $state(1);
  /** The settings the shown result was trained with. */
  used = $state.raw<TrainSettings>({ ...DEFAULTS.head });
  error = $state<string | undefined>(undefined);
  private controller: AbortController | undefined;

  evaluation = $derived.by((): Evaluation | undefined => {
    const r = this.result;
    if (!r || r.validation.length === 0) return undefined;
    return evaluate(this.classNames, r.validation, Math.min(this.positive, this.classNames.length - 1));
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
    const empty = teach.labels.classes.filter((_, i) => (teach.counts[i] ?? 0) < 2);
    if (empty.length > 0) return `${empty.join(', ')} need${empty.length === 1 ? 's' : ''} at least 2 images to be split into training and validation.`;
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
    const split = splitByPatient(labelled.map((i) => ({ id: i.id, label: i.label, ...(i.patient ? { patient: i.patient } : {}) })), VALIDATION_FRACTION, SPLIT_SEED);
    Object.assign(this, { error: undefined, result: undefined, history: [], step: undefined, split, classNames, used: { ...this.settings }, phase: 'preparing' });
    try {
      await prepareAll(base, labelled, (done, total) => (this.prepared = { done, total }), signal);
      this.phase = 'training';
      const s = this.settings;
      const result = await teachClient.fineTune({
        baseModelId: base, classNames, mode: this.mode, epochs: s.epochs, learningRate: s.learningRate, batchSize: s.batchSize, augment: s.augment, patience: s.patience,
        train: split.train.map(({ id, label }) => ({ id, label })), validation: split.validation.map(({ id, label }) => ({ id, label })),
      }, (progress) => {
        if (progress.kind === 'epoch') this.history = [...this.history, progress.stats];
        else this.step = progress;
      });
      this.history = result.history;
      this.result = result;
      this.phase = 'done';
    } catch (error) {
      this.error = toUserMessage(error);
      this.phase = 'idle';
    } finally {
      this.controller = undefined;
    }
  }

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
    const kept = r.bestEpoch === 0 ? 'kept epoch 0, the head fitted before the block was unfrozen (its validation loss was lowest)' : `kept epoch ${r.bestEpoch}, the lowest validation loss`;
    if (r.cancelled) return `Cancelled at epoch ${last}; ${kept} so far.`;
    if (r.stoppedEarly) return `Stopped at epoch ${last}: validation loss had not improved for ${this.used.patience} epochs; ${kept}.`;
    return `Trained all ${last} epochs; ${kept}.`;
  });
}

export const training = new TrainingState();
