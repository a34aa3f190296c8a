/** PNG files as grey images for the Node tools (BT.601 luma for colour PNGs). */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { ImageFrame } from '../dicom/image-frame.ts';
import type { GreyImage } from '../ml/api.ts';
import { lumaOf, rasterFrame } from '../render/raster.ts';

export function readGreyPngImage(path: string): GreyImage {
  const png = PNG.sync.read(readFileSync(path));
  // pngjs always hands back RGBA, whatever the file's colour type.
  return lumaOf(png.data, png.width, png.height, 4);
}

/** A PNG file as the page holds it: grey, or RGB when its content is in colour. */
export function readPngFrame(bytes: Uint8Array): ImageFrame {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return rasterFrame(png.data, png.width, png.height, 4);
}
