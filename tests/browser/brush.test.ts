/**
 * Correcting a lung outline by hand on a real chest film: the eraser dragged across a lung
 * lowers the total area and marks the result edited, the brush painted outside the lungs
 * raises it, and undo (button, then Ctrl+Z) walks back to the model's own numbers.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { fitView } from '../../src/render/viewport.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';

/** "Both" in pixels (the film gives no Pixel Spacing). */
async function totalArea(page: Page): Promise<number> {
  const text = (await page.getByTestId('area-total').textContent()) ?? '';
  return Number(/^([\d,]+) px$/.exec(text.trim())?.[1]?.replace(/,/g, ''));
}

/** Canvas pixels of the overlay's turquoise outline, and the box of those on the canvas's left half. */
function outline(page: Page): Promise<{ count: number; left: [number, number, number, number] }> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=viewer-canvas]');
    const w = canvas?.width ?? 0;
    const data = canvas?.getContext('2d')?.getImageData(0, 0, w, canvas?.height ?? 0).data ?? new Uint8ClampedArray();
    let count = 0;
    const left: [number, number, number, number] = [w, Infinity, 0, 0];
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
      if (!(g > r + 60 && b > r + 40)) continue;
      count++;
      const [x, y] = [(i / 4) % w, Math.floor(i / 4 / w)];
      if (x >= w / 2) continue;
      left[0] = Math.min(left[0], x);
      left[1] = Math.min(left[1], y);
      left[2] = Math.max(left[2], x);
      left[3] = Math.max(left[3], y);
    }
    return { count, left };
  });
}

/** Pixels of one canvas row, between x0 and x1, that the overlay tints (fill or edge). */
function tintedOnRow(page: Page, y: number, x0: number, x1: number): Promise<number> {
  return page.evaluate(([y, x0, x1]) => {
    const data = document.querySelector<HTMLCanvasElement>('[data-testid=viewer-canvas]')?.getContext('2d')?.getImageData(x0, y, x1 - x0, 1).data ?? new Uint8ClampedArray();
    let count = 0;
    for (let i = 0; i < data.length; i += 4) if ((data[i + 1] ?? 0) > (data[i] ?? 0) + 30) count++;
    return count;
  }, [Math.round(y), x0, x1] as const);
}

async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  await page.mouse.move(...from);
  await page.mouse.down();
  // Few steps on purpose: far-apart pointer events must still leave a solid stroke.
  await page.mouse.move(...to, { steps: 4 });
  await page.mouse.up();
}

describe.skipIf(chromiumMissing || skipWithoutData)('correcting an outline', () => {
  const app = useBuiltApp({ headers: 'isolated' });

  it('erases, paints and undoes on a chest film, and the lung areas follow', async () => {
    const w = await app.open();
    const { page } = w;
    await page.getByTestId('files-input').setInputFiles(join(DATA_ROOT, 'dicom/chest_radiograph/CR-MONO1-10-chest.dcm'));
    await page.getByTestId('slice').waitFor({ timeout: 60_000 });
    // No outline yet: nothing to correct.
    expect(await page.getByTestId('mask-tools').count()).toBe(0);
    await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid=segment]')?.disabled, undefined, { timeout: 30_000 });
    await page.getByTestId('segment').click();
    await page.getByTestId('segment-result').waitFor({ timeout: 120_000 });
    await page.getByTestId('mask-tools').waitFor();
    const model = await totalArea(page);
    expect(model).toBeGreaterThan(0.08 * 440 * 440);
    expect(await page.getByTestId('segment-edited').count()).toBe(0);

    await expect.poll(async () => (await outline(page)).count).toBeGreaterThan(1000);
    const before = await outline(page);

    // Eraser, radius 10 image px, dragged across the whole image-left lung at its middle row.
    await page.getByTestId('tool-eraser').check();
    await page.getByTestId('brush-size').fill('10');
    // Choosing the tool scrolled the panel into view; mouse positions are taken after scrolling back.
    await page.getByTestId('viewer-canvas').scrollIntoViewIfNeeded();
    const canvas = await page.getByTestId('viewer-canvas').boundingBox();
    if (!canvas) throw new Error('no canvas');
    const [x0, y0, x1, y1] = before.left;
    const middle = (y0 + y1) / 2;
    const lungOnRow = await tintedOnRow(page, middle, x0, x1);
    expect(lungOnRow).toBeGreaterThan(60);
    await drag(page, [canvas.x + x0 - 5, canvas.y + middle], [canvas.x + x1 + 5, canvas.y + middle]);
    await expect.poll(() => totalArea(page)).toBeLessThan(model);
    const erased = await totalArea(page);
    // A band about 20 px high across a lung over 60 px wide.
    expect(model - erased).toBeGreaterThan(20 * 60);
    expect(await page.getByTestId('segment-edited').textContent()).toMatch(/Edited by hand/);
    // The overlay is gone from the erased row on the canvas.
    await expect.poll(() => tintedOnRow(page, middle, x0, x1)).toBeLessThan(lungOnRow / 10);

    // Brush, by key, painted along the top of the film, well above the lungs.
    await page.keyboard.press('b');
    expect(await page.getByTestId('tool-brush').isChecked()).toBe(true);
    const view = fitView(440, 440, canvas.width, canvas.height);
    const screen = (x: number, y: number): [number, number] => [canvas.x + view.x + x * view.scale, canvas.y + view.y + y * view.scale];
    await drag(page, screen(150, 14), screen(290, 14));
    await expect.poll(() => totalArea(page)).toBeGreaterThan(erased);
    const painted = await totalArea(page);
    // 141 columns of about 20 px, clipped by nothing: the top edge is 4 px beyond the stroke's reach.
    expect(painted - erased).toBeGreaterThan(140 * 19);
    expect(painted - erased).toBeLessThan(160 * 21);

    // The brush circle follows the zoom (ctrl-wheel still zooms over the layer).
    await page.mouse.move(...screen(220, 200));
    const size = async (): Promise<number> => (await page.getByTestId('brush-cursor').boundingBox())?.width ?? 0;
    const unzoomed = await size();
    // Radius 10 image px at the fitted scale, give or take the circle's border.
    expect(Math.abs(unzoomed - 20 * view.scale)).toBeLessThan(4);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await expect.poll(size).toBeGreaterThan(unzoomed * 1.1);

    // Undo the brush stroke with the button, the eraser stroke with Ctrl+Z.
    await page.getByTestId('mask-undo').click();
    await expect.poll(() => totalArea(page)).toBe(erased);
    expect(await page.getByTestId('segment-edited').count()).toBe(1);
    await page.keyboard.press('Control+z');
    await expect.poll(() => totalArea(page)).toBe(model);
    expect(await page.getByTestId('segment-edited').count()).toBe(0);
    expect(await page.getByTestId('mask-undo').isDisabled()).toBe(true);

    // Escape gives the canvas back to window/level and pan.
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('brush-layer').count()).toBe(0);
    expect(await page.getByTestId('tool-navigate').isChecked()).toBe(true);
    expect(w.external).toEqual([]);
    await w.context.close();
  }, 180_000);
});
