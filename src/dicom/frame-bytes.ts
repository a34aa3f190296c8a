/**
 * The stored bytes of one frame: a slice of native pixel data (bit-packed for 1-bit images),
 * or the joined fragments of one encapsulated frame.
 */
// dicom-parser is a CommonJS bundle: only its default export works in both Node and Vite.
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { DicomError, toDicomError } from './errors.ts';
import type { ImageInfo } from './image-info.ts';

export function nativeFrameLength(info: ImageInfo): number {
  const samples = info.rows * info.columns * info.samplesPerPixel;
  // YBR_FULL_422 stores two luma samples and one pair of chroma samples per two pixels.
  const stored = info.photometric === 'YBR_FULL_422' ? info.rows * info.columns * 2 : samples;
  return (stored * info.bitsAllocated) / 8;
}

/** Native frame bytes; for 1-bit data the frame may start mid-byte, so it is re-packed. */
export function nativeFrame(dataSet: DataSet, info: ImageInfo, index: number): Uint8Array {
  const element = dataSet.elements.x7fe00010;
  if (!element) throw new DicomError('no-pixel-data', 'the file has no pixel data');
  const frameLength = nativeFrameLength(info);
  const start = element.dataOffset + index * frameLength;
  const end = start + Math.ceil(frameLength);
  if (end > dataSet.byteArray.length || index * frameLength + Math.ceil(frameLength) > element.length + 1) {
    throw new DicomError('truncated', `frame ${index + 1} of ${info.frames} is cut short`);
  }
  if (info.bitsAllocated !== 1 || Number.isInteger(frameLength)) return dataSet.byteArray.subarray(start, end);
  const bitOffset = index * info.rows * info.columns;
  const bits = info.rows * info.columns;
  const out = new Uint8Array(Math.ceil(bits / 8));
  const base = element.dataOffset;
  for (let i = 0; i < bits; i++) {
    const source = bitOffset + i;
    if (((dataSet.byteArray[base + (source >> 3)] ?? 0) >> (source & 7)) & 1) out[i >> 3] = (out[i >> 3] ?? 0) | (1 << (i & 7));
  }
  return out;
}

export function encapsulatedFrame(dataSet: DataSet, info: ImageInfo, index: number): Uint8Array {
  const element = dataSet.elements.x7fe00010;
  if (!element?.fragments) throw new DicomError('invalid', 'compressed pixel data without fragments');
  try {
    if (element.basicOffsetTable && element.basicOffsetTable.length > 0) {
      return dicomParser.readEncapsulatedImageFrame(dataSet, element, index);
    }
    // No offset table: one fragment per frame, or every fragment belongs to a single frame.
    if (element.fragments.length === info.frames) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, index, 1);
    if (info.frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, element.fragments.length);
    const table = dicomParser.createJPEGBasicOffsetTable(dataSet, element);
    return dicomParser.readEncapsulatedImageFrame(dataSet, element, index, table);
  } catch (error) {
    throw toDicomError(error);
  }
}
