/**
 * The built app and one Chromium for the browser checks of the stress run. Every context is a
 * watched one (outside requests blocked and counted), and the run keeps the total, so the table
 * can say how many requests left the origin across the whole suite.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, watchedContext, type WatchedContext } from '../chromium.ts';
import { startStaticServer, type StaticServer } from '../static-server.ts';

export interface StressSession {
  server: StaticServer;
  browser: Browser;
  /** Every request that left the origin, from every context opened so far. */
  external: string[];
  open(path?: string): Promise<WatchedContext>;
  close(): Promise<void>;
}

/** Eager measureUserAgentSpecificMemory (else each waits for the next GC, about 20 s), and an unrounded performance.memory. */
const MEMORY_FLAGS = ['--enable-blink-features=ForceEagerMeasureMemory', '--enable-precise-memory-info'];

export async function startSession(root: string, options: { webgpu?: boolean } = {}): Promise<StressSession> {
  const server = await startStaticServer({ root, headers: 'isolated' });
  const browser = await launchBrowser({ webgpu: options.webgpu ?? false, extraArgs: MEMORY_FLAGS });
  const contexts: WatchedContext[] = [];
  return {
    server, browser,
    get external(): string[] {
      return contexts.flatMap((c) => c.external);
    },
    async open(path = '/'): Promise<WatchedContext> {
      const w = await watchedContext(browser, server.origin);
      contexts.push(w);
      await w.page.goto(`${server.origin}${path}`);
      return w;
    },
    async close(): Promise<void> {
      await browser.close();
      await server.close();
    },
  };
}

/** Long tasks and the page's JS heap from load on: the longest task and the heap's peak. */
export async function watchPage(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const store = window as unknown as { stress: { longest: number; tasks: number; peakHeap: number } };
    store.stress = { longest: 0, tasks: 0, peakHeap: 0 };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        store.stress.tasks++;
        store.stress.longest = Math.max(store.stress.longest, e.duration);
      }
    }).observe({ type: 'longtask', buffered: true });
    const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    setInterval(() => {
      store.stress.peakHeap = Math.max(store.stress.peakHeap, memory?.usedJSHeapSize ?? 0);
    }, 200);
  });
}

export interface PageFigures {
  longest: number;
  tasks: number;
  peakHeap: number;
}

export function pageFigures(page: Page): Promise<PageFigures> {
  return page.evaluate(() => (window as unknown as { stress: PageFigures }).stress);
}

/** JS memory of each dedicated worker of the page (largest first), as Chromium measures it. */
export async function workerMemory(page: Page): Promise<{ url: string; bytes: number }[]> {
  return page.evaluate(async () => {
    type Breakdown = { bytes: number; attribution: { scope: string; url: string }[] };
    const measure = (performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ breakdown: Breakdown[] }> }).measureUserAgentSpecificMemory;
    if (!measure) return [];
    const result = await measure.call(performance);
    return result.breakdown.flatMap((b) => b.attribution.filter((a) => a.scope === 'DedicatedWorkerGlobalScope').map((a) => ({ url: a.url, bytes: b.bytes })))
      .sort((a, b) => b.bytes - a.bytes);
  });
}

export const mb = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(0)} MB`;
