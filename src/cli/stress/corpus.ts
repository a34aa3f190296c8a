/**
 * The files the stress run drops into the app, written to a temporary folder outside the repo:
 * copies of the shared DICOM files with new Study/Series/SOP Instance UIDs (each round of copies
 * is a new set of studies, as a second CD of other patients would be), one 500-frame file made
 * by repeating a real frame, and a file whose Patient's Name is HTML.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { editValues } from '../../dicom/edit-values.ts';
import { text, type StringVR } from '../../dicom/element-writer.ts';
import { newUID } from '../../dicom/new-uid.ts';
import { parseDicom } from '../../dicom/parse.ts';
import { readImageInfo } from '../../dicom/image-info.ts';
import { DEFLATED_LE } from '../../dicom/transfer-syntax.ts';

/** A text value as the element writer encodes it: padded to an even length for its VR. */
function encoded(value: string, vr: StringVR): Uint8Array {
  return text(0, vr, value).bytes ?? new Uint8Array(0);
}

/** Study, Series and SOP Instance UIDs, and the File Meta's copy of the last. */
const UID_TAGS = ['x0020000d', 'x0020000e', 'x00080018', 'x00020003'];

export interface Source {
  name: string;
  bytes: Uint8Array;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every DICOM file under `folder` whose UIDs can be edited in place (not deflated). */
export async function readSources(folder: string): Promise<Source[]> {
  const sources: Source[] = [];
  for (const path of filesUnder(folder).filter((p) => p.endsWith('.dcm')).sort()) {
    const bytes = new Uint8Array(readFileSync(path));
    const parsed = await parseDicom(bytes).catch(() => undefined);
    if (!parsed || parsed.transferSyntaxUID === DEFLATED_LE) continue;
    sources.push({ name: relative(folder, path), bytes });
  }
  return sources;
}

/** The same file with each listed UID replaced through `mapping` (one old UID, one new). */
export async function withNewUIDs(bytes: Uint8Array, mapping: Map<string, string>): Promise<Uint8Array> {
  const { dataSet } = await parseDicom(bytes);
  const edits = UID_TAGS.flatMap((tag) => {
    const old = dataSet.string(tag);
    if (!old || !dataSet.elements[tag]) return [];
    const uid = mapping.get(old) ?? newUID();
    mapping.set(old, uid);
    return [{ tag, value: encoded(uid, 'UI') }];
  });
  return editValues(bytes, edits);
}

/** `count` files cycled from `sources`; one UID mapping per round, so series stay whole. */
export async function writeCopies(folder: string, sources: readonly Source[], count: number): Promise<number> {
  let mapping = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length];
    if (!source) break;
    if (i % sources.length === 0) mapping = new Map();
    const round = Math.floor(i / sources.length);
    const dir = join(folder, `cd${String(round).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `IM${String(i).padStart(5, '0')}`), await withNewUIDs(source.bytes, mapping));
  }
  return count;
}

/** A native multi-frame file with its first frame repeated `frames` times. */
export async function multiFrame(bytes: Uint8Array, frames: number): Promise<Uint8Array> {
  const { dataSet } = await parseDicom(bytes);
  const info = readImageInfo(dataSet);
  const pixels = dataSet.elements.x7fe00010;
  if (!pixels || pixels.encapsulatedPixelData) throw new Error('the source must have native pixel data');
  const frameBytes = (info.rows * info.columns * info.samplesPerPixel * info.bitsAllocated) / 8;
  const frame = bytes.subarray(pixels.dataOffset, pixels.dataOffset + frameBytes);
  const value = new Uint8Array(frameBytes * frames + ((frameBytes * frames) % 2));
  for (let f = 0; f < frames; f++) value.set(frame, f * frameBytes);
  const renamed = await withNewUIDs(bytes, new Map());
  return editValues(renamed, [{ tag: 'x00280008', value: encoded(String(frames), 'IS') }, { tag: 'x7fe00010', value }]);
}

/** A copy of `bytes` with a new Patient's Name (e.g. HTML), as a hostile writer could make it. */
export async function withPatientName(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  const renamed = await withNewUIDs(bytes, new Map());
  return editValues(renamed, [{ tag: 'x00100010', value: encoded(name, 'PN') }]);
}
