/** PNG files as grey images for the Node tools (BT.601 luma for colour PNGs). */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { GreyImage } from '../ml/api.ts';

export function readGreyPngImage(path: string): GreyImage {
  const png = PNG.sync.read(readFileSync(path));
  const pixels = new Float32Array(png.width * png.height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = 0.299 * (png.data[i * 4] ?? 0) + 0.587 * (png.data[i * 4 + 1] ?? 0) + 0.114 * (png.data[i * 4 + 2] ?? 0);
  return { width: png.width, height: png.height, pixels };
}
