/**
 * Faults, each on the built app: the AI worker killed in the middle of a worklist, and the
 * WebGPU device destroyed mid-session. In each the user must see what happened, the work that
 * was done must stay done, and the rest must go on or be retryable.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import type { DrillResult } from '../../lab/run.ts';
import { crashAiWorker } from './crash.ts';
import type { StressSession } from './session.ts';
import type { CheckRow } from './table.ts';

/** Two chest CR studies, two MR series and two chest X-ray PNGs, as the worklist test uses. */
function worklistFolder(dataRoot: string): string {
  const root = mkdtempSync(join(tmpdir(), 'hilum-stress-worklist-'));
  const copy = (from: string, to: string): void => {
    mkdirSync(join(root, to), { recursive: true });
    copyFileSync(from, join(root, to, basename(from)));
  };
  for (const dir of ['chest_radiograph', 'mr_series_ge_brain_20slice', 'mr_series_bbmri_6slice']) {
    for (const f of readdirSync(join(dataRoot, 'dicom', dir))) copy(join(dataRoot, 'dicom', dir, f), dir);
  }
  for (const label of ['NORMAL', 'PNEUMONIA']) {
    const dir = join(dataRoot, 'cxr-pneumonia-kermany-128', 'test', label);
    const first = readdirSync(dir).filter((f) => f.endsWith('.png')).sort()[0];
    if (first) copy(join(dir, first), 'png');
  }
  return root;
}

const statuses = (page: Page): Promise<string[]> => page.$$eval('[data-testid=worklist-row]', (rows) => rows.map((r) => r.getAttribute('data-status') ?? ''));

async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const text = document.querySelector('[data-testid=worklist-count]')?.textContent ?? '';
    const [, done, total] = /^(\d+) of (\d+) studies/.exec(text) ?? [];
    return done !== undefined && done === total && !document.querySelector('[data-testid=worklist-pause]');
  }, undefined, { timeout: 300_000, polling: 500 });
}

export async function worklistCrashCheck(session: StressSession, dataRoot: string): Promise<CheckRow> {
  const folder = worklistFolder(dataRoot);
  try {
    const w = await session.open();
    await w.page.getByTestId('folder-input').setInputFiles(folder);
    await w.page.locator('[data-testid=worklist-row][data-status=running]').waitFor({ timeout: 120_000 });
    const doneBefore = (await statuses(w.page)).filter((s) => s === 'done').length;
    const crashed = await crashAiWorker(w.page, 'next-answer');
    await settled(w.page);
    const afterCrash = await statuses(w.page);
    const toasts = (await w.page.getByTestId('toast').allTextContents()).join(' ');
    const failedText = (await w.page.locator('[data-testid=worklist-row][data-status=failed]').allTextContents()).join(' ');
    const told = /AI worker stopped/.test(toasts) && /The AI worker stopped during this study/.test(failedText);
    const doneAfterCrash = afterCrash.filter((s) => s === 'done').length;
    await w.page.getByTestId('worklist-run').click();
    await w.page.waitForFunction(() => [...document.querySelectorAll('[data-testid=worklist-row]')].every((r) => ['done', 'out-of-scope'].includes(r.getAttribute('data-status') ?? '')), undefined, { timeout: 300_000, polling: 500 });
    const final = await statuses(w.page);
    await w.context.close();
    const failedOnce = afterCrash.filter((s) => s === 'failed').length;
    const ok = crashed === 1 && failedOnce === 1 && told && doneAfterCrash >= doneBefore && final.every((s) => s === 'done' || s === 'out-of-scope');
    return {
      check: 'fault: AI worker killed mid-worklist',
      tried: `${final.length} studies queued; the AI worker crashed while study ${doneBefore + 1} ran`,
      figure: `after the crash: ${afterCrash.filter((s) => s !== 'failed').length} of ${afterCrash.length} settled, ${failedOnce} failed; after "Run worklist": ${final.filter((s) => s === 'done').length} done, ${final.filter((s) => s === 'out-of-scope').length} out of scope`,
      survived: `worker restarted, the worklist went on${told ? ', the user was told (toast and the row\'s reason)' : ', but the user was NOT told'}; the failed study reran`,
      nothingLost: doneAfterCrash >= doneBefore ? 'yes' : 'no',
      verdict: ok ? 'pass' : 'fail',
      external: w.external.length,
      ...(ok ? {} : { note: `crashed ${crashed} worker(s), ${failedOnce} study failed, final ${final.join(',')}` }),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The existing lab drill: classify on WebGPU, destroy() the device, classify again. */
export async function deviceLossCheck(session: StressSession): Promise<CheckRow> {
  const w = await session.open('/lab.html?drill=device-loss');
  await w.page.waitForFunction(() => 'hilumDrill' in window, undefined, { timeout: 240_000 });
  const drill = await w.page.evaluate(() => (window as unknown as { hilumDrill: DrillResult }).hilumDrill);
  const text = await w.page.getByTestId('drill').textContent();
  await w.context.close();
  const ok = drill.before === 'webgpu' && drill.after === 'wasm' && drill.fellBackFrom === 'webgpu' && (drill.maxDiff ?? 1) < 1e-4;
  return {
    check: 'fault: WebGPU device lost',
    tried: 'classify on WebGPU (SwiftShader, asked for), GPUDevice.destroy(), classify again',
    figure: `before ${drill.before ?? '?'}, after ${drill.after ?? '?'} (fell back from ${drill.fellBackFrom ?? 'nothing'}); largest change in probability ${drill.maxDiff?.toExponential(1) ?? '?'}`,
    survived: `the run retried on the next backend without a reload; the page says: "${text?.replace(/\s+/g, ' ').trim() ?? ''}"`,
    nothingLost: ok ? 'yes' : 'no',
    verdict: ok ? 'pass' : 'fail',
    external: w.external.length,
    ...(ok ? {} : { note: drill.error ?? 'no fallback' }),
  };
}
