import { describe, expect, it } from 'vitest';
import type { ImageFrame } from '../../src/dicom/image-frame.ts';
import { frameToGrey } from '../../src/imaging/to-grey.ts';

function frame(samples: 1 | 3, pixels: number[], invert = false): ImageFrame {
  return {
    width: 2, height: 1, samples, photometric: samples === 3 ? 'RGB' : invert ? 'MONOCHROME1' : 'MONOCHROME2',
    pixels: new Float32Array(pixels), invert, bitsStored: 8, frameIndex: 0, frameCount: 1,
  };
}

describe('frameToGrey, the frame as the models see it', () => {
  it('reduces RGB to BT.601 luma', () => {
    const grey = frameToGrey(frame(3, [255, 0, 0, 10, 20, 30]));
    expect(Array.from(grey.pixels).map((v) => Math.round(v * 1000) / 1000)).toEqual([76.245, 18.15]);
  });

  it('flips a MONOCHROME1 film within its own range, so brighter means denser', () => {
    expect(Array.from(frameToGrey(frame(1, [100, 900], true)).pixels)).toEqual([900, 100]);
  });

  it('copies the pixels, since the result is transferred to the worker', () => {
    const source = frame(1, [5, 7]);
    frameToGrey(source).pixels[0] = 0;
    expect(source.pixels[0]).toBe(5);
  });
});
