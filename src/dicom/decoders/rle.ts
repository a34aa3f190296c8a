/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, one PackBits
 * segment per byte plane, most significant plane first. Output is little-endian,
 * sample-interleaved bytes, ready for storedValues().
 */
import { DicomError } from '../errors.ts';
import type { ImageInfo } from '../image-info.ts';

function decodeSegment(data: Uint8Array, start: number, end: number, out: Uint8Array, outStart: number, stride: number, count: number): void {
  let i = start;
  let written = 0;
  while (i < end && written < count) {
    const n = ((data[i++] ?? 0) << 24) >> 24; // signed header byte
    if (n >= 0) {
      for (let k = 0; k <= n && written < count && i < end; k++) out[outStart + stride * written++] = data[i++] ?? 0;
    } else if (n !== -128) {
      const value = data[i++] ?? 0;
      for (let k = 0; k < 1 - n && written < count; k++) out[outStart + stride * written++] = value;
    }
  }
  if (written < count) throw new DicomError('truncated', `an RLE segment ends after ${written} of ${count} pixels`);
}

export function decodeRle(data: Uint8Array, info: ImageInfo): Uint8Array {
  if (data.length < 64) throw new DicomError('truncated', 'the RLE header is cut short');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const segments = view.getUint32(0, true);
  const bytesPerSample = info.bitsAllocated / 8;
  const expected = bytesPerSample * info.samplesPerPixel;
  if (segments !== expected) throw new DicomError('invalid', `RLE frame has ${segments} segments, expected ${expected}`);
  const pixels = info.rows * info.columns;
  const stride = expected;
  const out = new Uint8Array(pixels * stride);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : data.length;
    if (start < 64 || start > data.length || end > data.length || end < start) throw new DicomError('invalid', `RLE segment ${s + 1} has a bad offset`);
    const sample = Math.floor(s / bytesPerSample);
    const significance = bytesPerSample - 1 - (s % bytesPerSample);
    decodeSegment(data, start, end, out, sample * bytesPerSample + significance, stride, pixels);
  }
  return out;
}
