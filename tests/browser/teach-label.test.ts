/**
 * Labelling in the Teach view as a user does it, on real Shenzhen chest films: classes made by
 * name, images put in them with the number keys, the arrows and drag and drop, counts with the
 * too-small warning, a rename that carries the images, and labels that come back after a reload
 * when the same files are loaded again. Then the evaluation page on a shipped model says which
 * folder has no label of its name and warns that four images are too few, and a model file the
 * worker refuses is refused with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';

function counts(page: Page): Promise<string[]> {
  return page.locator('[data-testid=class]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-class') ?? ''}=${e.getAttribute('data-count') ?? ''}`));
}

async function loadInRead(page: Page, files: string[]): Promise<void> {
  await page.getByTestId('mode-read').click();
  await page.getByTestId('files-input').setInputFiles(files);
  await page.getByTestId('series-list').waitFor({ timeout: 60_000 });
  await page.getByTestId('mode-teach').click();
  await page.locator('[data-testid=teach-images] li').nth(files.length - 1).waitFor({ timeout: 30_000 });
}

describe.skipIf(chromiumMissing || skipWithoutData)('teach: labelling and evaluation', () => {
  const app = useBuiltApp({ headers: 'isolated' });
  let temp = '';
  let films: string[] = [];
  let folder = '';
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'hilum-label-'));
    const source = join(DATA_ROOT, 'cxr-lung-seg-shenzhen-256', 'images');
    const all = readdirSync(source).filter((f) => f.endsWith('.png')).sort();
    films = all.slice(0, 3).map((f) => join(source, f));
    folder = join(temp, 'clinic');
    for (const [name, suffix] of [['Normal', '_0.png'], ['tb', '_1.png']] as const) {
      mkdirSync(join(folder, name), { recursive: true });
      for (const f of all.filter((x) => x.endsWith(suffix)).slice(0, 2)) copyFileSync(join(source, f), join(folder, name, f));
    }
  });
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('labels by keys, arrows and drag and drop, warns on small classes, and keeps labels over a reload', async () => {
    const { page, context, external } = await app.open();
    await loadInRead(page, films);
    for (const name of ['normal', 'tb']) {
      await page.getByTestId('new-class').fill(name);
      await page.getByTestId('new-class').press('Enter');
    }
    await page.getByTestId('new-class').blur();
    await page.keyboard.press('1');
    await page.keyboard.press('2');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('2');
    expect(await counts(page)).toEqual(['normal=1', 'tb=1']);
    await page.locator('[data-testid=teach-images] li').nth(2).dragTo(page.locator('[data-testid=class][data-class=tb]'));
    expect(await counts(page)).toEqual(['normal=1', 'tb=2']);
    const rows = await page.locator('[data-testid=teach-images] li .label').allTextContents();
    expect(rows).toEqual(['normal', 'tb', 'tb']);
    expect(await page.getByTestId('class-warning').allTextContents()).toEqual([
      'normal has 1 image; at least 10 per class are needed to learn, 20+ to measure.',
      'tb has 2 images; at least 10 per class are needed to learn, 20+ to measure.',
    ]);
    await page.getByRole('button', { name: 'Rename tb' }).click();
    await page.getByLabel('New name for tb').fill('TB');
    await page.getByLabel('New name for tb').press('Enter');
    expect(await counts(page)).toEqual(['normal=1', 'TB=2']);

    await page.reload();
    await loadInRead(page, films);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=class]').length === 2);
    expect(await counts(page)).toEqual(['normal=1', 'TB=2']);
    expect(await page.getByTestId('label-storage-error').count()).toBe(0);
    expect(external).toEqual([]);
    await context.close();
  });

  it('evaluates a shipped model on a labelled folder, names the folder that does not map, and refuses a bad model file with the reason', async () => {
    const { page, context, external } = await app.open('/#teach');
    await page.getByTestId('eval-folder-input').setInputFiles(folder);
    await page.getByTestId('eval-loaded').waitFor({ timeout: 60_000 });
    await page.getByTestId('eval-model').selectOption('pneumonia-cxr');
    expect(await page.getByTestId('eval-unmapped').textContent()).toContain('Not graded: tb');
    await page.getByTestId('eval-run').click();
    await page.getByTestId('eval-metrics').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=eval-metrics] [data-testid=metrics-warning]').allTextContents()).toContainEqual(expect.stringContaining('Too few images to trust these figures: 2 in all (normal has 2, pneumonia has 0)'));
    expect(await page.locator('[data-testid=eval-metrics] [role=alert]').count()).toBeGreaterThan(0);

    const bad = join(temp, 'bad.hilum-model.json');
    const meta = { id: 'x', name: 'Bad', createdAt: '2026-01-01T00:00:00Z', baseModelId: 'pneumonia-cxr', baseModelVersion: '1.0.0', classNames: ['a', 'b'], mode: 'head', data: { train: [1, 1], validation: [1, 1] }, metrics: {} };
    writeFileSync(bad, JSON.stringify({ format: 'hilum-user-model', version: 1, meta, modelJson: '{"modelTopology": 3}', card: '', weightsBase64: 'AAAA' }));
    await page.getByTestId('import-model-input').setInputFiles(bad);
    const error = page.getByTestId('models-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toMatch(/^This model was not imported: .{10,}/);
    expect(await page.locator('[data-testid=user-model]').count()).toBe(0);
    expect(external).toEqual([]);
    await context.close();
  });
});
