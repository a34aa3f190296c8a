/** What a presenter test reads off the room window: canvas colours, text contrast, position. */
import type { Page } from 'playwright-core';
import { contrastRatio, parseColour } from '../../src/render/contrast.ts';

/** Pixels of the room's canvas, sampled on a grid: warm ones only the heatmap makes, teal ones only the outline. */
export function canvasColours(page: Page): Promise<{ lit: number; warm: number; teal: number }> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=present-canvas]');
    const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    const out = { lit: 0, warm: 0, teal: 0 };
    for (let i = 0; i < data.length; i += 4 * 7) {
      const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
      if (r + g + b > 60) out.lit++;
      if (r - b > 40 && r > 90) out.warm++;
      if (g - r > 40 && b - r > 40) out.teal++;
    }
    return out;
  });
}

/** The WCAG ratio of an element's text against the presentation's black. */
export async function contrastOf(page: Page, testid: string): Promise<number> {
  const [colour, background] = await page.evaluate((id) => {
    const el = document.querySelector(`[data-testid=${id}]`);
    const root = document.querySelector('[data-testid=present]');
    return [el ? getComputedStyle(el).color : '', root ? getComputedStyle(root).backgroundColor : ''];
  }, testid);
  const [a, b] = [parseColour(colour), parseColour(background)];
  if (!a || !b) throw new Error(`no colours for ${testid}: ${colour} on ${background}`);
  return contrastRatio(a, b);
}

export const step = (page: Page): Promise<string | null> => page.getByTestId('present').getAttribute('data-step');
export const position = (page: Page): Promise<string | null> => page.getByTestId('present').getAttribute('data-position');
export const votes = async (page: Page): Promise<string[]> => (await page.getByTestId('present-votes').allTextContents()).map((t) => t.trim());
