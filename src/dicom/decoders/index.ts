/**
 * Frame decoders keyed by transfer syntax UID. Each returns stored values, sample-interleaved,
 * in native byte order. A syntax missing here is an error that names it.
 */
import { DicomError } from '../errors.ts';
import type { ImageInfo } from '../image-info.ts';
import { encapsulatedFrame, nativeFrame } from '../frame-bytes.ts';
import { DEFLATED_LE, EXPLICIT_BE, EXPLICIT_LE, IMPLICIT_LE, RLE_LOSSLESS, describeTransferSyntax } from '../transfer-syntax.ts';
import { decodeRle } from './rle.ts';
import { storedValues } from './native.ts';
import { codecDecoder } from './compressed.ts';
import type { FrameDecoder } from './types.ts';
import { decodeJpegLossless } from './jpeg-lossless.ts';
import { decodeJpegDct } from './jpeg-dct.ts';

function samplesIn(info: ImageInfo): number {
  return info.rows * info.columns * info.samplesPerPixel;
}

/** YBR_FULL_422 native data holds 2 samples per pixel; the colour step expands it. */
function nativeSamples(info: ImageInfo): number {
  return info.photometric === 'YBR_FULL_422' ? info.rows * info.columns * 2 : samplesIn(info);
}

const native = (bigEndian: boolean): FrameDecoder => (dataSet, info, index) => Promise.resolve({
  values: storedValues(nativeFrame(dataSet, info, index), info, nativeSamples(info), { bigEndian: bigEndian && info.bitsAllocated > 8 }),
  interleaved: info.planarConfiguration === 0,
});

const rle: FrameDecoder = (dataSet, info, index) => {
  if (info.bitsAllocated === 1) {
    throw new DicomError('unsupported-format', `RLE with ${info.bitsAllocated} bits allocated is not supported`);
  }
  // RLE output is always sample-interleaved, whatever Planar Configuration says.
  return Promise.resolve({ values: storedValues(decodeRle(encapsulatedFrame(dataSet, info, index), info), info, samplesIn(info), { owned: true }), interleaved: true });
};

/** Our own JPEG decoders return 16-bit samples, interleaved. */
const ownJpeg = (decode: typeof decodeJpegLossless): FrameDecoder => (dataSet, info, index) => {
  const image = decode(encapsulatedFrame(dataSet, info, index));
  if (image.width !== info.columns || image.height !== info.rows || image.components !== info.samplesPerPixel) {
    throw new DicomError('invalid', `the JPEG frame is ${image.width}x${image.height}x${image.components}, the header says ${info.columns}x${info.rows}x${info.samplesPerPixel}`);
  }
  const bytes = new Uint8Array(image.samples.buffer);
  return Promise.resolve({ values: storedValues(bytes, { ...info, bitsAllocated: 16 }, image.samples.length, { owned: true }), interleaved: true });
};

/**
 * JPEG baseline: libjpeg-turbo undoes the YCbCr transform, which is right when the file says
 * YBR_*. When it says RGB the encoder skipped the transform, and libjpeg-turbo (seeing no
 * JFIF or Adobe marker) would apply it anyway; our own decoder returns the samples untouched.
 */
const turbo = codecDecoder('libjpeg-turbo', true);
const untransformed = ownJpeg(decodeJpegDct);
const jpegBaseline: FrameDecoder = (dataSet, info, index) =>
  info.samplesPerPixel === 3 && info.photometric === 'RGB' ? untransformed(dataSet, info, index) : turbo(dataSet, info, index);

export const DECODERS: Readonly<Record<string, FrameDecoder>> = {
  [IMPLICIT_LE]: native(false),
  [EXPLICIT_LE]: native(false),
  [DEFLATED_LE]: native(false),
  [EXPLICIT_BE]: native(true),
  [RLE_LOSSLESS]: rle,
  // libjpeg-turbo here is its 8-bit build: 12-bit JPEG Extended goes through our own decoder.
  '1.2.840.10008.1.2.4.50': jpegBaseline,
  '1.2.840.10008.1.2.4.51': ownJpeg(decodeJpegDct),
  '1.2.840.10008.1.2.4.57': ownJpeg(decodeJpegLossless),
  '1.2.840.10008.1.2.4.70': ownJpeg(decodeJpegLossless),
  '1.2.840.10008.1.2.4.80': codecDecoder('charls', false),
  '1.2.840.10008.1.2.4.81': codecDecoder('charls', false),
  '1.2.840.10008.1.2.4.90': codecDecoder('openjpeg', true),
  '1.2.840.10008.1.2.4.91': codecDecoder('openjpeg', true),
  '1.2.840.10008.1.2.4.201': codecDecoder('openjph', true),
  '1.2.840.10008.1.2.4.202': codecDecoder('openjph', true),
  '1.2.840.10008.1.2.4.203': codecDecoder('openjph', true),
};

export function decoderFor(uid: string): FrameDecoder {
  const decoder = DECODERS[uid];
  if (!decoder) throw new DicomError('unsupported-transfer-syntax', `transfer syntax ${describeTransferSyntax(uid)} is not supported yet`);
  return decoder;
}
