/**
 * The stored bytes of one frame: a slice of native pixel data (bit-packed for 1-bit images),
 * or the joined fragments of one encapsulated frame (our own item walk, see readItems).
 */
import type { DataSet } from 'dicom-parser';
import { DicomError } from './errors.ts';
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

interface Fragment {
  /** Offset of the fragment's data in the byte array. */
  start: number;
  length: number;
}

/**
 * Walk the items of encapsulated Pixel Data by their lengths: the Basic Offset Table, then the
 * fragments, up to the Sequence Delimitation Item. Walking by length, not by searching for the
 * delimiter's bytes, keeps a codestream that happens to contain FFFE,E0DD intact.
 */
function readItems(bytes: Uint8Array, from: number): { offsets: number[]; fragments: Fragment[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const items: Fragment[] = [];
  let pos = from;
  while (pos + 8 <= bytes.length) {
    const group = view.getUint16(pos, true);
    const element = view.getUint16(pos + 2, true);
    const length = view.getUint32(pos + 4, true);
    if (group !== 0xfffe || element !== 0xe000) break;
    const start = pos + 8;
    items.push({ start, length: Math.min(length, bytes.length - start) });
    pos = start + length;
  }
  const [table, ...fragments] = items;
  const offsets: number[] = [];
  for (let o = 0; table && o + 4 <= table.length; o += 4) offsets.push(view.getUint32(table.start + o, true));
  return { offsets, fragments };
}

function join(bytes: Uint8Array, fragments: Fragment[]): Uint8Array {
  if (fragments.length === 1 && fragments[0]) return bytes.subarray(fragments[0].start, fragments[0].start + fragments[0].length);
  const out = new Uint8Array(fragments.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of fragments) {
    out.set(bytes.subarray(f.start, f.start + f.length), at);
    at += f.length;
  }
  return out;
}

/** Fragments by the Basic Offset Table, which counts from the first item after the table. */
function byOffsets(offsets: number[], fragments: Fragment[]): Fragment[][] {
  const first = fragments[0]?.start ?? 0;
  const ascending = offsets.every((o, i) => i === 0 || o > (offsets[i - 1] ?? 0));
  if (!ascending) return offsets.map((o, i) => fragments.filter((f) => f.start - first >= o && (i + 1 >= offsets.length || f.start - first < (offsets[i + 1] ?? 0))));
  // One pass: fragments and offsets are both in file order.
  const groups = offsets.map((): Fragment[] => []);
  let g = 0;
  for (const f of fragments) {
    const at = f.start - first;
    while (g + 1 < offsets.length && at >= (offsets[g + 1] ?? Infinity)) g++;
    if (at >= (offsets[g] ?? 0)) groups[g]?.push(f);
  }
  return groups;
}

/** Which fragments make up each frame: by the offset table, one each, all for one frame, or by JPEG SOI markers. */
function frameGroups(bytes: Uint8Array, offsets: number[], fragments: Fragment[], frames: number): Fragment[][] {
  if (offsets.length === frames) return byOffsets(offsets, fragments);
  if (fragments.length === frames) return fragments.map((f) => [f]);
  if (frames === 1) return [fragments];
  const groups: Fragment[][] = [];
  for (const f of fragments) {
    const soi = bytes[f.start] === 0xff && bytes[f.start + 1] === 0xd8;
    if (soi || groups.length === 0) groups.push([f]);
    else groups[groups.length - 1]?.push(f);
  }
  return groups;
}

/** Each file's frame grouping, worked out on its first frame: scrolling a series must not re-walk the items per frame. */
const groupsByFile = new WeakMap<DataSet, Fragment[][]>();

export function encapsulatedFrame(dataSet: DataSet, info: ImageInfo, index: number): Uint8Array {
  const element = dataSet.elements.x7fe00010;
  // An implicit-VR body (see parse.ts) marks encapsulation only by the undefined length.
  if (!element?.encapsulatedPixelData && !element?.hadUndefinedLength) throw new DicomError('invalid', 'compressed pixel data is not encapsulated');
  let groups = groupsByFile.get(dataSet);
  if (!groups) {
    const { offsets, fragments } = readItems(dataSet.byteArray, element.dataOffset);
    groups = frameGroups(dataSet.byteArray, offsets, fragments, info.frames);
    groupsByFile.set(dataSet, groups);
  }
  const group = groups[index];
  if (!group || group.length === 0) throw new DicomError('truncated', `frame ${index + 1} of ${info.frames} has no compressed data`);
  return join(dataSet.byteArray, group);
}
