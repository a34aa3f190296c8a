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

/**
 * The frame's bytes as a buffer of whole words, byte-swapped for big endian. A copy unless
 * the caller owns `bytes` (a decoder's fresh output) and they are aligned: file bytes are
 * never handed out, since frames travel to the page by transfer.
 */
function words(bytes: Uint8Array, size: 2 | 4, count: number, bigEndian: boolean, owned: boolean): ArrayBuffer {
  if (owned && !bigEndian && bytes.byteOffset === 0 && bytes.byteLength === count * size && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  const out = new Uint8Array(count * size);
  out.set(bytes.subarray(0, count * size));
  // Swap whole words through a view of the (aligned, fresh) copy: one load and store each.
  if (bigEndian && size === 2) {
    const w = new Uint16Array(out.buffer, 0, count);
    for (let i = 0; i < w.length; i++) {
      const v = w[i] as number;
      w[i] = ((v & 0xff) << 8) | (v >>> 8);
    }
  } else if (bigEndian) {
    const w = new Uint32Array(out.buffer, 0, count);
    for (let i = 0; i < w.length; i++) {
      const v = w[i] as number;
      w[i] = (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
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
