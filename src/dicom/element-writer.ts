/**
 * A small DICOM element writer: Explicit VR Little Endian data elements, sequences with
 * explicit lengths, and the Part 10 file around them (preamble, "DICM", File Meta group).
 * Only what Hilum writes; no DOM, so it runs in Node, a worker and the page alike.
 */

export type StringVR = 'AE' | 'AS' | 'CS' | 'DA' | 'DS' | 'DT' | 'IS' | 'LO' | 'LT' | 'PN' | 'SH' | 'ST' | 'TM' | 'UI' | 'UT';
export type VR = StringVR | 'AT' | 'OB' | 'SQ' | 'UL' | 'US';

export interface DataElement {
  tag: number;
  vr: VR;
  /** The encoded value (already even in length), or the items of a sequence. */
  bytes?: Uint8Array;
  items?: DataElement[][];
}

/** VRs with a 2-byte reserved field and a 4-byte length in Explicit VR (PS3.5 7.1.2). */
const LONG_VRS: ReadonlySet<VR> = new Set<VR>(['OB', 'SQ', 'UT']);
const MAX_SHORT_LENGTH = 0xffff;

/**
 * Text as one byte per character code. Values read by dicom-parser come back that way, so a
 * patient name in any single-byte or ISO 2022 character set is written with its own bytes
 * (the Specific Character Set is copied with it). Our own text is ASCII.
 */
function textBytes(text: string, pad: number): Uint8Array {
  const length = text.length + (text.length % 2);
  const out = new Uint8Array(length).fill(pad);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new Error(`character U+${code.toString(16)} cannot be written in this DICOM text value`);
    out[i] = code;
  }
  return out;
}

/** A string value; UI pads with NUL, every other text VR with a space, to an even length. */
export function text(tag: number, vr: StringVR, value: string): DataElement {
  return { tag, vr, bytes: textBytes(value, vr === 'UI' ? 0 : 0x20) };
}

/** Several values joined by backslash, as VM > 1 is written. */
export function texts(tag: number, vr: StringVR, values: readonly string[]): DataElement {
  return text(tag, vr, values.join('\\'));
}

/** Decimal String: at most 16 characters per value (PS3.5 6.2). */
export function formatDS(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} is not a Decimal String`);
  const plain = String(value);
  if (plain.length <= 16) return plain;
  for (let digits = 15; digits > 0; digits--) {
    const shorter = String(Number(value.toPrecision(digits)));
    if (shorter.length <= 16) return shorter;
  }
  throw new Error(`${value} does not fit a Decimal String`);
}

export function decimals(tag: number, values: readonly number[]): DataElement {
  return texts(tag, 'DS', values.map(formatDS));
}

export function us(tag: number, ...values: number[]): DataElement {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, v, true));
  return { tag, vr: 'US', bytes };
}

export function ul(tag: number, ...values: number[]): DataElement {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v, true));
  return { tag, vr: 'UL', bytes };
}

/** Attribute Tag values: group then element, each a little-endian uint16. */
export function at(tag: number, ...tags: number[]): DataElement {
  const bytes = new Uint8Array(tags.length * 4);
  const view = new DataView(bytes.buffer);
  tags.forEach((t, i) => {
    view.setUint16(i * 4, t >>> 16, true);
    view.setUint16(i * 4 + 2, t & 0xffff, true);
  });
  return { tag, vr: 'AT', bytes };
}

export function ob(tag: number, value: Uint8Array): DataElement {
  const bytes = value.length % 2 ? new Uint8Array(value.length + 1) : value;
  if (bytes !== value) bytes.set(value);
  return { tag, vr: 'OB', bytes };
}

export function sq(tag: number, items: DataElement[][]): DataElement {
  return { tag, vr: 'SQ', items };
}

/** Byte arrays joined end to end. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function header(tag: number, vr: VR, length: number): Uint8Array {
  const long = LONG_VRS.has(vr);
  const out = new Uint8Array(long ? 12 : 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, length, true);
  else if (length > MAX_SHORT_LENGTH) throw new Error(`value of (${hex(tag)}) is too long for VR ${vr}`);
  else view.setUint16(6, length, true);
  return out;
}

/** An item (FFFE,E000) with an explicit length. */
function item(content: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + content.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfffe, true);
  view.setUint16(2, 0xe000, true);
  view.setUint32(4, content.length, true);
  out.set(content, 8);
  return out;
}

const hex = (tag: number): string => `${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')}`;

/** A data set in ascending tag order (PS3.5 7.1); a repeated tag is a programming error. */
export function encodeDataSet(elements: readonly DataElement[]): Uint8Array {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  sorted.forEach((e, i) => {
    if (i > 0 && sorted[i - 1]?.tag === e.tag) throw new Error(`(${hex(e.tag)}) is written twice`);
  });
  return concat(sorted.map(encodeElement));
}

function encodeElement(element: DataElement): Uint8Array {
  const value = element.items ? concat(element.items.map((i) => item(encodeDataSet(i)))) : (element.bytes ?? new Uint8Array(0));
  if (value.length % 2) throw new Error(`(${hex(element.tag)}) has an odd length`);
  return concat([header(element.tag, element.vr, value.length), value]);
}

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

export interface FileMeta {
  sopClassUID: string;
  sopInstanceUID: string;
  implementationClassUID: string;
  implementationVersionName: string;
}

/** Preamble, "DICM", then the File Meta group (always Explicit VR LE) with its group length. */
export function encodePart10(meta: FileMeta, dataSet: readonly DataElement[]): Uint8Array {
  const group = encodeDataSet([
    ob(0x00020001, new Uint8Array([0, 1])),
    text(0x00020002, 'UI', meta.sopClassUID),
    text(0x00020003, 'UI', meta.sopInstanceUID),
    text(0x00020010, 'UI', EXPLICIT_VR_LITTLE_ENDIAN),
    text(0x00020012, 'UI', meta.implementationClassUID),
    text(0x00020013, 'SH', meta.implementationVersionName),
  ]);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, encodeElement(ul(0x00020000, group.length)), group, encodeDataSet(dataSet)]);
}
