/**
 * A DICOM Segmentation (PS3.3 A.51) of one segment over one or more source frames: BINARY,
 * bit-packed, Explicit VR Little Endian, with every frame pointing back at the source image
 * it was outlined on, so OHIF, dcmqi and 3D Slicer lay it over the right series.
 */
import { at, decimals, encodePart10, ob, sq, text, texts, ul, us, type DataElement } from './element-writer.ts';
import { HILUM_IMPLEMENTATION_UID, newUID } from './new-uid.ts';
import type { Code, SegmentCodes } from './seg-codes.ts';
import { COPIED_TAGS, type SegSourceImage } from './seg-source.ts';

export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

export interface SegFrame {
  source: SegSourceImage;
  /** 0-based frame of the source the mask was made on. */
  frame: number;
  /** Rows x Columns values, row by row: non-zero inside the segment. */
  mask: Uint8Array;
}

export interface SegOptions {
  frames: readonly SegFrame[];
  segment: SegmentCodes;
  /** Segment Algorithm Name is the model id and version; SEMIAUTOMATIC once a person has edited the mask. */
  algorithm: { name: string; version: string; type?: 'AUTOMATIC' | 'SEMIAUTOMATIC' };
  seriesDescription: string;
  contentLabel: string;
  contentDescription?: string;
  /** Person Name, e.g. "Hilum^lungs-cxr". */
  creatorName: string;
  softwareVersions: string;
  seriesNumber?: number;
  now?: Date;
  uid?: () => string;
}

export interface WrittenSeg {
  bytes: Uint8Array;
  sopInstanceUID: string;
  seriesInstanceUID: string;
  frameOfReferenceUID: string;
  /** True when the source had no Frame of Reference and the SEG was given a new one. */
  newFrameOfReference: boolean;
}

/**
 * One bit per pixel, least significant bit first, frames back to back with no padding between
 * them (PS3.5 8.1.1 and 8.2): pixel n of the whole stack is bit n % 8 of byte n / 8.
 */
export function packBits(masks: readonly Uint8Array[]): Uint8Array {
  const total = masks.reduce((n, m) => n + m.length, 0);
  const out = new Uint8Array(Math.ceil(total / 8));
  let n = 0;
  for (const mask of masks) {
    for (let i = 0; i < mask.length; i++, n++) if (mask[i]) out[n >> 3] = (out[n >> 3] ?? 0) | (1 << (n & 7));
  }
  return out;
}

const codeItem = (code: Code): DataElement[] => [text(0x00080100, 'SH', code.value), text(0x00080102, 'SH', code.scheme), text(0x00080104, 'LO', code.meaning)];
const SOURCE_PURPOSE: Code = { value: '121322', scheme: 'DCM', meaning: 'Source image for image processing operation' };
const SEGMENTATION_DERIVATION: Code = { value: '113076', scheme: 'DCM', meaning: 'Segmentation' };

const lo = (value: string): string => value.slice(0, 64);
const pad2 = (n: number): string => String(n).padStart(2, '0');
const date = (d: Date): string => `${d.getFullYear()}${pad2(d.getMonth() + 1)}${pad2(d.getDate())}`;
const time = (d: Date): string => `${pad2(d.getHours())}${pad2(d.getMinutes())}${pad2(d.getSeconds())}`;
/** Code String: upper case, digits, space and underscore, 16 characters at most. */
const cs = (value: string): string => value.toUpperCase().replace(/[^A-Z0-9 _]/g, '_').slice(0, 16);

function segmentItem(options: SegOptions): DataElement[] {
  const { segment, algorithm } = options;
  const item = [
    sq(0x00620003, [codeItem(segment.category)]),
    us(0x00620004, 1),
    text(0x00620005, 'LO', lo(segment.label)),
    text(0x00620008, 'CS', algorithm.type ?? 'AUTOMATIC'),
    text(0x00620009, 'LO', lo(`${algorithm.name} ${algorithm.version}`)),
    sq(0x0062000f, [codeItem(segment.type)]),
  ];
  if (segment.colour) item.push(us(0x0062000d, ...segment.colour));
  return item;
}

/** One Referenced Series item per source series, listing its instances once each. */
function referencedSeries(frames: readonly SegFrame[]): DataElement {
  const bySeries = new Map<string, Map<string, string>>();
  for (const { source } of frames) {
    const instances = bySeries.get(source.seriesInstanceUID) ?? new Map<string, string>();
    instances.set(source.sopInstanceUID, source.sopClassUID);
    bySeries.set(source.seriesInstanceUID, instances);
  }
  return sq(0x00081115, [...bySeries].map(([series, instances]) => [
    sq(0x0008114a, [...instances].map(([instance, sopClass]) => [text(0x00081150, 'UI', sopClass), text(0x00081155, 'UI', instance)])),
    text(0x0020000e, 'UI', series),
  ]));
}

const sameNumbers = (a: readonly number[] | undefined, b: readonly number[] | undefined): boolean => !!a && !!b && a.length === b.length && a.every((v, i) => Math.abs(v - (b[i] ?? NaN)) < 1e-6);

interface Geometry {
  /** Shared when every frame has the same orientation; otherwise written per frame. */
  sharedOrientation?: number[];
  positions: (number[] | undefined)[];
}

function geometry(frames: readonly SegFrame[]): Geometry {
  const first = frames[0]?.source.orientation;
  const positions = frames.map((f) => f.source.positions?.[f.frame]);
  return frames.every((f) => sameNumbers(f.source.orientation, first)) && first ? { sharedOrientation: first, positions } : { positions };
}

function sharedGroups(frames: readonly SegFrame[], geo: Geometry): DataElement {
  const source = frames[0]?.source;
  const group: DataElement[] = [];
  if (source?.pixelSpacing) {
    const measures = [decimals(0x00280030, source.pixelSpacing)];
    if (source.sliceThickness) measures.push(decimals(0x00180050, [source.sliceThickness]));
    group.push(sq(0x00289110, [measures]));
  }
  if (geo.sharedOrientation) group.push(sq(0x00209116, [[decimals(0x00200037, geo.sharedOrientation)]]));
  return sq(0x52009229, [group]);
}

function perFrameGroup(frame: SegFrame, index: number, geo: Geometry): DataElement[] {
  const { source } = frame;
  const reference = [text(0x00081150, 'UI', source.sopClassUID), text(0x00081155, 'UI', source.sopInstanceUID), sq(0x0040a170, [codeItem(SOURCE_PURPOSE)])];
  // Referenced Frame Number only for a multi-frame source (1-based, PS3.3 C.7.6.1.1.5).
  if (source.frames > 1) reference.push(texts(0x00081160, 'IS', [String(frame.frame + 1)]));
  const position = geo.positions[index];
  const group = [
    sq(0x00089124, [[sq(0x00082112, [reference]), sq(0x00089215, [codeItem(SEGMENTATION_DERIVATION)])]]),
    sq(0x00209111, [[ul(0x00209157, ...(position ? [1, index + 1] : [1]))]]),
    sq(0x0062000a, [[us(0x0062000b, 1)]]),
  ];
  if (position) group.push(sq(0x00209113, [[decimals(0x00200032, position)]]));
  if (!geo.sharedOrientation && source.orientation) group.push(sq(0x00209116, [[decimals(0x00200037, source.orientation)]]));
  return group;
}

/** Frames indexed by segment, then by position along the stack when every frame has one. */
function dimensions(organization: string, byPosition: boolean): DataElement[] {
  const index = [
    [text(0x00209164, 'UI', organization), at(0x00209165, 0x0062000b), at(0x00209167, 0x0062000a), text(0x00209421, 'LO', 'ReferencedSegmentNumber')],
  ];
  if (byPosition) index.push([text(0x00209164, 'UI', organization), at(0x00209165, 0x00200032), at(0x00209167, 0x00209113), text(0x00209421, 'LO', 'ImagePositionPatient')]);
  const out = [sq(0x00209221, [[text(0x00209164, 'UI', organization)]]), sq(0x00209222, index)];
  if (byPosition) out.push(text(0x00209311, 'CS', '3D'));
  return out;
}

function check(frames: readonly SegFrame[]): SegSourceImage {
  const first = frames[0]?.source;
  if (!first) throw new Error('a segmentation needs at least one frame');
  for (const { source, frame, mask } of frames) {
    if (source.studyInstanceUID !== first.studyInstanceUID) throw new Error('every source image of a segmentation must be in one study');
    if (source.rows !== first.rows || source.columns !== first.columns) throw new Error('every source image of a segmentation must have the same size');
    if (mask.length !== source.rows * source.columns) throw new Error(`a ${mask.length}-pixel mask does not fit a ${source.columns}x${source.rows} image`);
    if (frame < 0 || frame >= source.frames) throw new Error(`frame ${frame + 1} is not in the source image`);
  }
  return first;
}

/** Patient and study attributes from the source; the Type 2 ones are written empty when absent. */
function copiedFrom(source: SegSourceImage): DataElement[] {
  return COPIED_TAGS.flatMap(([tag, vr]) => {
    const found = source.copied.find((c) => c.tag === tag);
    if (found) return [text(tag, vr, found.value)];
    return tag === 0x00080005 || tag === 0x00081030 || tag === 0x00101010 ? [] : [text(tag, vr, '')];
  });
}

/** Patient Orientation is Type 2C: written (empty if the source has none) when no frame has Image Orientation. */
function patientOrientation(frames: readonly SegFrame[]): DataElement[] {
  if (frames.some((f) => f.source.orientation)) return [];
  return [text(0x00200020, 'CS', frames[0]?.source.patientOrientation ?? '')];
}

export function writeSegmentation(options: SegOptions): WrittenSeg {
  const { frames } = options;
  const source = check(frames);
  const uid = options.uid ?? (() => newUID());
  const now = options.now ?? new Date();
  const sopInstanceUID = uid();
  const seriesInstanceUID = uid();
  const frameOfReferenceUID = source.frameOfReferenceUID ?? uid();
  const geo = geometry(frames);
  const byPosition = geo.positions.every((p) => p !== undefined);
  const dataSet: DataElement[] = [
    texts(0x00080008, 'CS', ['DERIVED', 'PRIMARY']),
    text(0x00080016, 'UI', SEGMENTATION_STORAGE), text(0x00080018, 'UI', sopInstanceUID),
    text(0x00080021, 'DA', date(now)), text(0x00080023, 'DA', date(now)), text(0x00080031, 'TM', time(now)), text(0x00080033, 'TM', time(now)),
    text(0x00080060, 'CS', 'SEG'), text(0x00080070, 'LO', 'Hilum'), text(0x00081090, 'LO', 'Hilum'),
    text(0x0008103e, 'LO', lo(options.seriesDescription)), referencedSeries(frames),
    ...copiedFrom(source),
    text(0x00181000, 'LO', 'none'), text(0x00181020, 'LO', lo(options.softwareVersions)),
    text(0x0020000d, 'UI', source.studyInstanceUID), text(0x0020000e, 'UI', seriesInstanceUID),
    texts(0x00200011, 'IS', [String(options.seriesNumber ?? 1)]), texts(0x00200013, 'IS', ['1']),
    text(0x00200052, 'UI', frameOfReferenceUID), text(0x00201040, 'LO', ''),
    ...dimensions(uid(), byPosition),
    ...patientOrientation(frames),
    us(0x00280002, 1), text(0x00280004, 'CS', 'MONOCHROME2'), texts(0x00280008, 'IS', [String(frames.length)]),
    us(0x00280010, source.rows), us(0x00280011, source.columns),
    us(0x00280100, 1), us(0x00280101, 1), us(0x00280102, 0), us(0x00280103, 0), text(0x00282110, 'CS', '00'),
    text(0x00620001, 'CS', 'BINARY'), sq(0x00620002, [segmentItem(options)]), text(0x00620013, 'CS', 'NO'),
    text(0x00700080, 'CS', cs(options.contentLabel)), text(0x00700081, 'LO', lo(options.contentDescription ?? '')), text(0x00700084, 'PN', options.creatorName),
    sharedGroups(frames, geo),
    sq(0x52009230, frames.map((f, i) => perFrameGroup(f, i, geo))),
    ob(0x7fe00010, packBits(frames.map((f) => f.mask))),
  ];
  const bytes = encodePart10({ sopClassUID: SEGMENTATION_STORAGE, sopInstanceUID, implementationClassUID: HILUM_IMPLEMENTATION_UID, implementationVersionName: 'HILUM' }, dataSet);
  return { bytes, sopInstanceUID, seriesInstanceUID, frameOfReferenceUID, newFrameOfReference: !source.frameOfReferenceUID };
}
