/**
 * A structure outlined on every frame of a series, measured as a volume: the sum over slices
 * of mask pixels x Pixel Spacing x Slice Thickness. Plain data and arithmetic; the state class
 * runs the model.
 */
import type { FrameRef } from './studies.svelte.ts';

export interface SliceMask {
  ref: FrameRef;
  width: number;
  height: number;
  mask: Uint8Array;
  pixels: number;
  /** Corrected by hand with the brush or eraser. */
  edited?: boolean;
}

export interface SeriesVolume {
  /** mL when Pixel Spacing and Slice Thickness are known. */
  millilitres?: number;
  /** Frame position (0-based) with the largest mask, and its pixel count. */
  largest?: { position: number; pixels: number };
  /** What is missing for a volume in mL, if anything. */
  missing?: string;
}

export function seriesVolume(slices: readonly SliceMask[], spacing: readonly [number, number] | undefined, thicknessMm: number | undefined): SeriesVolume {
  let largest: SeriesVolume['largest'];
  slices.forEach((s, position) => {
    if (s.pixels > 0 && (!largest || s.pixels > largest.pixels)) largest = { position, pixels: s.pixels };
  });
  const total = slices.reduce((n, s) => n + s.pixels, 0);
  const base = largest ? { largest } : {};
  if (!spacing) return { ...base, missing: 'the files give no Pixel Spacing' };
  if (!thicknessMm) return { ...base, missing: 'the files give no Slice Thickness' };
  return { ...base, millilitres: (total * spacing[0] * spacing[1] * thicknessMm) / 1000 };
}

/**
 * The one width and height every slice shares, or undefined (an empty series, or slices of
 * different sizes): the 3-D region filter stacks slices and needs the first.
 */
export function uniformSize(slices: readonly { width: number; height: number }[]): { width: number; height: number } | undefined {
  const first = slices[0];
  return first && slices.every((s) => s.width === first.width && s.height === first.height) ? { width: first.width, height: first.height } : undefined;
}
