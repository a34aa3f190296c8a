/** PNG files as grey images for the Node tools (BT.601 luma for colour PNGs). */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { GreyImage } from '../ml/api.ts';
import { lumaOf } from '../render/raster.ts';

export function readGreyPngImage(path: string): GreyImage {
  const png = PNG.sync.read(readFileSync(path));
  // pngjs always hands back RGBA, whatever the file's colour type.
  return lumaOf(png.data, png.width, png.height, 4);
}
