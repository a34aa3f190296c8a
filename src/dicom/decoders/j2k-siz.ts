/**
 * A JPEG 2000 codestream whose SIZ segment was overwritten by a DICOM item tag.
 *
 * A tool that writes or patches encapsulated pixel data carelessly can leave such a tag inside
 * a fragment (pydicom's test set holds one: its JPEG2000.dcm with the Sequence Delimitation
 * Item (FFFE,E0DD) over codestream bytes 6-9). Inside SIZ the tag declares an impossible image
 * (FE FF DD E0 over Rsiz and the top of Xsiz reads as 3.7 billion columns) and OpenJPEG gives
 * up on the whole frame. The fields at the start of SIZ (Lsiz, Rsiz, Xsiz, Ysiz) follow from
 * the DICOM header, so a tag lying wholly within them is undone from Rows, Columns and Samples
 * per Pixel; anywhere else in SIZ (offsets, tiles, component precision) it cannot be, and the
 * frame is refused with a message saying so.
 */
import { DicomError } from '../errors.ts';
import type { ImageInfo } from '../image-info.ts';

/** Item (FFFE,E000), Item Delimitation (FFFE,E00D) and Sequence Delimitation (FFFE,E0DD), as stored (little endian). */
const ITEM_TAGS: readonly (readonly number[])[] = [[0xfe, 0xff, 0x00, 0xe0], [0xfe, 0xff, 0x0d, 0xe0], [0xfe, 0xff, 0xdd, 0xe0]];
const TAG_NAMES = ['(FFFE,E000)', '(FFFE,E00D)', '(FFFE,E0DD)'];

/** Byte offsets within the codestream (SOC at 0, the SIZ marker at 2). */
const LSIZ = 4;
const RSIZ = 6;
const XSIZ = 8;
const YSIZ = 12;
const XOSIZ = 16;
const YOSIZ = 20;
/** Lsiz, Rsiz, Xsiz and Ysiz end here: the part of SIZ the DICOM header can restore. */
const RESTORABLE_END = 16;

const isSizStart = (b: Uint8Array): boolean => b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51;

function readU32(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}

function writeU32(b: Uint8Array, at: number, value: number): void {
  b.set([(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff], at);
}

/** Where item tags start within the fixed part of SIZ, with which tag each is. */
function tagsIn(b: Uint8Array, end: number): { at: number; name: string }[] {
  const found: { at: number; name: string }[] = [];
  for (let at = LSIZ; at + 4 <= end; at++) {
    const kind = ITEM_TAGS.findIndex((tag) => tag.every((byte, i) => b[at + i] === byte));
    if (kind >= 0) found.push({ at, name: TAG_NAMES[kind] ?? '' });
  }
  return found;
}

/**
 * What Lsiz, Xsiz and Ysiz must hold for this header. Rsiz (capabilities) has no DICOM
 * counterpart: 0, "Part 1 with no restrictions", is what a JPEG 2000 transfer syntax carries.
 */
function expectedFields(b: Uint8Array, info: ImageInfo): Uint8Array {
  const out = b.slice(0, RESTORABLE_END);
  const lsiz = 38 + 3 * info.samplesPerPixel;
  out.set([lsiz >> 8, lsiz & 0xff, 0, 0], LSIZ);
  writeU32(out, XSIZ, readU32(b, XOSIZ) + info.columns);
  writeU32(out, YSIZ, readU32(b, YOSIZ) + info.rows);
  return out;
}

/**
 * The codestream to decode: unchanged unless an item tag sits in its SIZ segment. Then a copy
 * with the overwritten bytes restored from the header, provided every other byte of those
 * fields already agrees with the header: else this is not one stray tag in this image's
 * stream, and guessing would only hide that.
 */
export function repairSizItemTag(codestream: Uint8Array, info: ImageInfo): Uint8Array {
  const sizEnd = 4 + 38 + 3 * info.samplesPerPixel;
  if (codestream.length < sizEnd || !isSizStart(codestream)) return codestream;
  const tags = tagsIn(codestream, sizEnd);
  if (tags.length === 0) return codestream;
  const beyond = tags.find((t) => t.at + 4 > RESTORABLE_END);
  if (beyond) {
    throw new DicomError('invalid', `a DICOM item tag ${beyond.name} overwrites byte ${beyond.at} of the JPEG 2000 SIZ segment, where it holds image offsets, tiles or component precision the header cannot restore`);
  }
  const expected = expectedFields(codestream, info);
  const overwritten = (i: number): boolean => tags.some((t) => i >= t.at && i < t.at + 4);
  for (let i = LSIZ; i < RESTORABLE_END; i++) {
    // Rsiz outside a tag is left as written: nothing in the header says what it should be.
    if (overwritten(i) || (i >= RSIZ && i < XSIZ)) continue;
    if (codestream[i] !== expected[i]) {
      const first = tags[0];
      throw new DicomError('invalid', `a DICOM item tag ${first?.name ?? ''} overwrites byte ${first?.at ?? 0} of the JPEG 2000 SIZ segment, and the rest of it does not describe the header's ${info.columns}x${info.rows} image either`);
    }
  }
  const repaired = codestream.slice();
  for (let i = LSIZ; i < RESTORABLE_END; i++) if (overwritten(i)) repaired[i] = expected[i] ?? 0;
  return repaired;
}
