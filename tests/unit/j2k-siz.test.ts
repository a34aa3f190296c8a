/**
 * A DICOM item tag written over a JPEG 2000 SIZ segment: restored from the header where the
 * header determines the overwritten fields, refused with a message where it does not.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { repairSizItemTag } from '../../src/dicom/decoders/j2k-siz.ts';
import { DicomError } from '../../src/dicom/errors.ts';
import type { ImageInfo } from '../../src/dicom/image-info.ts';
import { decodeWithCodec } from '../../src/dicom/codecs/wasm-codecs.ts';
import { useNodeCodecs } from '../../src/cli/node-codecs.ts';

useNodeCodecs();

const INFO: ImageInfo = {
  rows: 1024, columns: 256, frames: 1, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16, highBit: 15,
  pixelRepresentation: 1, planarConfiguration: 0, photometric: 'MONOCHROME2', rescaleSlope: 1, rescaleIntercept: 0,
};
const SEQUENCE_DELIMITER = [0xfe, 0xff, 0xdd, 0xe0];
const ITEM = [0xfe, 0xff, 0x00, 0xe0];

/** SOC, then SIZ for a 256 x 1024 single-tile, one-component, signed 16-bit image, then COD's marker. */
function sizFor(columns: number, rows: number): Uint8Array {
  const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  return new Uint8Array([
    0xff, 0x4f, 0xff, 0x51, 0x00, 0x29, 0x00, 0x00, ...u32(columns), ...u32(rows), ...u32(0), ...u32(0),
    ...u32(columns), ...u32(rows), ...u32(0), ...u32(0), 0x00, 0x01, 0x8f, 0x01, 0x01, 0xff, 0x52,
  ]);
}

function overwrite(bytes: Uint8Array, at: number, tag: number[]): Uint8Array {
  const out = bytes.slice();
  out.set(tag, at);
  return out;
}

describe('JPEG 2000 SIZ overwritten by a DICOM item tag', () => {
  it('leaves a clean codestream as it is, without copying it', () => {
    const clean = sizFor(256, 1024);
    expect(repairSizItemTag(clean, INFO)).toBe(clean);
  });

  it('restores Rsiz and the top of Xsiz under a Sequence Delimitation tag', () => {
    const clean = sizFor(256, 1024);
    const broken = overwrite(clean, 6, SEQUENCE_DELIMITER);
    expect(Array.from(repairSizItemTag(broken, INFO))).toEqual(Array.from(clean));
    // The caller's bytes (the file's own buffer) stay untouched.
    expect(Array.from(broken.subarray(6, 10))).toEqual(SEQUENCE_DELIMITER);
  });

  it('restores the bottom of Xsiz and the top of Ysiz under an Item tag', () => {
    const clean = sizFor(256, 1024);
    expect(Array.from(repairSizItemTag(overwrite(clean, 10, ITEM), INFO))).toEqual(Array.from(clean));
  });

  it('refuses a tag over the image offsets or tiles, which the header cannot restore', () => {
    const broken = overwrite(sizFor(256, 1024), 20, SEQUENCE_DELIMITER);
    expect(() => repairSizItemTag(broken, INFO)).toThrow(DicomError);
    expect(() => repairSizItemTag(broken, INFO)).toThrow(/\(FFFE,E0DD\) overwrites byte 20 .*cannot restore/);
  });

  it('refuses a stream whose surviving size is another image, instead of forcing the header on it', () => {
    const broken = overwrite(sizFor(256, 512), 6, SEQUENCE_DELIMITER);
    expect(() => repairSizItemTag(broken, INFO)).toThrow(/does not describe the header's 256x1024 image/);
  });
});

const PYDICOM_J2K = '/usr/lib/python3/dist-packages/pydicom/data/test_files/JPEG2000.dcm';
const haveFile = existsSync(PYDICOM_J2K) || process.env.CI === 'true';

describe.skipIf(!haveFile)('a real codestream with an item tag over its SIZ', () => {
  it('decodes, once restored, to exactly the samples of the intact stream', async () => {
    const file = readFileSync(PYDICOM_J2K);
    const start = file.indexOf(Buffer.from([0xff, 0x4f, 0xff, 0x51]));
    const end = file.indexOf(Buffer.from([0xff, 0xd9]), start) + 2;
    const intact = new Uint8Array(file.subarray(start, end));
    const broken = overwrite(intact, 10, ITEM);
    // OpenJPEG gives up on the stored stream (this build returns an empty image rather than throwing).
    const unrepaired = await decodeWithCodec('openjpeg', broken).catch(() => ({ width: 0, height: 0 }));
    expect({ width: unrepaired.width, height: unrepaired.height }).not.toEqual({ width: 256, height: 1024 });
    const restored = await decodeWithCodec('openjpeg', repairSizItemTag(broken, INFO));
    const reference = await decodeWithCodec('openjpeg', intact);
    expect({ width: restored.width, height: restored.height }).toEqual({ width: 256, height: 1024 });
    expect(Buffer.from(restored.bytes).equals(Buffer.from(reference.bytes))).toBe(true);
  });
});
