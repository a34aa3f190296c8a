/**
 * PNG/JPEG files to frames. Uses createImageBitmap and OffscreenCanvas, which exist in the page
 * and in workers; the pure conversion is separate so Node tests and the CLI use the same code.
 */
import type { ImageFrame } from '../dicom/image-frame.ts';
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

/**
 * A pixel is colour when its channels differ by more than this (of 255). JPEG's chroma
 * subsampling and rounding leave a grey film's channels a few levels apart, never this far.
 */
const COLOUR_SPREAD = 16;
/** An image is colour when more than this share of its pixels is: a small coloured label or marker on a grey film is not. */
const COLOUR_SHARE = 0.01;

/** Whether interleaved RGB(A) samples show colour. Both thresholds were fixed before any image was scored. */
export function hasColour(samples: ArrayLike<number>, pixelCount: number, stride: number): boolean {
  const allowed = pixelCount * COLOUR_SHARE;
  let coloured = 0;
  for (let i = 0; i < pixelCount; i++) {
    const o = i * stride;
    const r = samples[o] ?? 0;
    const g = samples[o + 1] ?? 0;
    const b = samples[o + 2] ?? 0;
    if (Math.max(r, g, b) - Math.min(r, g, b) > COLOUR_SPREAD && ++coloured > allowed) return true;
  }
  return false;
}

/**
 * An 8-bit raster (stride 1 grey, 3 RGB or 4 RGBA) as a frame: grey content becomes one luma
 * channel, colour content stays RGB so the viewer shows it as it is and the models' scope
 * check says it is colour (a photograph is not a film, whatever the applicability gate thinks).
 */
export function rasterFrame(samples: ArrayLike<number>, width: number, height: number, stride: 1 | 3 | 4): ImageFrame {
  const n = width * height;
  const common = { width, height, invert: false, bitsStored: 8, frameIndex: 0, frameCount: 1, window: { center: 127.5, width: 256 } };
  if (stride > 1 && hasColour(samples, n, stride)) {
    const pixels = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) pixels[i * 3 + c] = samples[i * stride + c] ?? 0;
    return { ...common, samples: 3, photometric: 'RGB', pixels };
  }
  const pixels = stride === 1 ? Float32Array.from({ length: n }, (_, i) => samples[i] ?? 0) : lumaOf(samples, width, height, stride).pixels;
  return { ...common, samples: 1, photometric: 'MONOCHROME2', pixels };
}

export async function decodeRasterFile(file: Blob): Promise<ImageFrame> {
  const bitmap = await createImageBitmap(file);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas available');
    context.drawImage(bitmap, 0, 0);
    const data = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return rasterFrame(data.data, data.width, data.height, 4);
  } finally {
    bitmap.close();
  }
}
