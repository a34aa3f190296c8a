/**
 * PNG/JPEG files to grey pixels. Uses createImageBitmap and OffscreenCanvas, which exist in
 * the page and in workers; the pure conversion is separate so Node tests can check it.
 */
import type { GreyImage } from '../ml/api.ts';

/**
 * ITU-R BT.601 luma, the weighting radiology viewers use for colour-to-grey, of interleaved
 * samples with `stride` values a pixel (4 for RGBA, 3 for RGB; a fourth value is alpha and ignored).
 */
export function lumaOf(samples: ArrayLike<number>, width: number, height: number, stride: number): GreyImage {
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const o = i * stride;
    pixels[i] = 0.299 * (samples[o] ?? 0) + 0.587 * (samples[o + 1] ?? 0) + 0.114 * (samples[o + 2] ?? 0);
  }
  return { width, height, pixels };
}

export function rgbaToGrey(rgba: Uint8ClampedArray, width: number, height: number): GreyImage {
  return lumaOf(rgba, width, height, 4);
}

export async function decodeRasterFile(file: Blob): Promise<GreyImage> {
  const bitmap = await createImageBitmap(file);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas available');
    context.drawImage(bitmap, 0, 0);
    const data = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return rgbaToGrey(data.data, data.width, data.height);
  } finally {
    bitmap.close();
  }
}
