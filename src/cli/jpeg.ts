/**
 * JPEG files (JFIF and Exif photographs) as frames for the Node tools, through the
 * libjpeg-turbo codec the DICOM reader already uses, which undoes the YCbCr transform.
 * The page reads them with createImageBitmap instead (render/raster.ts); both then go through
 * the same rasterFrame, so grey and colour are told apart alike.
 */
import { decodeWithCodec } from '../dicom/codecs/wasm-codecs.ts';
import type { ImageFrame } from '../dicom/image-frame.ts';
import { rasterFrame } from '../render/raster.ts';

export async function decodeJpegFrame(bytes: Uint8Array): Promise<ImageFrame> {
  const out = await decodeWithCodec('libjpeg-turbo', bytes);
  if (out.bitsPerSample !== 8) throw new Error(`a ${out.bitsPerSample}-bit JPEG; only 8-bit JPEG images are read`);
  // A four-component JPEG is CMYK (print), whose conversion to screen colour needs a profile.
  if (out.componentCount !== 1 && out.componentCount !== 3) throw new Error(`a JPEG with ${out.componentCount} colour components; only grey and RGB are read`);
  return rasterFrame(out.bytes, out.width, out.height, out.componentCount === 1 ? 1 : 3);
}
