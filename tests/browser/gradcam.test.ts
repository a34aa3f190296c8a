/**
 * The Grad-CAM heatmap in the app: computed in the worker after a real chest film is
 * classified, drawn over the image in warm colours that a grey film never has, hidden by its
 * switch, and withheld for an image out of the model's scope until the user asks for the result.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { analyseFile } from '../helpers/app.ts';
import { dataPath, skipWithoutData } from '../helpers/data.ts';
import { overlayPixels } from '../helpers/canvas.ts';

const colouredPixels = (page: Page): Promise<number> => overlayPixels(page, 'coloured', 5);

describe.skipIf(chromiumMissing || skipWithoutData)('Grad-CAM heatmap', () => {
  const app = useBuiltApp({ headers: 'isolated' });

  it('draws where the classifier sees pneumonia over a chest film, and hides it on request', async () => {
    const w = await app.open();
    await analyseFile(w.page, dataPath('dicom/chest_radiograph/CR-MONO1-10-chest.dcm'));
    await w.page.getByTestId('heatmap').waitFor({ timeout: 60_000 });
    expect(await w.page.getByTestId('heatmap').textContent()).toMatch(/where the model sees pneumonia \(Grad-CAM\)/);
    await expect.poll(() => colouredPixels(w.page)).toBeGreaterThan(100);
    await w.page.getByTestId('heatmap-visible').uncheck();
    await expect.poll(() => colouredPixels(w.page)).toBe(0);
    expect(w.external).toEqual([]);
    await w.context.close();
  });

  it('withholds the heatmap of an out-of-scope MR slice until the user asks for the result', async () => {
    const w = await app.open();
    await analyseFile(w.page, dataPath('dicom/mr_series_bbmri_6slice/bbmri-53323131.dcm'));
    await w.page.getByTestId('out-of-scope').waitFor({ timeout: 60_000 });
    // The map is computed once the score is in; give it that long before checking it stays away.
    await w.page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid=analyse]')?.disabled, undefined, { timeout: 60_000 });
    expect(await w.page.getByTestId('heatmap').count()).toBe(0);
    expect(await colouredPixels(w.page)).toBe(0);
    await w.page.getByRole('button', { name: /Show the result anyway/ }).click();
    await w.page.getByTestId('heatmap').waitFor({ timeout: 10_000 });
    await expect.poll(() => colouredPixels(w.page)).toBeGreaterThan(0);
    await w.context.close();
  });
});
