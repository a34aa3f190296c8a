import type { SeriesInfo } from '../dicom/series.ts';
import type { OpenedFile } from '../imaging/api.ts';
import type { ModelEntry } from '../ml/api.ts';
import { countMaskOffThread, countVolumeRegionsOffThread, toGreyOffThread } from '../imaging/grey.ts';
import { HilumError } from '../ml/client.ts';
import { toUserMessage } from './messages.ts';
import { ml } from './ml.ts';
import { studies } from './studies.svelte.ts';
import { etaMs, progressOf, sortRows, type WorklistRow } from './worklist-order.ts';
import { groupStudies, planStudy, type StudyPlan } from './worklist-plan.ts';
import { runStudy } from './worklist-run.ts';

/** A macrotask between studies, so input and rendering get the main thread in between. */
const yieldToMain = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Every loaded study as a row, run one at a time through the ML worker in the background.
 * Rows are replaced, never mutated ($state.raw), so an update re-renders one row, not the list.
 * A crashed worker fails only the study it was running: the client starts a new one for the next.
 */
export class WorklistState {
  rows = $state.raw<WorklistRow[]>([]);
  running = $state(false);
  paused = $state(false);
  /** Measured wall time of each study that ran a model, for the ETA. */
  durations = $state.raw<number[]>([]);
  error = $state<string | undefined>(undefined);
  sorted = $derived(sortRows(this.rows));
  progress = $derived(progressOf(this.rows));
  eta = $derived(etaMs(this.durations, this.rows.filter((r) => r.status === 'queued' || r.status === 'running').length));
  // Plans and models are looked up by the loop, never rendered: not state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private plans = new Map<string, StudyPlan>();
  private models: ModelEntry[] | undefined;
  private controller: AbortController | undefined;
  private resume: (() => void) | undefined;

  /** Bring the rows in line with the loaded series; a load that brings two or more new studies starts the run. */
  async sync(series: readonly SeriesInfo[], files: readonly OpenedFile[]): Promise<void> {
    const groups = groupStudies(series, files);
    if (groups.length === 0) {
      this.cancel();
      this.rows = [];
      this.plans.clear();
      this.durations = [];
      return;
    }
    const models = await this.loadModels();
    if (!models) return;
    // Local lookups, not state.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const known = new Set(this.rows.map((r) => r.id));
    const fresh = groups.filter((g) => !known.has(g.id));
    const added = fresh.map((g, i): WorklistRow => {
      const plan = planStudy(g, models);
      this.plans.set(g.id, plan);
      const base = { id: g.id, index: this.rows.length + i, title: g.title, modality: g.modality, images: g.images, seriesUID: g.series[0]?.seriesInstanceUID ?? '' };
      // Studies no model applies to by their tags are settled at once; they never wait in the queue.
      return plan.chest || plan.volume ? { ...base, status: 'queued', reasons: [] } : { ...base, status: 'out-of-scope', reasons: plan.reasons };
    });
    // Series can grow while files are still read: the counts follow the latest grouping.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const byId = new Map(groups.map((g) => [g.id, g]));
    this.rows = [...this.rows.map((r) => ({ ...r, images: byId.get(r.id)?.images ?? r.images })), ...added];
    if (fresh.length > 1) void this.run();
  }

  private async loadModels(): Promise<ModelEntry[] | undefined> {
    try {
      this.models ??= await ml.listModels();
      return this.models;
    } catch (error) {
      this.error = toUserMessage(error);
      return undefined;
    }
  }

  /** The "Run worklist" button: failed studies get another try along with the queued ones. */
  start(): Promise<void> {
    if (!this.running) this.rows = this.rows.map((r) => (r.status === 'failed' ? { ...r, status: 'queued', reasons: [] } : r));
    return this.run();
  }

  /** Run every queued study in order of arrival; a second call while running does nothing. */
  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.paused = false;
    this.error = undefined;
    const controller = new AbortController();
    this.controller = controller;
    try {
      for (let next = this.nextQueued(); next && !controller.signal.aborted; next = this.nextQueued()) {
        if (this.paused) await new Promise<void>((resolve) => (this.resume = resolve));
        if (controller.signal.aborted) break;
        await this.runOne(next, controller.signal);
        await yieldToMain();
      }
    } finally {
      if (this.controller === controller) {
        this.running = false;
        this.paused = false;
        this.controller = undefined;
      }
    }
  }

  private nextQueued(): WorklistRow | undefined {
    return this.rows.find((r) => r.status === 'queued');
  }

  private update(id: string, change: Partial<WorklistRow>): void {
    this.rows = this.rows.map((r) => (r.id === id ? { ...r, ...change } : r));
  }

  private async runOne(row: WorklistRow, signal: AbortSignal): Promise<void> {
    const plan = this.plans.get(row.id);
    const models = this.models;
    if (!plan || !models) return;
    this.update(row.id, { status: 'running', reasons: [] });
    const started = performance.now();
    try {
      const outcome = await runStudy(plan, { models, ml, decode: (ref) => studies.decode(ref), toGrey: toGreyOffThread, countMask: countMaskOffThread, countVolumeRegions: countVolumeRegionsOffThread, thickness: (key) => studies.tagNumber(key, 'x00180050') }, signal);
      const ms = performance.now() - started;
      this.durations = [...this.durations, ms];
      this.update(row.id, { ...outcome, ms });
    } catch (error) {
      // Cancelled: the study waits again, untouched. Anything else fails this study only.
      if (signal.aborted) this.update(row.id, { status: 'queued' });
      else this.update(row.id, { status: 'failed', reasons: [failureMessage(error)] });
    }
  }

  pause(): void {
    if (this.running) this.paused = true;
  }

  unpause(): void {
    this.paused = false;
    this.resume?.();
    this.resume = undefined;
  }

  /** Stop now: the running study's worker call is aborted (the worker is replaced) and it goes back to the queue. */
  cancel(): void {
    this.controller?.abort();
    this.resume?.();
    this.resume = undefined;
  }

  /** Show the row's study in the viewer. */
  open(row: WorklistRow): Promise<void> {
    return studies.select(row.seriesUID);
  }
}

function failureMessage(error: unknown): string {
  if (error instanceof HilumError && error.code === 'worker-crashed') return 'The AI worker stopped during this study. It was restarted and the worklist went on; run the study again to retry it.';
  return toUserMessage(error);
}

export const worklist = new WorklistState();
