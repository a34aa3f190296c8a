/**
 * What a Segmentation needs from the image it outlines: its UIDs, geometry, and the patient
 * and study attributes a SEG must repeat. Read once from a parsed file as plain data, so it
 * can cross from the imaging worker to the page.
 */
import type { DataSet } from 'dicom-parser';
import type { StringVR } from './element-writer.ts';

export interface CopiedAttribute {
  tag: number;
  vr: StringVR;
  /** As dicom-parser read it: one character per byte, in the source's character set. */
  value: string;
}

export interface SegSourceImage {
  sopClassUID: string;
  sopInstanceUID: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  frameOfReferenceUID?: string;
  rows: number;
  columns: number;
  frames: number;
  /** Patient, study and character set attributes present in the source, copied into the SEG. */
  copied: CopiedAttribute[];
  /** Row and column spacing in mm, as the app measures with it. */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  orientation?: number[];
  /** Patient Orientation (0020,0020), e.g. "A\\F": stands in for Image Orientation on a film. */
  patientOrientation?: string;
  /** Image Position (Patient) of each frame, where the file states it. */
  positions?: (number[] | undefined)[];
}

/**
 * Patient module, General Study module and Specific Character Set: the SEG belongs to the
 * same patient and study, so these are copied as they are.
 */
export const COPIED_TAGS: readonly [number, StringVR][] = [
  [0x00080005, 'CS'], // Specific Character Set
  [0x00080020, 'DA'], // Study Date
  [0x00080030, 'TM'], // Study Time
  [0x00080050, 'SH'], // Accession Number
  [0x00080090, 'PN'], // Referring Physician's Name
  [0x00081030, 'LO'], // Study Description
  [0x00100010, 'PN'], // Patient's Name
  [0x00100020, 'LO'], // Patient ID
  [0x00100030, 'DA'], // Patient's Birth Date
  [0x00100040, 'CS'], // Patient's Sex
  [0x00101010, 'AS'], // Patient's Age
  [0x00200010, 'SH'], // Study ID
];

const key = (tag: number): string => `x${tag.toString(16).padStart(8, '0')}`;

function numbers(text: string | undefined, count: number): number[] | undefined {
  const values = text?.split('\\').map((v) => Number.parseFloat(v));
  return values && values.length === count && values.every(Number.isFinite) ? values : undefined;
}

function required(dataSet: DataSet, tag: number, name: string): string {
  const value = dataSet.string(key(tag))?.trim();
  if (!value) throw new Error(`the source image has no ${name}`);
  return value;
}

/** A functional group attribute: per frame first, then the shared group (enhanced files). */
function fromGroups(dataSet: DataSet, frame: number, sequence: number, tag: number, count: number): number[] | undefined {
  for (const [groups, index] of [[0x52009230, frame], [0x52009229, 0]] as const) {
    const group = dataSet.elements[key(groups)]?.items?.[index]?.dataSet;
    const macro = group?.elements[key(sequence)]?.items?.[0]?.dataSet;
    const value = numbers(macro?.string(key(tag)), count);
    if (value) return value;
  }
  return undefined;
}

const PIXEL_MEASURES = 0x00289110;
const PLANE_POSITION = 0x00209113;
const PLANE_ORIENTATION = 0x00209116;

export function readSegSource(dataSet: DataSet, measured: { frames: number; pixelSpacing?: [number, number] }): SegSourceImage {
  const source: SegSourceImage = {
    sopClassUID: required(dataSet, 0x00080016, 'SOP Class UID'),
    sopInstanceUID: required(dataSet, 0x00080018, 'SOP Instance UID'),
    studyInstanceUID: required(dataSet, 0x0020000d, 'Study Instance UID'),
    seriesInstanceUID: required(dataSet, 0x0020000e, 'Series Instance UID'),
    rows: dataSet.uint16('x00280010') ?? 0,
    columns: dataSet.uint16('x00280011') ?? 0,
    frames: measured.frames,
    copied: [],
  };
  for (const [tag, vr] of COPIED_TAGS) {
    // Trailing padding only: leading spaces are significant in some VRs.
    const value = dataSet.string(key(tag))?.replace(/[\s\0]+$/, '');
    if (value) source.copied.push({ tag, vr, value });
  }
  const frameOfReference = dataSet.string('x00200052')?.trim();
  if (frameOfReference) source.frameOfReferenceUID = frameOfReference;
  const spacing = measured.pixelSpacing ?? fromGroups(dataSet, 0, PIXEL_MEASURES, 0x00280030, 2);
  if (spacing) source.pixelSpacing = [spacing[0] ?? 1, spacing[1] ?? 1];
  const thickness = numbers(dataSet.string('x00180050'), 1) ?? fromGroups(dataSet, 0, PIXEL_MEASURES, 0x00180050, 1);
  if (thickness?.[0] && thickness[0] > 0) source.sliceThickness = thickness[0];
  const orientation = numbers(dataSet.string('x00200037'), 6) ?? fromGroups(dataSet, 0, PLANE_ORIENTATION, 0x00200037, 6);
  if (orientation) source.orientation = orientation;
  const patientOrientation = dataSet.string('x00200020')?.trim();
  if (patientOrientation) source.patientOrientation = patientOrientation;
  const single = numbers(dataSet.string('x00200032'), 3);
  const positions = Array.from({ length: measured.frames }, (_, f) => fromGroups(dataSet, f, PLANE_POSITION, 0x00200032, 3) ?? (measured.frames === 1 ? single : undefined));
  if (positions.some((p) => p)) source.positions = positions;
  return source;
}
