import { valueRange, type ImageFrame } from '../dicom/image-frame.ts';
import type { GreyImage } from '../ml/api.ts';
import { lumaOf } from '../render/raster.ts';

/**
 * A frame as the models see it: one grey channel where brighter means denser, so MONOCHROME1
 * films are flipped and colour is reduced to BT.601 luma. A copy: the result is transferred.
 */
export function frameToGrey(frame: ImageFrame): GreyImage {
  const n = frame.width * frame.height;
  const pixels = frame.samples === 3 ? lumaOf(frame.pixels, frame.width, frame.height, 3).pixels : frame.pixels.slice(0, n);
  if (frame.invert) {
    const [min, max] = valueRange(pixels);
    for (let i = 0; i < n; i++) pixels[i] = max + min - (pixels[i] ?? 0);
  }
  return { width: frame.width, height: frame.height, pixels };
}
