/**
 * Hand correction of a mask, plain arithmetic on its bytes (no DOM): a brush sets pixels, an
 * eraser clears them, a stroke covers every pixel whose centre lies within the radius of the
 * segment between two pointer positions, so a fast drag leaves no gaps between events. A
 * patch keeps a region's bytes from before a stroke, which is what an undo needs.
 */

/** A mask at its image's size, row by row: 1 inside, 0 outside. */
export interface MaskGrid {
  width: number;
  height: number;
  mask: Uint8Array;
}

/** Image coordinates: pixel (i, j) covers [i, i + 1) x [j, j + 1). */
export type Point = readonly [number, number];

/** Pixels left <= x < right, top <= y < bottom. */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface Painted {
  /** The smallest box around the pixels this call changed. */
  box: Box;
  changed: number;
}

/** Squared distance from (px, py) to the segment a-b. */
function distance2(px: number, py: number, a: Point, dx: number, dy: number, length2: number): number {
  const t = length2 > 0 ? Math.min(1, Math.max(0, ((px - a[0]) * dx + (py - a[1]) * dy) / length2)) : 0;
  const ex = px - (a[0] + t * dx);
  const ey = py - (a[1] + t * dy);
  return ex * ex + ey * ey;
}

/** Sets (value 1) or clears (value 0) the stroke from a to b; undefined when nothing changed. */
export function paintStroke(grid: MaskGrid, a: Point, b: Point, radius: number, value: 0 | 1): Painted | undefined {
  const { width, height, mask } = grid;
  // Half a pixel at least, so the smallest brush still covers the pixel under the pointer.
  const r = Math.max(0.5, radius);
  const r2 = r * r;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length2 = dx * dx + dy * dy;
  const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - r));
  const x1 = Math.min(width, Math.ceil(Math.max(a[0], b[0]) + r));
  const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - r));
  const y1 = Math.min(height, Math.ceil(Math.max(a[1], b[1]) + r));
  const box: Box = { left: width, top: height, right: 0, bottom: 0 };
  let changed = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * width + x;
      if (mask[i] === value || distance2(x + 0.5, y + 0.5, a, dx, dy, length2) > r2) continue;
      mask[i] = value;
      changed++;
      box.left = Math.min(box.left, x);
      box.right = Math.max(box.right, x + 1);
      box.top = Math.min(box.top, y);
      box.bottom = Math.max(box.bottom, y + 1);
    }
  }
  return changed > 0 ? { box, changed } : undefined;
}

/** A filled disc: a stroke that does not move. */
export function paintDisc(grid: MaskGrid, centre: Point, radius: number, value: 0 | 1): Painted | undefined {
  return paintStroke(grid, centre, centre, radius, value);
}

export function unionBox(a: Box | undefined, b: Box | undefined): Box | undefined {
  if (!a || !b) return a ?? b;
  return { left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) };
}

/** The box grown by `by` pixels, kept inside the image. */
export function growBox(box: Box, by: number, width: number, height: number): Box {
  return { left: Math.max(0, box.left - by), top: Math.max(0, box.top - by), right: Math.min(width, box.right + by), bottom: Math.min(height, box.bottom + by) };
}

/** A region's bytes, row by row. */
export interface Patch {
  box: Box;
  bytes: Uint8Array;
}

/** Copies a box out of a mask of the given width (the bytes before a stroke, for its undo). */
export function takePatch(mask: Uint8Array, width: number, box: Box): Patch {
  const w = box.right - box.left;
  const bytes = new Uint8Array(w * (box.bottom - box.top));
  for (let y = box.top; y < box.bottom; y++) bytes.set(mask.subarray(y * width + box.left, y * width + box.right), (y - box.top) * w);
  return { box, bytes };
}

/** Writes a patch back into the mask. */
export function restorePatch(grid: MaskGrid, patch: Patch): void {
  const { box, bytes } = patch;
  const w = box.right - box.left;
  for (let y = box.top; y < box.bottom; y++) grid.mask.set(bytes.subarray((y - box.top) * w, (y - box.top + 1) * w), y * grid.width + box.left);
}
