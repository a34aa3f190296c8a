import { describe, expect, it } from 'vitest';
import { hasColour, lumaOf, rasterFrame } from '../../src/render/raster.ts';

describe('lumaOf', () => {
  it('uses BT.601 luma and ignores alpha', () => {
    const rgba = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 128, 200, 200, 200, 255]);
    const grey = lumaOf(rgba, 2, 2, 4);
    expect(grey.width).toBe(2);
    expect(Array.from(grey.pixels).map((v) => Math.round(v * 1000) / 1000)).toEqual([76.245, 149.685, 29.07, 200]);
  });
});

describe('hasColour', () => {
  /** `count` RGBA pixels of grey 100, with channels nudged by `noise` (a JPEG's rounding), and `coloured` of them red. */
  function pixels(count: number, coloured: number, noise = 0): Uint8ClampedArray {
    const rgba = new Uint8ClampedArray(count * 4);
    for (let i = 0; i < count; i++) rgba.set(i < coloured ? [200, 40, 40, 255] : [100 + noise, 100, 100 - noise, 255], i * 4);
    return rgba;
  }

  it('calls a grey image grey although JPEG rounding leaves its channels a few levels apart', () => {
    expect(hasColour(pixels(100, 0, 8), 100, 4)).toBe(false);
  });

  it('lets a coloured marker of at most 1% of the pixels pass, and not 2%', () => {
    expect(hasColour(pixels(100, 1), 100, 4)).toBe(false);
    expect(hasColour(pixels(100, 2), 100, 4)).toBe(true);
  });

  it('reads RGB without alpha', () => {
    const rgb = new Uint8Array([0, 0, 0, 255, 0, 0]);
    expect(hasColour(rgb, 2, 3)).toBe(true);
    expect(hasColour(rgb.subarray(0, 3), 1, 3)).toBe(false);
  });
});

describe('rasterFrame', () => {
  it('keeps a colour image as RGB, which the scope check reports as colour', () => {
    const frame = rasterFrame(new Uint8ClampedArray([255, 0, 0, 255, 0, 0, 255, 255]), 2, 1, 4);
    expect(frame.samples).toBe(3);
    expect(frame.photometric).toBe('RGB');
    expect(Array.from(frame.pixels)).toEqual([255, 0, 0, 0, 0, 255]);
  });

  it('turns grey RGBA into one luma channel and copies a one-channel raster as it is', () => {
    const grey = rasterFrame(new Uint8ClampedArray([10, 10, 10, 255, 250, 250, 250, 255]), 2, 1, 4);
    expect(grey.samples).toBe(1);
    expect(grey.photometric).toBe('MONOCHROME2');
    expect(Array.from(grey.pixels).map((v) => Math.round(v * 1000) / 1000)).toEqual([10, 250]);
    expect(Array.from(rasterFrame(new Uint8Array([7, 9]), 2, 1, 1).pixels)).toEqual([7, 9]);
  });
});
