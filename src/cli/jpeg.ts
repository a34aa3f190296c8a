/**
 * JPEG files (JFIF and Exif photographs) as grey images for the Node tools, through the
 * libjpeg-turbo codec the DICOM reader already uses, which undoes the YCbCr transform.
 * The page reads them with createImageBitmap instead (render/raster.ts); both reduce colour to
 * the same BT.601 luma.
 */
import { decodeWithCodec } from '../dicom/codecs/wasm-codecs.ts';
import type { GreyImage } from '../ml/api.ts';
import { lumaOf } from '../render/raster.ts';

export async function decodeGreyJpeg(bytes: Uint8Array): Promise<GreyImage> {
  const out = await decodeWithCodec('libjpeg-turbo', bytes);
  if (out.bitsPerSample !== 8) throw new Error(`a ${out.bitsPerSample}-bit JPEG; only 8-bit JPEG images are read`);
  if (out.componentCount === 1) return { width: out.width, height: out.height, pixels: Float32Array.from(out.bytes.subarray(0, out.width * out.height)) };
  // A four-component JPEG is CMYK (print), whose conversion to screen colour needs a profile.
  if (out.componentCount !== 3) throw new Error(`a JPEG with ${out.componentCount} colour components; only grey and RGB are read`);
  return lumaOf(out.bytes, out.width, out.height, 3);
}
