import type { ModelEntry, Timing } from '../ml/api.ts';
import { backend } from './backend.svelte.ts';
import { toUserMessage } from './messages.ts';
import { ml } from './ml.ts';
import { toasts } from './toasts.svelte.ts';

/**
 * What the AI panels share: the bundled models of one task, the one selected, and one run at a
 * time. A new run aborts the one before; only the latest may set the error or clear `busy`.
 */
export class ModelRuns {
  models = $state.raw<ModelEntry[]>([]);
  selectedId = $state<string | undefined>(undefined);
  error = $state<string | undefined>(undefined);
  busy = $state(false);
  selected = $derived(this.models.find((m) => m.id === this.selectedId));
  private controller: AbortController | undefined;

  /** `order` sorts the panel's list (the first is the default choice). */
  constructor(private readonly task: ModelEntry['task'], private readonly noun: string, private readonly order?: (a: ModelEntry, b: ModelEntry) => number) {}

  async loadModels(): Promise<void> {
    try {
      const models = (await ml.listModels()).filter((m) => m.task === this.task);
      this.models = this.order ? models.sort(this.order) : models;
      this.selectedId ??= this.models[0]?.id;
    } catch (error) {
      this.error = toUserMessage(error);
    }
  }

  /** The user picks a model. */
  choose(id: string): void {
    this.selectedId = id;
  }

  /** The selected model, loading the list first if a file arrived before it; undefined (and said) when none ships. */
  protected async model(): Promise<ModelEntry | undefined> {
    if (!this.selected) await this.loadModels();
    if (!this.selected) this.error ??= `No bundled ${this.noun} is available.`;
    return this.selected;
  }

  /** Run `work` as the latest run; `latest()` turns false once another run starts or this one is cancelled. */
  protected async exclusive(work: (signal: AbortSignal, latest: () => boolean) => Promise<void>): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const latest = (): boolean => this.controller === controller;
    this.error = undefined;
    this.busy = true;
    try {
      await work(controller.signal, latest);
    } catch (error) {
      if (latest()) this.error = toUserMessage(error);
    } finally {
      if (latest()) this.busy = false;
    }
  }

  /** Which backend ran it, and a word when a backend failed mid-run and the next one finished it. */
  protected noteRun(result: Timing): void {
    backend.noteRunOn(result.backend);
    if (result.fellBackFrom) toasts.show(`${result.fellBackFrom} failed during the run; Hilum continued on ${result.backend}.`, 'error');
  }

  cancel(): void {
    this.controller?.abort();
  }
}
