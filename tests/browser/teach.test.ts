/**
 * Teaching Hilum a task it was not trained for, as a user would in the built app: tuberculosis
 * on the Shenzhen chest X-rays (file suffix _1 is TB, _0 normal), imported as a folder whose
 * subfolders are the classes, fine-tuned from the pneumonia backbone in head mode, graded on a
 * held-out split. The saved model must survive a reload and an export/import into a fresh
 * browser (its own, empty IndexedDB) with identical predictions, read from the evaluation CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { analyseFile } from '../helpers/app.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';

/** The few images graded before and after the round trip; their predictions must not change. */
const CHECK_PER_CLASS = 4;

/** A labelled folder like one a user would pick: copies in a temporary folder, removed afterwards. */
function makeFolder(root: string, picks: { normal: string[]; tb: string[] }): string {
  for (const [name, files] of Object.entries(picks)) {
    mkdirSync(join(root, name), { recursive: true });
    for (const f of files) copyFileSync(join(DATA_ROOT, 'cxr-lung-seg-shenzhen-256', 'images', f), join(root, name, f));
  }
  return root;
}

async function openTeach(page: Page): Promise<void> {
  await page.getByTestId('mode-teach').click();
  await page.getByTestId('teach-folder-input').waitFor();
}

/** Evaluate `modelId` on the check folder and return the CSV's per-image rows, sorted. */
async function evaluationRows(page: Page, folder: string, modelId: string): Promise<string[]> {
  await page.getByTestId('eval-folder-input').setInputFiles(folder);
  await page.getByTestId('eval-loaded').waitFor({ timeout: 60_000 });
  await page.getByTestId('eval-model').selectOption(modelId);
  await page.getByTestId('eval-run').click();
  await page.getByTestId('eval-csv').waitFor({ timeout: 120_000 });
  // Toasts (such as "ready to work offline") stay until dismissed, as a user would dismiss them.
  for (const dismiss of await page.locator('[data-testid=toast] button[aria-label=Dismiss]').all()) await dismiss.click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('eval-csv').click()]);
  const text = readFileSync(await download.path(), 'utf8');
  const rows = text.split('\r\n\r\n')[0]?.split('\r\n').slice(1) ?? [];
  return rows.sort();
}

describe.skipIf(chromiumMissing || skipWithoutData)('teach: fine-tune on your own labelled images', () => {
  const app = useBuiltApp({ headers: 'isolated' });
  let temp = '';
  let trainFolder = '';
  let checkFolder = '';
  let counts: number[] = [];
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'hilum-teach-'));
    const all = readdirSync(join(DATA_ROOT, 'cxr-lung-seg-shenzhen-256', 'images')).filter((f) => f.endsWith('.png')).sort();
    const normal = all.filter((f) => f.endsWith('_0.png'));
    const tb = all.filter((f) => f.endsWith('_1.png'));
    // All 566 films: a 2 x 200 subset held out only 80 and scored 0.69 there, too few to tell.
    trainFolder = makeFolder(join(temp, 'shenzhen'), { normal, tb });
    counts = [normal.length, tb.length];
    checkFolder = makeFolder(join(temp, 'check'), { normal: normal.slice(-CHECK_PER_CLASS), tb: tb.slice(-CHECK_PER_CLASS) });
  });
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('learns TB from the pneumonia backbone (held-out AUC >= 0.80); the saved model survives a reload and an export/import with identical predictions', async () => {
    const w = await app.open();
    const { page } = w;
    await openTeach(page);
    await page.getByTestId('teach-folder-input').setInputFiles(trainFolder);
    await page.waitForFunction((n) => [...document.querySelectorAll('[data-testid=class]')].map((e) => e.getAttribute('data-count')).join() === n, counts.join(), { timeout: 120_000 });
    expect(await page.locator('[data-testid=class]').evaluateAll((els) => els.map((e) => e.getAttribute('data-class')))).toEqual(['normal', 'tb']);
    expect(await page.locator('[data-testid=class-warning]').count()).toBe(0);

    await page.getByTestId('train-base').selectOption('pneumonia-cxr');
    await page.getByTestId('mode-head').check();
    const started = Date.now();
    await page.getByTestId('train-start').click();
    await page.getByTestId('train-outcome').waitFor({ timeout: 200_000 });
    const seconds = (Date.now() - started) / 1000;
    const auc = Number(await page.getByTestId('metrics-auc').getAttribute('data-value'));
    const outcome = await page.getByTestId('train-outcome').textContent();
    console.log(`TB from the pneumonia backbone, head mode, ${counts.reduce((a, b) => a + b, 0)} images: held-out AUC ${auc.toFixed(3)}; ${outcome}; ${seconds.toFixed(0)} s from Train to result`);
    expect(auc).toBeGreaterThanOrEqual(0.8);
    expect(await page.locator('[data-testid=metrics-warning]').count()).toBe(0);

    await page.getByTestId('save-name').fill('TB screen');
    await page.getByTestId('save-model').click();
    const saved = page.locator('[data-testid=user-model][data-name="TB screen"]');
    await saved.waitFor({ timeout: 30_000 });
    const modelId = (await saved.getAttribute('data-id')) ?? '';
    const before = await evaluationRows(page, checkFolder, modelId);
    expect(before).toHaveLength(2 * CHECK_PER_CLASS);

    // A reload starts a new worker with nothing in memory: the model comes from IndexedDB.
    await page.reload();
    await page.getByTestId('teach-folder-input').waitFor();
    await saved.waitFor({ timeout: 30_000 });
    expect(await evaluationRows(page, checkFolder, modelId)).toEqual(before);

    // Made active, it is the AI panel's model in the Read view, with the classes it was taught.
    await saved.getByTestId('use-model').click();
    await page.getByTestId('mode-read').click();
    await analyseFile(page, join(checkFolder, 'tb', readdirSync(join(checkFolder, 'tb'))[0] ?? ''));
    await page.getByTestId('result').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=result] .pct').evaluateAll((els) => els.map((e) => e.getAttribute('data-label')))).toEqual(['normal', 'tb']);
    await page.getByTestId('mode-teach').click();

    const [download] = await Promise.all([page.waitForEvent('download'), saved.getByTestId('export-model').click()]);
    const bundle = join(temp, download.suggestedFilename());
    await download.saveAs(bundle);
    expect(w.external).toEqual([]);
    await w.context.close();

    const fresh = await app.open();
    await openTeach(fresh.page);
    expect(await fresh.page.locator('[data-testid=user-model]').count()).toBe(0);
    await fresh.page.getByTestId('import-model-input').setInputFiles(bundle);
    const imported = fresh.page.locator('[data-testid=user-model][data-name="TB screen"]');
    await imported.waitFor({ timeout: 30_000 });
    const importedId = (await imported.getAttribute('data-id')) ?? '';
    expect(await evaluationRows(fresh.page, checkFolder, importedId)).toEqual(before);
    expect(fresh.external).toEqual([]);
    await fresh.context.close();
  }, 240_000);
});
