import type { Page } from 'playwright-core';

/**
 * Pixels of the viewer's canvas sampled every `step` pixels that an overlay must have made:
 * 'outline' is the segmentation's turquoise (64, 224, 208); 'coloured' is anything clearly not
 * grey, which a grey film never is (the heatmap's ramp).
 */
export function overlayPixels(page: Page, kind: 'outline' | 'coloured', step: number): Promise<number> {
  return page.evaluate(([k, s]) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=viewer-canvas]');
    const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    let count = 0;
    for (let i = 0; i < data.length; i += 4 * s) {
      const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
      if (k === 'outline' ? g > r + 60 && b > r + 40 : Math.max(r, g, b) - Math.min(r, g, b) > 40) count++;
    }
    return count;
  }, [kind, step] as const);
}
