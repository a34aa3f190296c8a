/**
 * A mask as an RGBA overlay: a translucent fill inside and an opaque outline on its border
 * (inside pixels with a 4-neighbour outside), drawn over the image with the same transform.
 */
import type { Box } from './brush.ts';

export function maskOverlay(mask: ArrayLike<number>, width: number, height: number, opacity: number, rgb: [number, number, number] = [64, 224, 208]): Uint8ClampedArray<ArrayBuffer> {
  return maskOverlayBox(mask, width, height, opacity, { left: 0, top: 0, right: width, bottom: height }, rgb);
}

/** The overlay of one box of the mask only (box-sized RGBA), so a brush stroke redraws just what it changed. */
export function maskOverlayBox(mask: ArrayLike<number>, width: number, height: number, opacity: number, box: Box, rgb: [number, number, number] = [64, 224, 208]): Uint8ClampedArray<ArrayBuffer> {
  const w = box.right - box.left;
  const out = new Uint8ClampedArray(w * (box.bottom - box.top) * 4);
  const words = new Uint32Array(out.buffer);
  const fill = Math.round(Math.max(0, Math.min(1, opacity)) * 255);
  const colour = (rgb[2] << 16) | (rgb[1] << 8) | rgb[0];
  for (let y = box.top; y < box.bottom; y++) {
    for (let x = box.left; x < box.right; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1 || !mask[i - 1] || !mask[i + 1] || !mask[i - width] || !mask[i + width];
      words[(y - box.top) * w + x - box.left] = (((edge ? 255 : fill) << 24) | colour) >>> 0;
    }
  }
  return out;
}
