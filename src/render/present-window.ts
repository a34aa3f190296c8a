/**
 * The window a presented case opens with: the deck's preset when it shows this image, else
 * the file's own. The presets are CT windows in Hounsfield units; put on a radiograph's raw
 * values they can turn the whole film one flat white or black, which a room cannot read and
 * a teacher cannot fix mid-lecture.
 */
import { WINDOW_PRESETS, defaultWindow, type Window } from './window.ts';
import type { ImageFrame } from '../dicom/image-frame.ts';

/** Below this share of pixels on the window's ramp, the picture is one flat shade. */
const MIN_SHOWN = 0.05;
/** Pixels looked at: a sample is enough to tell, and keeps a 9-megapixel film quick. */
const SAMPLES = 65_536;

/** Whether enough of the pixels fall inside the window's ramp (not all below or above it). */
export function windowShows(window: Window, pixels: ArrayLike<number>): boolean {
  const low = window.center - window.width / 2;
  const high = window.center + window.width / 2;
  const stride = Math.max(1, Math.floor(pixels.length / SAMPLES));
  let seen = 0;
  let inside = 0;
  for (let i = 0; i < pixels.length; i += stride) {
    const v = pixels[i] as number;
    seen++;
    if (v > low && v < high) inside++;
  }
  return seen > 0 && inside / seen >= MIN_SHOWN;
}

export function presentWindow(frame: ImageFrame, preset: string | undefined): Window {
  const chosen = preset && Object.hasOwn(WINDOW_PRESETS, preset) ? WINDOW_PRESETS[preset] : undefined;
  return chosen && frame.samples !== 3 && windowShows(chosen, frame.pixels) ? chosen : defaultWindow(frame);
}
