/**
 * Colour models to interleaved RGB: planar to interleaved, YBR_FULL and YBR_FULL_422 by the
 * JPEG (ITU-R BT.601 full range) equations, YBR_RCT/ICT as already converted by the codec,
 * and PALETTE COLOR through its lookup tables.
 */
import type { DataSet } from 'dicom-parser';
import { DicomError } from './errors.ts';
import type { ImageInfo } from './image-info.ts';
import type { StoredPixels } from './decoders/native.ts';
import type { Photometric } from './image-info.ts';

function interleave(values: StoredPixels, pixels: number): Float32Array {
  const out = new Float32Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = values[c * pixels + p] ?? 0;
  }
  return out;
}

function expand422(values: StoredPixels, pixels: number): Float32Array {
  const out = new Float32Array(pixels * 3);
  for (let p = 0; p < pixels; p += 2) {
    const o = p * 2; // Y0 Y1 Cb Cr
    const [y0, y1, cb, cr] = [values[o] ?? 0, values[o + 1] ?? 0, values[o + 2] ?? 0, values[o + 3] ?? 0];
    out.set([y0, cb, cr], p * 3);
    if (p + 1 < pixels) out.set([y1, cb, cr], (p + 1) * 3);
  }
  return out;
}

function ybrToRgb(ybr: Float32Array, max: number): void {
  const half = (max + 1) / 2;
  const clamp = (v: number): number => Math.min(max, Math.max(0, v));
  for (let i = 0; i < ybr.length; i += 3) {
    const y = ybr[i] ?? 0;
    const cb = (ybr[i + 1] ?? 0) - half;
    const cr = (ybr[i + 2] ?? 0) - half;
    ybr[i] = clamp(Math.round(y + 1.402 * cr));
    ybr[i + 1] = clamp(Math.round(y - 0.344136 * cb - 0.714136 * cr));
    ybr[i + 2] = clamp(Math.round(y + 1.772 * cb));
  }
}

export function toRgb(values: StoredPixels, info: ImageInfo, interleaved: boolean, photometric: Photometric = info.photometric): Float32Array {
  const pixels = info.rows * info.columns;
  if (photometric === 'YBR_FULL_422' && values.length === pixels * 2) {
    const rgb = expand422(values, pixels);
    ybrToRgb(rgb, 2 ** info.bitsStored - 1);
    return rgb;
  }
  const rgb = interleaved ? Float32Array.from(values) : interleave(values, pixels);
  if (photometric === 'YBR_FULL' || photometric === 'YBR_FULL_422') ybrToRgb(rgb, 2 ** info.bitsStored - 1);
  return rgb;
}

interface Lut {
  first: number;
  data: Uint16Array | Uint8Array;
}

function readLut(dataSet: DataSet, descriptorTag: string, dataTag: string): Lut {
  const entries = dataSet.uint16(descriptorTag, 0);
  const first = dataSet.uint16(descriptorTag, 1) ?? 0;
  const bits = dataSet.uint16(descriptorTag, 2);
  const element = dataSet.elements[dataTag];
  if (!element || bits === undefined) throw new DicomError('invalid', 'PALETTE COLOR without its lookup tables');
  const count = entries === 0 ? 65536 : (entries ?? 0);
  const bytes = dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
  if (bits === 8 && bytes.length === count) return { first, data: bytes };
  const data = new Uint16Array(count);
  for (let i = 0; i < count; i++) data[i] = (bytes[2 * i] ?? 0) | ((bytes[2 * i + 1] ?? 0) << 8);
  return { first, data };
}

export function paletteToRgb(values: StoredPixels, dataSet: DataSet): Float32Array {
  const luts = [['x00281101', 'x00281201'], ['x00281102', 'x00281202'], ['x00281103', 'x00281203']].map(([d, t]) => readLut(dataSet, d ?? '', t ?? ''));
  const out = new Float32Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    luts.forEach((lut, c) => {
      const index = Math.min(lut.data.length - 1, Math.max(0, (values[i] ?? 0) - lut.first));
      out[i * 3 + c] = lut.data[index] ?? 0;
    });
  }
  return out;
}
