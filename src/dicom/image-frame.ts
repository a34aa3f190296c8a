/**
 * One decoded frame in the units a viewer and a model both take: grey values after the
 * Modality LUT (Hounsfield units for CT), or interleaved RGB for colour images.
 */
import type { Photometric } from './image-info.ts';

export interface ImageFrame {
  width: number;
  height: number;
  samples: 1 | 3;
  photometric: Photometric;
  /** Grey: modality values; colour: R, G, B interleaved. */
  pixels: Float32Array;
  /** Row and column spacing in mm, when the file states it. */
  spacing?: [number, number];
  /** The window stored in the file, if any. */
  window?: { center: number; width: number };
  /** MONOCHROME1: higher values are darker and the display must invert. */
  invert: boolean;
  bitsStored: number;
  /** A value that marks padding, not anatomy, in modality units. */
  paddingValue?: number;
  frameIndex: number;
  frameCount: number;
}

export interface PixelStats {
  min: number;
  max: number;
  mean: number;
}

export function pixelStats(frames: Iterable<Float32Array>): PixelStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  // One pass per frame for all three figures.
  for (const pixels of frames) {
    for (let i = 0; i < pixels.length; i++) {
      const v = pixels[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    count += pixels.length;
  }
  return { min, max, mean: count ? sum / count : Number.NaN };
}

/** Smallest and largest value; [Infinity, -Infinity] for no values. */
export function valueRange(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}
