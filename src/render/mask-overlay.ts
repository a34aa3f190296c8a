/**
 * A mask as an RGBA overlay: a translucent fill inside and an opaque outline on its border
 * (inside pixels with a 4-neighbour outside), drawn over the image with the same transform.
 */
export function maskOverlay(mask: ArrayLike<number>, width: number, height: number, opacity: number, rgb: [number, number, number] = [64, 224, 208]): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(width * height * 4);
  const words = new Uint32Array(out.buffer);
  const fill = Math.round(Math.max(0, Math.min(1, opacity)) * 255);
  const colour = (rgb[2] << 16) | (rgb[1] << 8) | rgb[0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1 || !mask[i - 1] || !mask[i + 1] || !mask[i - width] || !mask[i + width];
      words[i] = (((edge ? 255 : fill) << 24) | colour) >>> 0;
    }
  }
  return out;
}
