/**
 * Reading a study, timed in headless Chromium: the worker's jobs per backend (the lab's
 * reading drill), and, through the app itself, the time from dropping a chest CR to the
 * classification shown, with the models already cached by an earlier visit.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { ReadingResult } from '../lab/reading.ts';
import type { FineTuneBench } from '../lab/finetune.ts';
import { launchBrowser, watchedContext } from './chromium.ts';
import { startStaticServer } from './static-server.ts';
import { worklistTasks, worklistThroughput } from './bench-worklist.ts';
import { median } from '../ml/overlap.ts';

const CHEST_CR = 'dicom/chest_radiograph/CR-MONO1-10-chest.dcm';

interface Setup {
  label: string;
  query: string;
  /** At most this many timed runs: a software WebGPU adapter takes minutes per brain series. */
  maxRuns?: number;
}

const SETUPS: Setup[] = [
  { label: 'WASM SIMD, 1 thread', query: 'backend=wasm&threads=1' },
  { label: 'WASM SIMD, 2 threads', query: 'backend=wasm&threads=2' },
  { label: 'WebGPU (explicit; software adapter here)', query: 'backend=webgpu', maxRuns: 3 },
];

async function readingJobs(browser: Browser, origin: string, setup: Setup, runs: number): Promise<ReadingResult> {
  const w = await watchedContext(browser, origin, 'block');
  try {
    await w.page.goto(`${origin}/lab.html?drill=reading&${setup.query}&runs=${runs}`);
    await w.page.waitForFunction(() => 'hilumReading' in window, undefined, { timeout: 900_000 });
    return await w.page.evaluate(() => (window as unknown as { hilumReading: ReadingResult }).hilumReading);
  } finally {
    await w.context.close();
  }
}

async function fineTuneJobs(browser: Browser, origin: string, backend: string): Promise<FineTuneBench> {
  const w = await watchedContext(browser, origin, 'block');
  try {
    await w.page.goto(`${origin}/lab.html?drill=finetune&backend=${backend}`);
    await w.page.waitForFunction(() => 'hilumFineTune' in window, undefined, { timeout: 900_000 });
    return await w.page.evaluate(() => (window as unknown as { hilumFineTune: FineTuneBench }).hilumFineTune);
  } finally {
    await w.context.close();
  }
}

interface DropMarks {
  landed: number;
  slice: number;
  click: number;
  shown: number;
}

export interface DropTimes {
  /** Page clock, files landed to the frame that first includes the verdict (the harness's click delay included). */
  shown: number[];
  /** The same less the time between the image showing and the harness's click on Analyse. */
  app: number[];
  /** Playwright's own wall time, from the drop call to its noticing the verdict. */
  harness: number[];
}

/**
 * Drop to verdict, the page reloaded each time (a fresh worker) after one visit cached the models.
 * Timed by the page's own clock, from the files landing in the page (the input's change event)
 * to the frame that first includes the verdict. Playwright notices a new element only when it
 * next polls, with a backoff of up to 500 ms: it is late to click Analyse once the image shows
 * (that gap stays in `shown`, as a user's reaction would, and is taken out of `app`) and later
 * still to see the verdict (its wall time is kept only to compare).
 */
export async function dropToVerdict(browser: Browser, origin: string, file: string, runs: number, settleMs: number): Promise<DropTimes> {
  const w = await watchedContext(browser, origin);
  const times: DropTimes = { shown: [], app: [], harness: [] };
  await w.context.addInitScript(() => {
    const marks: DropMarks = { landed: 0, slice: 0, click: 0, shown: 0 };
    (window as unknown as { hilumDrop: DropMarks }).hilumDrop = marks;
    document.addEventListener('change', () => { marks.landed ||= performance.now(); }, true);
    document.addEventListener('click', (event) => {
      if (event.target instanceof Element && event.target.closest('[data-testid=analyse]')) marks.click ||= performance.now();
    }, true);
    new MutationObserver(() => {
      if (marks.slice === 0 && document.querySelector('[data-testid=slice]')) marks.slice = performance.now();
      if (marks.shown !== 0 || !document.querySelector('[data-testid=verdict]')) return;
      marks.shown = -1;
      requestAnimationFrame(() => { marks.shown = performance.now(); });
    }).observe(document, { subtree: true, childList: true });
  });
  try {
    for (let i = 0; i <= runs; i++) {
      await w.page.goto(`${origin}/`);
      await w.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 }).catch(() => undefined);
      // The app builds the default classifier as soon as it opens; a user takes a moment to find the files.
      if (settleMs > 0) await w.page.waitForTimeout(settleMs);
      const start = Date.now();
      await w.page.getByTestId('files-input').setInputFiles(file);
      await w.page.getByTestId('slice').waitFor({ timeout: 60_000 });
      await w.page.getByTestId('analyse').click();
      await w.page.getByTestId('verdict').waitFor({ timeout: 60_000 });
      const wall = Date.now() - start;
      await w.page.waitForFunction(() => (window as unknown as { hilumDrop: DropMarks }).hilumDrop.shown > 0);
      const m = await w.page.evaluate(() => (window as unknown as { hilumDrop: DropMarks }).hilumDrop);
      if (m.landed === 0 || m.slice === 0 || m.click === 0) throw new Error(`the page missed a mark: ${JSON.stringify(m)}`);
      // The first visit fetched and cached the models; it is not a "models cached" time.
      if (i === 0) continue;
      times.shown.push(Math.round(m.shown - m.landed));
      times.app.push(Math.round(m.shown - m.landed - (m.click - m.slice)));
      times.harness.push(wall);
    }
    if (w.external.length > 0) throw new Error(`requests left the origin: ${w.external.join(', ')}`);
  } finally {
    await w.context.close();
  }
  return times;
}

const cell = (value: number | undefined, digits = 1): string => (value === undefined ? '-' : value.toFixed(digits));

export async function benchReading(dataRoot: string, runs: number): Promise<void> {
  const server = await startStaticServer({ root: process.env.HILUM_DIST ?? 'dist', headers: 'isolated' });
  const browser = await launchBrowser({ webgpu: true });
  try {
    console.log(`\nReading jobs in the ML worker, headless Chromium, median of the runs after one warm-up (512 px chest image, 256 px brain slices)\n`);
    console.log('| setup | ran on | threads | runs | classify ms | Grad-CAM ms | lung outline ms | 20-slice brain series ms | tensors after every job |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const setup of SETUPS) {
      const setupRuns = Math.min(runs, setup.maxRuns ?? runs);
      const r = await readingJobs(browser, server.origin, setup, setupRuns);
      const leaks = r.counts.every((c) => c === r.baseline) ? `${r.baseline ?? '-'} (all ${r.jobs})` : `varies: ${Math.min(...r.counts)}-${Math.max(...r.counts)}`;
      const ranOn = r.error ? `failed: ${r.error}` : (r.backend ?? '-');
      console.log(`| ${setup.label} | ${ranOn} | ${r.threads ?? '-'} | ${setupRuns} | ${cell(r.classifyMs)} | ${cell(r.heatmapMs)} | ${cell(r.lungsMs)} | ${cell(r.brainSeriesMs, 0)} | ${leaks} |`);
    }
    console.log('\nFine-tuning in the ML worker, headless Chromium: 200 images (160 to train, 40 to stop on)\n');
    console.log('| backend | threads | features of 200 images s | head to convergence s (epochs) | head total s | one last-block epoch s |');
    console.log('|---|---|---|---|---|---|');
    for (const backend of ['wasm', 'webgpu']) {
      const t = await fineTuneJobs(browser, server.origin, backend);
      const total = t.prepareSeconds !== undefined && t.headSeconds !== undefined ? t.prepareSeconds + t.headSeconds : undefined;
      console.log(t.error ? `| ${backend} | - | failed: ${t.error} | | | |` : `| ${t.backend ?? '-'} | ${t.threads ?? '-'} | ${cell(t.prepareSeconds)} | ${cell(t.headSeconds)} (${t.headEpochs ?? '-'}) | ${cell(total)} | ${cell(t.lastBlockEpochSeconds)} |`);
    }
    for (const visit of ['returning', 'first'] as const) {
      // Wall times depend on what else holds the two cores at that moment: three runs each.
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await worklistThroughput(browser, server.origin, dataRoot, visit));
      const tasks = await worklistTasks(browser, server.origin, dataRoot, visit);
      const when = visit === 'returning' ? 'a returning visit (app and models cached), picked 3 s after the page opened' : 'a first visit (nothing cached, picked the moment the page could take it, the AI engines still starting; the offline copy waits until the worklist is done)';
      console.log(`\nWorklist, ${when}: ${runs[0]?.studies ?? 0} studies (chest PNGs and CR DICOM studies) picked as one folder; every row settled in ${runs.map((r) => r.seconds.toFixed(1)).join(', ')} s: median ${median(runs.map((r) => r.perMinute)).toFixed(0)} studies/min; longest main-thread task per run ${runs.map((r) => r.longestTaskMs.toFixed(0)).join(', ')} ms (long-task observer, wall time)`);
      console.log(`Worklist main thread, the same run traced: longest task ${tasks.longestCpuMs.toFixed(0)} ms of CPU time (${tasks.longestWallMs.toFixed(0)} ms wall, which waits for a core when the machine is busy); ${tasks.overBudget} tasks over 50 ms of CPU`);
    }
    for (const settleMs of [0, 3000]) {
      const drops = await dropToVerdict(browser, server.origin, join(dataRoot, CHEST_CR), Math.max(3, Math.min(runs, 7)), settleMs);
      const when = settleMs === 0 ? 'dropped the moment the page opened (worker, backend and classifier still starting)' : `dropped ${settleMs / 1000} s after the page opened (the classifier already built)`;
      console.log(`\nDrop of a chest CR DICOM (${CHEST_CR}) to the classification shown, models cached, page reloaded each time, ${when}; by the page's clock, from the files landing to the frame with the verdict: median ${median(drops.shown).toFixed(0)} ms over ${drops.shown.length} drops (${drops.shown.join(', ')} ms), of which the harness took a median ${median(drops.shown.map((v, k) => v - (drops.app[k] ?? v))).toFixed(0)} ms to click Analyse once the image showed (the app's own part: median ${median(drops.app).toFixed(0)} ms). Playwright's wall time to noticing the verdict: median ${median(drops.harness).toFixed(0)} ms (${drops.harness.join(', ')})`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
