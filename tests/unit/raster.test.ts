import { describe, expect, it } from 'vitest';
import { rgbaToGrey } from '../../src/render/raster.ts';

describe('rgbaToGrey', () => {
  it('uses BT.601 luma and ignores alpha', () => {
    const rgba = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 128, 200, 200, 200, 255]);
    const grey = rgbaToGrey(rgba, 2, 2);
    expect(grey.width).toBe(2);
    expect(Array.from(grey.pixels).map((v) => Math.round(v * 1000) / 1000)).toEqual([76.245, 149.685, 29.07, 200]);
  });
});
