/**
 * Window/level: modality values to 8-bit display grey through a lookup table. The table is
 * built once per window and reused for every frame of a series, so scrolling stays cheap.
 */
import { valueRange, type ImageFrame } from '../dicom/image-frame.ts';

export interface Window {
  center: number;
  width: number;
}

export const WINDOW_PRESETS: Readonly<Record<string, Window>> = {
  lung: { center: -600, width: 1500 },
  mediastinum: { center: 40, width: 400 },
  bone: { center: 400, width: 1800 },
  brain: { center: 40, width: 80 },
};

/** DICOM PS3.3 C.11.2.1.2 linear VOI function, mapped to 0..255. */
export function windowValue(value: number, w: Window): number {
  const width = Math.max(1, w.width);
  const low = w.center - 0.5 - (width - 1) / 2;
  const high = w.center - 0.5 + (width - 1) / 2;
  if (value <= low) return 0;
  if (value > high) return 255;
  return Math.round(((value - (w.center - 0.5)) / (width - 1) + 0.5) * 255);
}

/** The 1st..99th percentile of the values, ignoring padding: a window that shows the anatomy. */
export function autoWindow(frame: ImageFrame): Window {
  const { pixels, paddingValue } = frame;
  let min = Infinity;
  let max = -Infinity;
  let count = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] as number;
    if (v === paddingValue) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    count++;
  }
  if (count === 0) return { center: 0, width: 1 };
  const bins = 1024;
  const counts = new Uint32Array(bins);
  const scale = (bins - 1) / Math.max(1e-9, max - min);
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] as number;
    if (v === paddingValue) continue;
    const bin = ((v - min) * scale) | 0;
    counts[bin] = (counts[bin] as number) + 1;
  }
  const at = (fraction: number): number => {
    let seen = 0;
    for (let i = 0; i < bins; i++) {
      seen += counts[i] ?? 0;
      if (seen >= fraction * count) return min + i / scale;
    }
    return max;
  };
  const low = at(0.01);
  const high = at(0.99);
  return { center: (low + high) / 2, width: Math.max(1, high - low) };
}

/** The window the file asks for, else an automatic one. */
export function defaultWindow(frame: ImageFrame): Window {
  return frame.window ?? autoWindow(frame);
}

/**
 * A cached lookup from modality values to grey, one entry per integer of the data's range.
 * Values are rounded to the nearest entry: exact for integer data, and within half a unit
 * for data a fractional Rescale Slope made non-integer (2.0002 x stored + intercept), which
 * would otherwise miss the table on every pixel. Values outside it go through windowValue.
 */
export class WindowLut {
  readonly table: Uint8Array;
  constructor(readonly window: Window, readonly invert: boolean, readonly min: number, private readonly max: number) {
    const size = Math.min(1 << 20, Math.max(1, Math.ceil(max - min) + 1));
    this.table = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      const g = windowValue(min + i, window);
      this.table[i] = invert ? 255 - g : g;
    }
  }

  covers(min: number, max: number): boolean {
    return min >= this.min && max <= this.max;
  }

  grey(value: number): number {
    const index = Math.floor(value - this.min + 0.5);
    if (index >= 0 && index < this.table.length) return this.table[index] ?? 0;
    const g = windowValue(value, this.window);
    return this.invert ? 255 - g : g;
  }
}

/**
 * The LUT for showing `frame` with `window`: `previous` is kept when it already fits (same
 * window, same polarity, covers the frame's values), so scrolling a series builds one table.
 */
export function lutFor(frame: ImageFrame, window: Window, previous?: WindowLut, range: [number, number] = valueRange(frame.pixels)): WindowLut {
  const [min, max] = range;
  if (previous && previous.window === window && previous.invert === frame.invert && previous.covers(min, max)) return previous;
  return new WindowLut(window, frame.invert, Math.floor(min), Math.ceil(max));
}

/** Frame to RGBA bytes for a canvas ImageData. Grey goes through the LUT; colour is shown as is. */
export function renderRgba(frame: ImageFrame, lut: WindowLut, out = new Uint8ClampedArray(frame.width * frame.height * 4)): Uint8ClampedArray {
  const n = frame.width * frame.height;
  const p = frame.pixels;
  if (frame.samples === 3) {
    const scale = frame.bitsStored > 8 ? 255 / (2 ** frame.bitsStored - 1) : 1;
    for (let i = 0; i < n; i++) {
      out[i * 4] = (p[i * 3] ?? 0) * scale;
      out[i * 4 + 1] = (p[i * 3 + 1] ?? 0) * scale;
      out[i * 4 + 2] = (p[i * 3 + 2] ?? 0) * scale;
      out[i * 4 + 3] = 255;
    }
    return out;
  }
  // One 32-bit store per pixel (RGBA bytes of a little-endian word), table lookups inline.
  const words = new Uint32Array(out.buffer, out.byteOffset, n);
  const { table, min } = lut;
  const size = table.length;
  for (let i = 0; i < n; i++) {
    const offset = (p[i] as number) - min + 0.5;
    const index = offset | 0;
    const g = offset >= 0 && offset < size ? (table[index] as number) : lut.grey(p[i] as number);
    words[i] = 0xff000000 | (g << 16) | (g << 8) | g;
  }
  return out;
}
