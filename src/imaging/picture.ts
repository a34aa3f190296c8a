/**
 * The viewer's picture, made in the imaging worker. For a 2k film the value range, the
 * automatic window (a histogram over every pixel), the lookup table and the windowed RGBA
 * together take 50 to 200 ms: a long task on the page while a worklist runs. Here the page
 * receives a transferred ImageBitmap and only draws it.
 */
import { valueRange, type ImageFrame } from '../dicom/image-frame.ts';
import { autoWindow, defaultWindow, lutFor, renderRgba, type Window, type WindowLut } from '../render/window.ts';

/** The frame the viewer shows, kept (a copy: the original's buffer goes to the page) to window it again while the user drags. */
interface Kept {
  key: string;
  index: number;
  frame: ImageFrame;
  range: [number, number];
  lut?: WindowLut;
  image?: ImageData;
  /** The table `image` was rendered through: a zoom asks for another size, not another render. */
  rendered?: WindowLut;
}

let kept: Kept | undefined;

/** Keep `frame` as the shown one; returns the window to open it with (the file's, else automatic). */
export function keepShown(key: string, index: number, frame: ImageFrame): Window {
  const copy = { ...frame, pixels: frame.pixels.slice() };
  kept = { key, index, frame: copy, range: valueRange(copy.pixels) };
  return defaultWindow(copy);
}

/** The kept frame, if it is this one; otherwise the caller decodes it and calls keepShown. */
export function shownFrame(key: string, index: number): ImageFrame | undefined {
  return kept && kept.key === key && kept.index === index ? kept.frame : undefined;
}

export function shownAutoWindow(frame: ImageFrame): Window {
  return autoWindow(frame);
}

/**
 * The kept frame through `window`, as a bitmap `width` pixels wide: shrunk here to the size it
 * is shown at, the page's draw is a plain copy (a full 2k bitmap costs it 10 to 40 ms to scale).
 * The LUT and the RGBA buffer are reused from drag step to drag step.
 */
export function shownPicture(window: Window, width: number): Promise<ImageBitmap> {
  if (!kept) return Promise.reject(new Error('no frame is shown'));
  const { frame, lut } = kept;
  // Windows arrive as fresh objects; the same values must still find the cached table.
  const same = lut && lut.window.center === window.center && lut.window.width === window.width;
  kept.lut = lutFor(frame, same ? lut.window : window, lut, kept.range);
  kept.image ??= new ImageData(frame.width, frame.height);
  if (kept.rendered !== kept.lut) renderRgba(frame, kept.lut, kept.image.data);
  kept.rendered = kept.lut;
  if (width >= frame.width) return createImageBitmap(kept.image);
  const resizeWidth = Math.max(1, Math.round(width));
  const resizeHeight = Math.max(1, Math.round((frame.height * resizeWidth) / frame.width));
  return createImageBitmap(kept.image, { resizeWidth, resizeHeight, resizeQuality: 'medium' });
}

/** Let the kept frame go (the user cleared the studies). */
export function forgetShown(): void {
  kept = undefined;
}
