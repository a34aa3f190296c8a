/**
 * Outlining the lungs of a real chest film in the app: the worker's U-Net, both lungs
 * measured (in pixels here: this film gives no Pixel Spacing, and the page says so), the
 * outline drawn over the image, hidden on request; and the brain model picked by the user on an
 * MR series that is not FLAIR, marked out of scope by its tags, its area measured in cm² and
 * its volume over all 20 slices in mL.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';
import { overlayPixels } from '../helpers/canvas.ts';

const outlinePixels = (page: Page): Promise<number> => overlayPixels(page, 'outline', 7);

describe.skipIf(chromiumMissing || skipWithoutData)('lung outline', () => {
  const app = useBuiltApp({ headers: 'isolated' });

  it('outlines and measures both lungs of a chest film', async () => {
    const w = await app.open();
    await w.page.getByTestId('files-input').setInputFiles(join(DATA_ROOT, 'dicom/chest_radiograph/CR-MONO1-10-chest.dcm'));
    await w.page.getByTestId('slice').waitFor({ timeout: 60_000 });
    expect(await outlinePixels(w.page)).toBe(0);
    await w.page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid=segment]')?.disabled, undefined, { timeout: 30_000 });
    await w.page.getByTestId('segment').click();
    await w.page.getByTestId('segment-result').waitFor({ timeout: 120_000 });
    // Two segmenters ship; the film's tags (CR, CHEST, PA) choose the lung model.
    expect(await w.page.getByTestId('segment-model').inputValue()).toBe('lungs-cxr');
    const areas = await Promise.all(['area-right', 'area-left'].map(async (id) => (await w.page.getByTestId(id).textContent()) ?? ''));
    // A 440x440 film: each lung is a sizeable part of it, and the two are of similar size.
    const pixels = areas.map((a) => Number(/^([\d,]+) px$/.exec(a.trim())?.[1]?.replace(/,/g, '')));
    for (const p of pixels) expect(p).toBeGreaterThan(0.04 * 440 * 440);
    expect(Math.max(...pixels) / Math.min(...pixels)).toBeLessThan(2);
    expect(await w.page.getByTestId('no-spacing').textContent()).toMatch(/no Pixel Spacing/);
    await expect.poll(() => outlinePixels(w.page)).toBeGreaterThan(200);
    await w.page.getByTestId('mask-visible').uncheck();
    await expect.poll(() => outlinePixels(w.page)).toBe(0);
    expect(w.external).toEqual([]);
    await w.context.close();
  }, 180_000);

  it('runs the brain model when the user picks it, marks a non-FLAIR series out of scope, and measures in cm²', async () => {
    const w = await app.open();
    const dir = join(DATA_ROOT, 'dicom/mr_series_ge_brain_20slice');
    await w.page.getByTestId('files-input').setInputFiles(readdirSync(dir).map((f) => join(dir, f)));
    await w.page.getByTestId('slice').waitFor({ timeout: 60_000 });
    await w.page.getByTestId('segment-model').selectOption('brain-flair');
    await w.page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid=segment]')?.disabled, undefined, { timeout: 30_000 });
    await w.page.getByTestId('segment').click();
    await w.page.getByTestId('segment-result').waitFor({ timeout: 120_000 });
    expect(await w.page.getByTestId('segment-model').inputValue()).toBe('brain-flair');
    expect(await w.page.getByTestId('segment-out-of-scope').textContent()).toMatch(/The series is "FSE PD AXIAL OBL", not a FLAIR series/);
    // Pixel Spacing 0.859 mm: the area is given in cm², not pixels.
    expect(await w.page.getByTestId('area-structure').textContent()).toMatch(/^\d+\.\d cm²$/);
    expect(await w.page.getByTestId('no-spacing').count()).toBe(0);

    // Every slice: a volume in mL from 0.86 mm spacing and 5 mm slices, and where it is largest.
    await w.page.getByTestId('segment-series').click();
    await w.page.getByTestId('series-result').waitFor({ timeout: 120_000 });
    expect(await w.page.getByTestId('series-volume').textContent()).toMatch(/^\d+\.\d mL$/);
    expect(await w.page.getByTestId('series-largest').textContent()).toMatch(/slice \d+ of 20|nothing found/);
    expect(w.external).toEqual([]);
    await w.context.close();
  }, 180_000);
});
