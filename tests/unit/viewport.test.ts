import { describe, expect, it } from 'vitest';
import { fitView, lineLength, toImage, zoomAt } from '../../src/render/viewport.ts';

describe('viewport', () => {
  it('fits and centres an image', () => {
    expect(fitView(512, 256, 1024, 1024)).toEqual({ scale: 2, x: 0, y: 256 });
  });

  it('zooms about the cursor, keeping the point under it', () => {
    const view = fitView(100, 100, 400, 400);
    const before = toImage(view, 123, 321);
    const after = toImage(zoomAt(view, 2.5, 123, 321), 123, 321);
    expect(after[0]).toBeCloseTo(before[0], 9);
    expect(after[1]).toBeCloseTo(before[1], 9);
  });

  it('measures in mm with anisotropic pixel spacing, else in pixels', () => {
    expect(lineLength([0, 0], [30, 40], [0.5, 0.25])).toEqual({ value: Math.hypot(30 * 0.25, 40 * 0.5), unit: 'mm' });
    expect(lineLength([0, 0], [3, 4])).toEqual({ value: 5, unit: 'px' });
  });
});
