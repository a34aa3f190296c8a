/**
 * Encapsulated frames through the WASM codecs. Colour JPEG and JPEG 2000 come out of the codec
 * already converted to RGB (YCbCr and RCT/ICT are undone inside it), interleaved.
 */
import { DicomError } from '../errors.ts';
import type { ImageInfo } from '../image-info.ts';
import { encapsulatedFrame } from '../frame-bytes.ts';
import { decodeWithCodec, type CodecName } from '../codecs/wasm-codecs.ts';
import { storedValues } from './native.ts';
import { repairSizItemTag } from './j2k-siz.ts';
import type { FrameDecoder } from './types.ts';

/** What the codec is given: for OpenJPEG (Part 1 JPEG 2000), SIZ undone from a stray DICOM item tag. */
function codestreamFor(codec: CodecName, frame: Uint8Array, info: ImageInfo): Uint8Array {
  return codec === 'openjpeg' ? repairSizItemTag(frame, info) : frame;
}

/**
 * A JPEG-LS frame ends with the EOI marker (FFD9), at most followed by the padding byte that
 * makes a fragment even. CharLS takes tens of seconds to give up on a frame cut short (a lost
 * fragment, found by the stress fuzzer), so such a frame is refused before it gets there.
 */
function assertJpegLsEnds(frame: Uint8Array): void {
  for (let i = frame.length - 2; i >= Math.max(0, frame.length - 4); i--) if (frame[i] === 0xff && frame[i + 1] === 0xd9) return;
  throw new DicomError('truncated', 'the JPEG-LS frame is cut short (it has no end-of-image marker)');
}

export function codecDecoder(codec: CodecName, convertsColour: boolean): FrameDecoder {
  return async (dataSet, info, index) => {
    const frame = encapsulatedFrame(dataSet, info, index);
    if (codec === 'charls') assertJpegLsEnds(frame);
    const out = await decodeWithCodec(codec, codestreamFor(codec, frame, info));
    if (out.width !== info.columns || out.height !== info.rows || out.componentCount !== info.samplesPerPixel) {
      throw new DicomError('invalid', `the codec produced ${out.width}x${out.height}x${out.componentCount}, the header says ${info.columns}x${info.rows}x${info.samplesPerPixel}`);
    }
    const container: ImageInfo = { ...info, bitsAllocated: out.bitsPerSample <= 8 ? 8 : 16 };
    const values = storedValues(out.bytes, container, info.rows * info.columns * info.samplesPerPixel, { owned: true });
    return info.samplesPerPixel === 3 && convertsColour ? { values, interleaved: true, photometric: 'RGB' } : { values, interleaved: true };
  };
}
