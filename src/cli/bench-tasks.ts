/**
 * Main-thread tasks from a Chromium trace. A long-task observer reports wall time, which other
 * processes inflate on a shared 2-core machine (a 15 ms task waits 100 ms for a core); the
 * trace also gives each task's thread (CPU) time, which they do not.
 */
import type { Browser, Page } from 'playwright-core';

export interface TaskStats {
  /** Longest main-thread task after the mark, wall time. */
  longestWallMs: number;
  /** Longest main-thread task after the mark, its thread's CPU time. */
  longestCpuMs: number;
  /** Tasks whose CPU time alone is over 50 ms. */
  overBudget: number;
}

interface TraceEvent {
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'];

/** Run `work` with the page traced; tasks are counted on the main thread from `mark` (a performance.mark the work sets first) on. */
export async function tracedTasks(browser: Browser, page: Page, mark: string, work: () => Promise<void>): Promise<TaskStats> {
  await browser.startTracing(page, { categories: CATEGORIES });
  let trace: Buffer | undefined;
  try {
    await work();
  } finally {
    trace = await browser.stopTracing();
  }
  return taskStats(JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }, mark);
}

export function taskStats(trace: { traceEvents: TraceEvent[] }, mark: string): TaskStats {
  const start = trace.traceEvents.find((e) => e.name === mark);
  if (!start) throw new Error(`the trace has no mark "${mark}"`);
  const tasks = trace.traceEvents.filter((e) => e.name === 'RunTask' && e.pid === start.pid && e.tid === start.tid && e.ts >= start.ts);
  const cpu = tasks.map((t) => (t.tdur ?? 0) / 1000);
  return {
    longestWallMs: Math.max(0, ...tasks.map((t) => (t.dur ?? 0) / 1000)),
    longestCpuMs: Math.max(0, ...cpu),
    overBudget: cpu.filter((ms) => ms > 50).length,
  };
}
