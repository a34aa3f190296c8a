/** Connected components and lung areas on masks whose answer can be counted. */
import { describe, expect, it } from 'vitest';
import { connectedComponents, measureLungs } from '../../src/ml/mask-measure.ts';

/** A width x height mask with the given filled rectangles [x0, y0, x1, y1) . */
function maskOf(width: number, height: number, boxes: [number, number, number, number][]): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (const [x0, y0, x1, y1] of boxes) for (let y = y0; y < y1; y++) mask.fill(1, y * width + x0, y * width + x1);
  return mask;
}

describe('mask measurements', () => {
  it('finds 4-connected components and does not join diagonal neighbours', () => {
    const mask = Uint8Array.from([1, 0, 0, 0, 1, 1, 0, 1, 1]);
    const { sizes } = connectedComponents(mask, 3, 3);
    expect(sizes).toEqual([1, 4]);
  });

  it('measures each lung in cm² from Pixel Spacing, dropping specks', () => {
    // Image-left block 30x50 px (the patient's right lung), image-right 20x40, a 2x2 speck.
    const mask = maskOf(100, 80, [[10, 10, 40, 60], [60, 10, 80, 50], [90, 70, 92, 72]]);
    const m = measureLungs(mask, 100, 80, [0.5, 0.5]);
    expect(m.right).toEqual({ value: (30 * 50 * 0.25) / 100, unit: 'cm²' });
    expect(m.left).toEqual({ value: (20 * 40 * 0.25) / 100, unit: 'cm²' });
    expect(m.total.value).toBeCloseTo(((1500 + 800) * 0.25) / 100, 10);
    expect(m.mask.reduce((s, v) => s + v, 0)).toBe(2300);
  });

  it('says pixels when the file has no spacing, and gives no sides for one blob', () => {
    const m = measureLungs(maskOf(10, 10, [[0, 0, 5, 5]]), 10, 10);
    expect(m.total).toEqual({ value: 25, unit: 'px' });
    expect(m.right).toBeUndefined();
  });
});
