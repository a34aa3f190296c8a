/**
 * Encapsulated frames through the WASM codecs. Colour JPEG and JPEG 2000 come out of the codec
 * already converted to RGB (YCbCr and RCT/ICT are undone inside it), interleaved.
 */
import { DicomError } from '../errors.ts';
import type { ImageInfo } from '../image-info.ts';
import { encapsulatedFrame } from '../frame-bytes.ts';
import { decodeWithCodec, type CodecName } from '../codecs/wasm-codecs.ts';
import { storedValues } from './native.ts';
import type { FrameDecoder } from './types.ts';

export function codecDecoder(codec: CodecName, convertsColour: boolean): FrameDecoder {
  return async (dataSet, info, index) => {
    const out = await decodeWithCodec(codec, encapsulatedFrame(dataSet, info, index));
    if (out.width !== info.columns || out.height !== info.rows || out.componentCount !== info.samplesPerPixel) {
      throw new DicomError('invalid', `the codec produced ${out.width}x${out.height}x${out.componentCount}, the header says ${info.columns}x${info.rows}x${info.samplesPerPixel}`);
    }
    const container: ImageInfo = { ...info, bitsAllocated: out.bitsPerSample <= 8 ? 8 : 16 };
    const values = storedValues(out.bytes, container, info.rows * info.columns * info.samplesPerPixel, { owned: true });
    return info.samplesPerPixel === 3 && convertsColour ? { values, interleaved: true, photometric: 'RGB' } : { values, interleaved: true };
  };
}
