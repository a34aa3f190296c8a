/**
 * Stored bytes to stored values: 1, 8, 16 or 32 bits, either byte order, signed values
 * sign-extended from Bits Stored (a 12-bit signed value lives in a 16-bit word).
 */
import type { ImageInfo } from '../image-info.ts';

export type StoredPixels = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

function unpackBits(bytes: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = ((bytes[i >> 3] ?? 0) >> (i & 7)) & 1;
  return out;
}

/** Copy into an aligned buffer, swapping bytes when the data is big endian. */
/**
 * The frame's bytes as a buffer of whole words, byte-swapped for big endian. A copy unless
 * the caller owns `bytes` (a decoder's fresh output) and they are aligned: file bytes are
 * never handed out, since frames travel to the page by transfer.
 */
function words(bytes: Uint8Array, size: 2 | 4, count: number, bigEndian: boolean, owned: boolean): ArrayBuffer {
  if (owned && !bigEndian && bytes.byteOffset === 0 && bytes.byteLength === count * size && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  const out = new Uint8Array(count * size);
  out.set(bytes.subarray(0, count * size));
  if (bigEndian && size === 2) {
    for (let i = 0; i + 1 < out.length; i += 2) {
      const a = out[i] as number;
      out[i] = out[i + 1] as number;
      out[i + 1] = a;
    }
  } else if (bigEndian) {
    for (let i = 0; i + 3 < out.length; i += 4) {
      const [a, b, c, d] = [out[i] as number, out[i + 1] as number, out[i + 2] as number, out[i + 3] as number];
      out[i] = d;
      out[i + 1] = c;
      out[i + 2] = b;
      out[i + 3] = a;
    }
  }
  return out.buffer;
}

/** Two's complement from the top stored bit, in place (16-bit words keep their range). */
function signExtend(values: Int16Array | Int32Array, bitsStored: number, bitsAllocated: number): void {
  if (bitsStored >= bitsAllocated) return;
  const shift = 32 - bitsStored;
  for (let i = 0; i < values.length; i++) values[i] = ((values[i] ?? 0) << shift) >> shift;
}

export interface StoredOptions {
  bigEndian?: boolean;
  /** The bytes are the caller's own fresh buffer, which the values may reuse. */
  owned?: boolean;
}

export function storedValues(bytes: Uint8Array, info: ImageInfo, samples: number, { bigEndian = false, owned = false }: StoredOptions = {}): StoredPixels {
  const signed = info.pixelRepresentation === 1;
  switch (info.bitsAllocated) {
    case 1:
      return unpackBits(bytes, samples);
    case 8: {
      const view = bytes.subarray(0, samples);
      return signed ? new Int8Array(view.buffer, view.byteOffset, view.length).slice() : view.slice();
    }
    case 16: {
      const buffer = words(bytes, 2, samples, bigEndian, owned);
      if (!signed) return new Uint16Array(buffer, 0, samples);
      const values = new Int16Array(buffer, 0, samples);
      signExtend(values, info.bitsStored, 16);
      return values;
    }
    default: {
      const buffer = words(bytes, 4, samples, bigEndian, owned);
      if (!signed) return new Uint32Array(buffer, 0, samples);
      const values = new Int32Array(buffer, 0, samples);
      signExtend(values, info.bitsStored, 32);
      return values;
    }
  }
}
