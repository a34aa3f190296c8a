/**
 * Structure-aware mutations of real DICOM files. The seed is parsed once into a map of where
 * its elements, sequence items and pixel-data fragments sit; each mutation then damages one
 * thing a parser or decoder trusts: a length field, a VR, an item or delimiter tag, a fragment
 * length or offset table entry, an image dimension, or the end of the file.
 */
import { parseDicom } from '../../dicom/parse.ts';
import { EXPLICIT_BE, IMPLICIT_LE } from '../../dicom/transfer-syntax.ts';

export interface Field {
  /** Offset of the element's tag (or item tag) in the file. */
  tagAt: number;
  /** Offset and size of its length field. */
  lengthAt: number;
  lengthSize: 2 | 4;
  /** Offset of the two VR characters, for explicit VR elements. */
  vrAt?: number;
  valueAt: number;
  length: number;
  bigEndian: boolean;
}

export interface SeedMap {
  name: string;
  bytes: Uint8Array;
  elements: Field[];
  /** Sequence items and pixel-data fragments (item tag FFFE,E000 and a 4-byte length). */
  items: Field[];
  /** Values of Rows, Columns, Number of Frames, Bits Allocated, Samples per Pixel, where present. */
  image: Map<string, Field>;
}

export type Mutation = (seed: SeedMap, random: () => number) => Uint8Array;

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const IMAGE_TAGS = ['x00280010', 'x00280011', 'x00280008', 'x00280100', 'x00280002', 'x00280004', 'x00280006'];

interface ParsedElement {
  tag: string;
  vr?: string;
  dataOffset: number;
  length: number;
  hadUndefinedLength?: boolean;
  items?: { dataOffset: number; length: number; dataSet?: { elements: Record<string, ParsedElement> } }[];
  fragments?: { position: number; length: number }[];
}

function walk(elements: Record<string, ParsedElement>, explicit: boolean, bigEndianBody: boolean, map: SeedMap): void {
  for (const element of Object.values(elements)) {
    const bigEndian = bigEndianBody && !element.tag.startsWith('x0002');
    const long = !explicit || element.vr === undefined || LONG_VRS.has(element.vr);
    const headerSize = explicit && element.vr !== undefined ? (long ? 12 : 8) : 8;
    const field: Field = {
      tagAt: element.dataOffset - headerSize, lengthAt: element.dataOffset - (long ? 4 : 2), lengthSize: long ? 4 : 2,
      valueAt: element.dataOffset, length: element.length, bigEndian,
    };
    if (explicit && element.vr !== undefined) field.vrAt = element.dataOffset - headerSize + 4;
    map.elements.push(field);
    if (IMAGE_TAGS.includes(element.tag)) map.image.set(element.tag, field);
    for (const item of element.items ?? []) {
      map.items.push({ tagAt: item.dataOffset - 8, lengthAt: item.dataOffset - 4, lengthSize: 4, valueAt: item.dataOffset, length: item.length, bigEndian });
      if (item.dataSet) walk(item.dataSet.elements, explicit, bigEndianBody, map);
    }
    for (const fragment of element.fragments ?? []) {
      map.items.push({ tagAt: fragment.position - 8, lengthAt: fragment.position - 4, lengthSize: 4, valueAt: fragment.position, length: fragment.length, bigEndian });
    }
  }
}

/** Where everything is in one seed file. */
export async function mapSeed(name: string, bytes: Uint8Array): Promise<SeedMap> {
  const { dataSet, transferSyntaxUID, bytes: parsedBytes } = await parseDicom(bytes);
  const map: SeedMap = { name, bytes: parsedBytes, elements: [], items: [], image: new Map() };
  // A deflated seed is mutated after inflation: the structure is what is under test.
  const explicit = transferSyntaxUID !== IMPLICIT_LE && dataSet.elements.x00080016?.vr !== undefined;
  walk(dataSet.elements as unknown as Record<string, ParsedElement>, explicit, transferSyntaxUID === EXPLICIT_BE, map);
  map.elements = map.elements.filter((f) => f.tagAt >= 0 && f.valueAt <= parsedBytes.length);
  return map;
}

const pick = <T>(random: () => number, values: readonly T[]): T | undefined => values[Math.floor(random() * values.length)];
const int = (random: () => number, n: number): number => Math.floor(random() * n);

function setLength(out: Uint8Array, field: Field, value: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (field.lengthAt < 0 || field.lengthAt + field.lengthSize > out.length) return;
  if (field.lengthSize === 2) view.setUint16(field.lengthAt, value & 0xffff, !field.bigEndian);
  else view.setUint32(field.lengthAt, value >>> 0, !field.bigEndian);
}

/** Lengths a parser must not trust: zero, odd, off by one, past the end, undefined, huge. */
function hostileLength(field: Field, size: number, random: () => number): number {
  const max = field.lengthSize === 2 ? 0xffff : 0xffffffff;
  return pick(random, [0, 1, field.length + 1, field.length - 1, field.length * 2, size, size + 2, max, max - 1, 0x7fffffff, int(random, max)]) ?? 0;
}

const lengthField: Mutation = (seed, random) => {
  const out = seed.bytes.slice();
  const field = pick(random, seed.elements);
  if (field) setLength(out, field, hostileLength(field, out.length, random));
  return out;
};

const itemOrFragment: Mutation = (seed, random) => {
  const out = seed.bytes.slice();
  const field = pick(random, seed.items);
  if (!field) return lengthField(seed, random);
  const choice = int(random, 3);
  if (choice === 0) setLength(out, field, hostileLength(field, out.length, random));
  // The item tag turned into a delimiter (or garbage), so the walk ends early or loses its place.
  else if (choice === 1) out.set(pick(random, [[0xfe, 0xff, 0xdd, 0xe0], [0xfe, 0xff, 0x0d, 0xe0], [0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff]]) ?? [], field.tagAt);
  // Garbage in the first bytes of the fragment: a codec header or offset table entry.
  else for (let i = 0; i < 8 && field.valueAt + i < out.length; i++) out[field.valueAt + i] = int(random, 256);
  return out;
};

const vrSwap: Mutation = (seed, random) => {
  const out = seed.bytes.slice();
  const field = pick(random, seed.elements.filter((f) => f.vrAt !== undefined));
  const vr = pick(random, ['OB', 'OW', 'SQ', 'UN', 'UT', 'US', 'UL', 'AT', 'DS', 'FD', 'SQ', 'zz', '\0\0']) ?? 'UN';
  if (field?.vrAt !== undefined) out.set([vr.charCodeAt(0), vr.charCodeAt(1)], field.vrAt);
  return out;
};

const imageValue: Mutation = (seed, random) => {
  const out = seed.bytes.slice();
  const field = pick(random, [...seed.image.values()]);
  if (!field || field.valueAt + field.length > out.length) return lengthField(seed, random);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (field.length === 2) view.setUint16(field.valueAt, pick(random, [0, 1, 3, 7, 13, 33, 64, 0x7fff, 0xffff]) ?? 0, !field.bigEndian);
  else {
    // Number of Frames is text (IS) and Photometric Interpretation is CS: huge, negative, or junk.
    const text = pick(random, ['999999999999', '-1', '0', '2147483648', 'NaN', '1e9', 'RGB', 'PALETTE COLOR', 'YBR_FULL_422']) ?? '0';
    for (let i = 0; i < field.length; i++) out[field.valueAt + i] = i < text.length ? text.charCodeAt(i) : 0x20;
  }
  return out;
};

const truncate: Mutation = (seed, random) => {
  const field = pick(random, [...seed.elements, ...seed.items]);
  const at = field ? field.tagAt + int(random, 12) : int(random, seed.bytes.length);
  return seed.bytes.slice(0, Math.max(0, Math.min(seed.bytes.length, at)));
};

const flipBytes: Mutation = (seed, random) => {
  const out = seed.bytes.slice();
  for (let i = 0; i < 1 + int(random, 16); i++) out[int(random, out.length)] = int(random, 256);
  return out;
};

/** An element copied over another, or cut out: elements out of order, duplicated, missing. */
const spliceElement: Mutation = (seed, random) => {
  const a = pick(random, seed.elements);
  const b = pick(random, seed.elements);
  if (!a || !b) return flipBytes(seed, random);
  const end = Math.min(seed.bytes.length, a.valueAt + Math.min(a.length, 4096));
  const piece = seed.bytes.slice(a.tagAt, end);
  const cut = random() < 0.5 ? b.tagAt : Math.min(seed.bytes.length, b.valueAt + Math.min(b.length, 4096));
  const rest = random() < 0.5 ? seed.bytes.subarray(cut) : seed.bytes.subarray(Math.min(seed.bytes.length, b.valueAt + b.length));
  const out = new Uint8Array(cut + piece.length + rest.length);
  out.set(seed.bytes.subarray(0, cut));
  out.set(piece, cut);
  out.set(rest, cut + piece.length);
  return out;
};

/** Each with its name, so the report can say what was tried. */
export const MUTATIONS: readonly (readonly [string, Mutation])[] = [
  ['length', lengthField], ['item/fragment', itemOrFragment], ['VR', vrSwap], ['image size', imageValue],
  ['truncation', truncate], ['bytes', flipBytes], ['splice', spliceElement],
];
