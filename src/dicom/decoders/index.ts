/**
 * Frame decoders keyed by transfer syntax UID. Each returns stored values, sample-interleaved,
 * in native byte order. A syntax missing here is an error that names it.
 */
import type { DataSet } from 'dicom-parser';
import { DicomError } from '../errors.ts';
import type { ImageInfo } from '../image-info.ts';
import { encapsulatedFrame, nativeFrame } from '../frame-bytes.ts';
import { DEFLATED_LE, EXPLICIT_BE, EXPLICIT_LE, IMPLICIT_LE, RLE_LOSSLESS, describeTransferSyntax } from '../transfer-syntax.ts';
import { decodeRle } from './rle.ts';
import { storedValues, type StoredPixels } from './native.ts';

export type FrameDecoder = (dataSet: DataSet, info: ImageInfo, index: number) => Promise<StoredPixels>;

function samplesIn(info: ImageInfo): number {
  return info.rows * info.columns * info.samplesPerPixel;
}

/** YBR_FULL_422 native data holds 2 samples per pixel; the colour step expands it. */
function nativeSamples(info: ImageInfo): number {
  return info.photometric === 'YBR_FULL_422' ? info.rows * info.columns * 2 : samplesIn(info);
}

const native = (bigEndian: boolean): FrameDecoder => (dataSet, info, index) =>
  Promise.resolve(storedValues(nativeFrame(dataSet, info, index), info, nativeSamples(info), bigEndian && info.bitsAllocated > 8));

const rle: FrameDecoder = (dataSet, info, index) => {
  if (info.bitsAllocated === 1) {
    throw new DicomError('unsupported-format', `RLE with ${info.bitsAllocated} bits allocated is not supported`);
  }
  // RLE output is always sample-interleaved, whatever Planar Configuration says.
  return Promise.resolve(storedValues(decodeRle(encapsulatedFrame(dataSet, info, index), info), info, samplesIn(info)));
};

export const DECODERS: Readonly<Record<string, FrameDecoder>> = {
  [IMPLICIT_LE]: native(false),
  [EXPLICIT_LE]: native(false),
  [DEFLATED_LE]: native(false),
  [EXPLICIT_BE]: native(true),
  [RLE_LOSSLESS]: rle,
};

export function decoderFor(uid: string): FrameDecoder {
  const decoder = DECODERS[uid];
  if (!decoder) throw new DicomError('unsupported-transfer-syntax', `transfer syntax ${describeTransferSyntax(uid)} is not supported yet`);
  return decoder;
}

/** Whether pixels arrive sample-interleaved regardless of the Planar Configuration tag. */
export function alwaysInterleaved(uid: string): boolean {
  return uid === RLE_LOSSLESS;
}
