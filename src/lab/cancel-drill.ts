/**
 * Cancel drill: what happens to the other calls when one is cancelled or the settings change.
 * The classifier and the segmenter panels share one worker, and the presenter runs both in the
 * background; a cancelled run must not leave another waiting for an answer that never comes.
 */
import { drill, labOptions, syntheticImage } from './run.ts';
import type { ClassifyResult, GreyImage } from '../ml/api.ts';

export interface CancelDrillResult {
  before?: number;
  /** A call made just before another was cancelled on the same worker: its probability, or what became of it. */
  bystander?: number | string;
  cancelled?: number | string;
  /** A call cancelled while alone, then the next call's probability (on a fresh worker). */
  aloneCancelled?: number | string;
  afterAlone?: number;
  /** A call waiting when the backend settings change, then the next call's probability. */
  reconfigured?: number | string;
  afterReconfigure?: number;
  restarts?: number;
  error?: string;
}

const NO_ANSWER_MS = 60_000;

/** The call's probability, why it was rejected, or a note that it never settled. */
function settle(call: Promise<ClassifyResult>): Promise<number | string> {
  const silent = new Promise<string>((resolve) => setTimeout(() => resolve(`no answer after ${NO_ANSWER_MS / 1000} s`), NO_ANSWER_MS));
  const outcome = call.then((r) => r.scores[1]?.probability ?? Number.NaN, (error: unknown) => `rejected: ${error instanceof Error ? error.message : String(error)}`);
  return Promise.race([outcome, silent]);
}

export function runCancelDrill(image: GreyImage = syntheticImage()): Promise<CancelDrillResult> {
  return drill<CancelDrillResult>('wasm', image, async (client, classify, result) => {
    result.before = (await classify()).scores[1]?.probability;
    const controller = new AbortController();
    const bystander = settle(classify());
    const cancelled = settle(classify(controller.signal));
    controller.abort();
    [result.bystander, result.cancelled] = await Promise.all([bystander, cancelled]);
    const alone = new AbortController();
    const lonely = settle(classify(alone.signal));
    alone.abort();
    result.aloneCancelled = await lonely;
    result.afterAlone = (await classify()).scores[1]?.probability;
    const waiting = settle(classify());
    client.reconfigure(labOptions('wasm'));
    result.reconfigured = await waiting;
    result.afterReconfigure = (await classify()).scores[1]?.probability;
    result.restarts = client.restartCount;
  });
}
