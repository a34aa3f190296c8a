/**
 * Load: a CD's worth of files (copies of the shared files with new UIDs) and one 500-frame file
 * picked as a folder in the built app. Measured: the longest main-thread task, the peak JS heap
 * of the page and of its workers; checked: every file is listed as read or with its error, and
 * the 500-frame series scrolls to its last frame.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { multiFrame, readSources, writeCopies } from './corpus.ts';
import { mb, pageFigures, watchPage, workerMemory, type StressSession } from './session.ts';
import type { CheckRow } from './table.ts';

const FRAMES = 500;
/** A frozen page, not a slow one: timings on a shared machine are reported, this is the bound. */
const LONGEST_TASK_MS = 5_000;
const PAGE_HEAP_BOUND = 512 * 1024 * 1024;
const WORKER_HEAP_BOUND = 1024 * 1024 * 1024;
/** How long reading the folder may take before the check gives up waiting. */
const READ_BOUND_MS = 20 * 60_000;

interface Accounting {
  read: number;
  errors: number;
  busy: boolean;
}

function accounting(page: Page): Promise<Accounting> {
  return page.evaluate(() => {
    const memory = document.querySelector('[data-testid=memory]')?.textContent?.replace(/\s+/g, ' ') ?? '';
    const read = Number(/ of ([\d,]+) files/.exec(memory)?.[1]?.replace(/,/g, '') ?? 0);
    const summary = document.querySelector('[data-testid=file-errors] summary')?.textContent ?? '';
    const errors = Number(/^(\d+) file/.exec(summary)?.[1] ?? 0);
    return { read, errors, busy: Boolean(document.querySelector('[data-testid=progress]')) };
  });
}

/** Show the 500-frame series, then scroll it with the keyboard to its last frame and back. */
async function scrollMultiFrame(page: Page): Promise<string> {
  await page.locator('[data-testid=series-list] button', { hasText: `${FRAMES} images` }).first().click();
  const slice = page.getByTestId('slice');
  await page.waitForFunction((n) => document.querySelector('[data-testid=slice]')?.textContent === `1 / ${n}`, FRAMES, { timeout: 60_000 });
  const canvas = page.getByTestId('viewer-canvas');
  await canvas.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
  for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 100);
  await page.keyboard.press('End');
  await page.waitForFunction((n) => document.querySelector('[data-testid=slice]')?.textContent === `${n} / ${n}`, FRAMES, { timeout: 30_000 });
  await page.keyboard.press('Home');
  await page.waitForFunction((n) => document.querySelector('[data-testid=slice]')?.textContent === `1 / ${n}`, FRAMES, { timeout: 30_000 });
  return (await slice.textContent()) ?? '';
}

async function makeFolder(dataRoot: string, files: number): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'hilum-stress-load-'));
  const sources = await readSources(join(dataRoot, 'dicom'));
  await writeCopies(folder, sources, files);
  mkdirSync(join(folder, 'multiframe'));
  const source = new Uint8Array(readFileSync(join(dataRoot, 'dicom/multiframe/MR_10frame_explicitLE.dcm')));
  writeFileSync(join(folder, 'multiframe', 'MF500'), await multiFrame(source, FRAMES));
  return folder;
}

export async function loadCheck(session: StressSession, dataRoot: string, files: number): Promise<CheckRow> {
  const folder = await makeFolder(dataRoot, files);
  const total = files + 1;
  try {
    const w = await session.open();
    await watchPage(w.page);
    await w.page.reload();
    const started = performance.now();
    await w.page.getByTestId('folder-input').setInputFiles(folder);
    let peakWorker = 0;
    let peakWorkers = 0;
    let counted: Accounting = { read: 0, errors: 0, busy: true };
    while (performance.now() - started < READ_BOUND_MS) {
      await w.page.waitForTimeout(3000);
      const workers = await workerMemory(w.page);
      peakWorker = Math.max(peakWorker, workers[0]?.bytes ?? 0);
      peakWorkers = Math.max(peakWorkers, workers.reduce((n, x) => n + x.bytes, 0));
      counted = await accounting(w.page);
      if (!counted.busy && counted.read + counted.errors >= total) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const scrolled = await scrollMultiFrame(w.page).then(() => 'yes', (error: unknown) => `no (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    const page = await pageFigures(w.page);
    await w.context.close();
    const accounted = counted.read + counted.errors === total;
    const problems = [
      accounted ? '' : `${counted.read} read + ${counted.errors} errors of ${total} files${counted.busy ? `, still reading when the ${READ_BOUND_MS / 60_000}-minute bound ran out` : ''}`,
      scrolled === 'yes' ? '' : `500-frame scroll: ${scrolled}`,
      page.longest > LONGEST_TASK_MS ? `a ${page.longest.toFixed(0)} ms main-thread task` : '',
      page.peakHeap > PAGE_HEAP_BOUND ? `page heap ${mb(page.peakHeap)}` : '',
      peakWorker > WORKER_HEAP_BOUND ? `worker heap ${mb(peakWorker)}` : '',
      w.external.length > 0 ? `${w.external.length} requests off the origin` : '',
    ].filter(Boolean);
    const row: CheckRow = {
      check: 'load: a CD of files',
      tried: `${files.toLocaleString('en')} copies of the shared DICOM files with new UIDs and one ${FRAMES}-frame file, picked as one folder`,
      figure: `read in ${seconds.toFixed(0)} s; longest main-thread task ${page.longest.toFixed(0)} ms (${page.tasks} over 50 ms); peak JS heap: page ${mb(page.peakHeap)}, largest worker ${mb(peakWorker)}, all workers ${mb(peakWorkers)}`,
      survived: `${counted.read.toLocaleString('en')} read + ${counted.errors} listed with their error = ${(counted.read + counted.errors).toLocaleString('en')} of ${total.toLocaleString('en')}; ${FRAMES}-frame file scrolled to its last frame and back: ${scrolled}`,
      nothingLost: accounted ? 'yes' : 'no',
      verdict: problems.length === 0 ? 'pass' : 'fail',
      external: w.external.length,
    };
    if (problems.length > 0) row.note = problems.join('; ');
    return row;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
