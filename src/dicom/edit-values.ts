/**
 * Replace the values of top-level elements in a copy of a DICOM file's bytes, fixing each
 * element's length field and the File Meta group length, and leaving every other byte as it
 * was. Enough to give a copy new UIDs or more frames without re-encoding the whole data set
 * (which would lose whatever a writer did that we do not model). No DOM: runs in Node too.
 */
import { parseDicom } from './parse.ts';
import { DEFLATED_LE, EXPLICIT_BE } from './transfer-syntax.ts';

export interface ValueEdit {
  /** dicom-parser's key, e.g. 'x0020000d'. */
  tag: string;
  value: Uint8Array;
}

/** VRs whose explicit-VR header has a 2-byte reserved field and a 4-byte length (PS3.5 7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

interface Splice {
  start: number;
  end: number;
  value: Uint8Array;
  lengthAt: number;
  lengthSize: 2 | 4;
  bigEndian: boolean;
  inMeta: boolean;
}

function writeLength(bytes: Uint8Array, splice: Splice): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = splice.value.length;
  if (splice.lengthSize === 2) view.setUint16(splice.lengthAt, length, !splice.bigEndian);
  else view.setUint32(splice.lengthAt, length, !splice.bigEndian);
}

/** A new array with every edit applied; an edit naming an absent element is an error. */
export async function editValues(bytes: Uint8Array, edits: readonly ValueEdit[]): Promise<Uint8Array> {
  const { dataSet, transferSyntaxUID } = await parseDicom(bytes);
  if (transferSyntaxUID === DEFLATED_LE) throw new Error('a deflated data set cannot be edited in place');
  const splices = edits.map((edit): Splice => {
    const element = dataSet.elements[edit.tag];
    if (!element || element.hadUndefinedLength) throw new Error(`no element ${edit.tag} with a defined length to edit`);
    if (edit.value.length % 2 !== 0) throw new Error(`the new value of ${edit.tag} has an odd length`);
    const inMeta = edit.tag.startsWith('x0002');
    // Implicit VR (no vr read) and long VRs have a 4-byte length just before the value.
    const long = element.vr === undefined || LONG_VRS.has(element.vr);
    if (!long && edit.value.length > 0xffff) throw new Error(`the new value of ${edit.tag} is too long for VR ${element.vr ?? ''}`);
    return {
      start: element.dataOffset, end: element.dataOffset + element.length, value: edit.value,
      lengthAt: element.dataOffset - (long ? 4 : 2), lengthSize: long ? 4 : 2,
      bigEndian: transferSyntaxUID === EXPLICIT_BE && !inMeta, inMeta,
    };
  });
  let out = bytes.slice();
  let metaDelta = 0;
  // From the end backwards, so earlier offsets stay valid.
  for (const splice of [...splices].sort((a, b) => b.start - a.start)) {
    writeLength(out, splice);
    const next = new Uint8Array(out.length - (splice.end - splice.start) + splice.value.length);
    next.set(out.subarray(0, splice.start));
    next.set(splice.value, splice.start);
    next.set(out.subarray(splice.end), splice.start + splice.value.length);
    out = next;
    if (splice.inMeta) metaDelta += splice.value.length - (splice.end - splice.start);
  }
  const groupLength = dataSet.elements.x00020000;
  if (metaDelta !== 0 && groupLength) {
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    view.setUint32(groupLength.dataOffset, view.getUint32(groupLength.dataOffset, true) + metaDelta, true);
  }
  return out;
}
