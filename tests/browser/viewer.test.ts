/**
 * The viewer with real DICOM: a 20-slice MR series dropped in shuffled order with one broken
 * file, a MONOCHROME1 chest film, scrolling, window presets, the identifying-tags switch,
 * and a measurement (in mm when the file gives Pixel Spacing).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';

const MR = join(DATA_ROOT, 'dicom', 'mr_series_ge_brain_20slice');

describe.skipIf(chromiumMissing || skipWithoutData)('the viewer', () => {
  const app = useBuiltApp({ headers: 'isolated' });

  it('opens a series, scrolls it, windows it, and lists the one broken file', async () => {
    const w = await app.open();
    const files = readdirSync(MR).sort().reverse().map((f) => join(MR, f));
    const broken = { name: 'broken.dcm', mimeType: 'application/dicom', buffer: readFileSync(files[0] ?? '').subarray(0, 2000) };
    await w.page.getByTestId('files-input').setInputFiles([...files.map((f) => ({ name: f.split('/').pop() ?? '', mimeType: 'application/dicom', buffer: readFileSync(f) })), broken]);
    const slice = w.page.getByTestId('slice');
    await expect.poll(() => slice.textContent(), { timeout: 60_000 }).toBe('1 / 20');
    expect(await w.page.getByTestId('file-errors').textContent()).toMatch(/broken\.dcm: the file is cut short/);

    await w.page.getByTestId('viewer-canvas').focus();
    await w.page.keyboard.press('ArrowDown');
    await w.page.keyboard.press('ArrowDown');
    await expect.poll(() => slice.textContent()).toBe('3 / 20');
    await w.page.getByTestId('window-preset').selectOption('brain');
    await expect.poll(() => w.page.getByTestId('window').textContent()).toBe('W 80 L 40');

    // The canvas shows the image: not all black, not all one grey.
    const spread = await w.page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=viewer-canvas]');
      const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      const greys = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 97) greys.add(data[i] ?? 0);
      return greys.size;
    });
    expect(spread).toBeGreaterThan(20);
    expect(w.external).toEqual([]);
    await w.context.close();
  });

  it('measures a distance, and hides identifying tags on request', async () => {
    const w = await app.open();
    await w.page.getByTestId('files-input').setInputFiles(join(DATA_ROOT, 'dicom/chest_radiograph/CR-MONO1-10-chest.dcm'));
    await w.page.getByTestId('slice').waitFor({ timeout: 60_000 });
    const meta = w.page.getByTestId('metadata');
    expect(await meta.textContent()).toMatch(/Modality\s*CR/);
    const before = await meta.locator('dt').count();
    await w.page.getByTestId('show-identifying').uncheck();
    expect(await meta.locator('dt').count()).toBeLessThan(before);
    expect(await meta.textContent()).not.toMatch(/Patient name/);

    await w.page.getByRole('button', { name: 'Measure' }).click();
    const box = await w.page.getByTestId('viewer-canvas').boundingBox();
    if (!box) throw new Error('no canvas');
    await w.page.mouse.move(box.x + box.width / 2 - 100, box.y + box.height / 2);
    await w.page.mouse.down();
    await w.page.mouse.move(box.x + box.width / 2 + 100, box.y + box.height / 2, { steps: 5 });
    await w.page.mouse.up();
    const text = await w.page.getByTestId('measurement').textContent();
    expect(text).toMatch(/^\d+(\.\d)? (mm|px)/);
    await w.context.close();
  });
});
