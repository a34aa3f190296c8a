/** Long session: consecutive inferences in the app's real worker (the lab's 'long' drill). */
import type { LongSessionResult } from '../../lab/long-session.ts';
import { mb, type StressSession } from './session.ts';
import type { CheckRow } from './table.ts';

/** Flat memory: the last sample within this much of the first (allocator noise, not a leak per call). */
const HEAP_SLACK = 8 * 1024 * 1024;

export async function longSessionCheck(session: StressSession, count: number): Promise<CheckRow> {
  const w = await session.open(`/lab.html?drill=long&count=${count}`);
  await w.page.waitForFunction(() => 'hilumLong' in window, undefined, { timeout: 30 * 60_000, polling: 1000 });
  const result = await w.page.evaluate(() => (window as unknown as { hilumLong: LongSessionResult }).hilumLong);
  await w.context.close();
  const first = result.samples[0];
  const last = result.samples.at(-1);
  const tensors = result.samples.map((s) => s.tensors);
  const flatTensors = first !== undefined && tensors.every((t) => t === first.tensors);
  const measured = first !== undefined && first.workerBytes >= 0;
  const flatHeap = measured && last !== undefined && last.workerBytes - first.workerBytes <= HEAP_SLACK;
  const ok = !result.error && last?.inferences === count && flatTensors && flatHeap;
  const heaps = result.samples.map((s) => s.workerBytes);
  return {
    check: 'long session: consecutive inferences',
    tried: `${count.toLocaleString('en')} pneumonia classifications in a row in the AI worker on ${result.backend ?? '?'}`,
    figure: `tensors: first ${first?.tensors ?? '?'}, last ${last?.tensors ?? '?'}, highest ${Math.max(...tensors)}; workers' JS heap: first ${mb(first?.workerBytes ?? 0)}, last ${mb(last?.workerBytes ?? 0)}, highest ${mb(Math.max(...heaps))} (${result.samples.length} samples)`,
    survived: `${last?.inferences ?? 0} of ${count} answered`,
    nothingLost: '—',
    verdict: ok ? 'pass' : 'fail',
    external: w.external.length,
    ...(ok ? {} : { note: result.error ?? (flatTensors ? `heap grew ${mb((last?.workerBytes ?? 0) - (first?.workerBytes ?? 0))}` : 'the tensor count changed') }),
  };
}
