/**
 * DICOM SEG written from real source files' tags and known masks, then read back with
 * dicom-parser (not with the writer's own code): the right SOP class, study, referenced series
 * and instances, geometry, and a bit-packed Pixel Data that unpacks to the exact masks. When
 * dicom3tools' dciodvfy is installed, the file must also pass its Segmentation IOD check.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import { readImageInfo } from '../../src/dicom/image-info.ts';
import { isValidUID, newUID } from '../../src/dicom/new-uid.ts';
import { segmentCodes, type SegmentCodes } from '../../src/dicom/seg-codes.ts';
import { readSegSource, type SegSourceImage } from '../../src/dicom/seg-source.ts';
import { SEGMENTATION_STORAGE, packBits, writeSegmentation, type SegFrame } from '../../src/dicom/seg-writer.ts';
import { formatDS } from '../../src/dicom/element-writer.ts';
import { dataPath, skipWithoutData } from '../helpers/data.ts';

function source(path: string): { source: SegSourceImage; dataSet: dicomParser.DataSet } {
  const dataSet = dicomParser.parseDicom(readFileSync(path));
  const info = readImageInfo(dataSet);
  return { source: readSegSource(dataSet, { frames: info.frames, ...(info.pixelSpacing ? { pixelSpacing: info.pixelSpacing } : {}) }), dataSet };
}

/** A disc of radius r at the centre, plus the first and last pixel: the bit edges of a frame. */
function disc(width: number, height: number, r: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((x - width / 2) ** 2 + (y - height / 2) ** 2 <= r * r) mask[y * width + x] = 1;
  mask[0] = 1;
  mask[mask.length - 1] = 1;
  return mask;
}

/** Pixel n of the stack is bit n % 8 (least significant first) of byte n / 8. */
function unpack(bytes: Uint8Array, pixels: number, frames: number): Uint8Array[] {
  return Array.from({ length: frames }, (_, f) => Uint8Array.from({ length: pixels }, (_, i) => ((bytes[(f * pixels + i) >> 3] ?? 0) >> ((f * pixels + i) & 7)) & 1));
}

const tumour = segmentCodes('tumour') as SegmentCodes;
const write = (frames: SegFrame[]) => writeSegmentation({ frames, segment: tumour, algorithm: { name: 'brain-flair', version: '1.0.0' }, seriesDescription: 'Tumour (Hilum)', contentLabel: 'tumour', creatorName: 'Hilum^brain-flair', softwareVersions: 'Hilum test' });
const item = (ds: dicomParser.DataSet | undefined, tag: string, index = 0): dicomParser.DataSet | undefined => ds?.elements[tag]?.items?.[index]?.dataSet;

/** Every element, nested ones too, has an even length (PS3.5 7.1.1). */
function oddLengths(ds: dicomParser.DataSet): string[] {
  return Object.values(ds.elements).flatMap((e) => [...(e.length % 2 && e.length !== 0xffffffff ? [e.tag] : []), ...(e.items ?? []).flatMap((i) => (i.dataSet ? oddLengths(i.dataSet) : []))]);
}

describe.skipIf(skipWithoutData)('DICOM SEG writer on real sources', () => {
  it('writes a 6-slice MR series SEG that references every slice and unpacks to the exact masks', () => {
    const dir = dataPath('dicom', 'mr_series_bbmri_6slice');
    const sources = readdirSync(dir).sort().map((f) => source(join(dir, f)));
    const frames = sources.map(({ source: s }, i) => ({ source: s, frame: 0, mask: disc(s.columns, s.rows, 10 + 12 * i) }));
    const seg = write(frames);
    const back = dicomParser.parseDicom(seg.bytes);
    const first = sources[0]?.dataSet;

    expect(back.string('x00020002')).toBe(SEGMENTATION_STORAGE);
    expect(back.string('x00020010')).toBe('1.2.840.10008.1.2.1');
    expect(back.string('x00020003')).toBe(seg.sopInstanceUID);
    // The File Meta group length covers exactly the group: the data set starts right after it.
    const lastMeta = back.elements.x00020013;
    expect((lastMeta?.dataOffset ?? 0) + (lastMeta?.length ?? 0)).toBe(144 + (back.uint32('x00020000') ?? 0));
    expect(back.string('x00080016')).toBe(SEGMENTATION_STORAGE);
    expect(back.string('x00080018')).toBe(seg.sopInstanceUID);
    expect(back.string('x00080060')).toBe('SEG');
    expect(back.string('x0020000d')).toBe(first?.string('x0020000d'));
    expect(back.string('x00200052')).toBe(first?.string('x00200052'));
    expect(back.string('x00100010')).toBe(first?.string('x00100010'));
    expect(back.string('x00100020')).toBe(first?.string('x00100020'));
    expect(back.string('x0020000e')).not.toBe(first?.string('x0020000e'));
    for (const uid of [seg.sopInstanceUID, seg.seriesInstanceUID]) expect(isValidUID(uid) && uid.startsWith('2.25.')).toBe(true);

    const referenced = item(back, 'x00081115');
    expect(back.elements.x00081115?.items).toHaveLength(1);
    expect(referenced?.string('x0020000e')).toBe(first?.string('x0020000e'));
    const instances = (referenced?.elements.x0008114a?.items ?? []).map((i) => i.dataSet?.string('x00081155'));
    expect(instances.sort()).toEqual(sources.map((s) => s.dataSet.string('x00080018')).sort());

    expect([back.uint16('x00280010'), back.uint16('x00280011'), back.intString('x00280008')]).toEqual([256, 256, 6]);
    expect([back.uint16('x00280100'), back.uint16('x00280101'), back.string('x00620001')]).toEqual([1, 1, 'BINARY']);
    const segment = item(back, 'x00620002');
    expect(segment?.string('x00620005')).toBe('Tumour');
    expect(segment?.string('x00620008')).toBe('AUTOMATIC');
    expect(segment?.string('x00620009')).toBe('brain-flair 1.0.0');
    expect(item(segment, 'x0062000f')?.string('x00080100')).toBe('108369006');
    expect(item(segment, 'x00620003')?.string('x00080100')).toBe('49755003');

    const shared = item(back, 'x52009229');
    expect(item(shared, 'x00289110')?.string('x00280030')).toBe('1\\1');
    frames.forEach((f, i) => {
      const group = item(back, 'x52009230', i);
      const sourceImage = item(item(group, 'x00089124'), 'x00082112');
      expect(sourceImage?.string('x00081155')).toBe(f.source.sopInstanceUID);
      expect(sourceImage?.string('x00081160')).toBeUndefined();
      expect(item(group, 'x0062000a')?.uint16('x0062000b')).toBe(1);
      const position = item(group, 'x00209113')?.string('x00200032')?.split('\\').map(Number);
      expect(position).toEqual(f.source.positions?.[0]);
      expect([0, 1].map((k) => item(group, 'x00209111')?.uint32('x00209157', k))).toEqual([1, i + 1]);
    });

    const pixelData = back.elements.x7fe00010;
    expect(pixelData?.length).toBe((6 * 256 * 256) / 8);
    const unpacked = unpack(seg.bytes.subarray(pixelData?.dataOffset ?? 0), 256 * 256, 6);
    unpacked.forEach((mask, i) => expect(Buffer.from(mask).equals(Buffer.from(frames[i]?.mask ?? []))).toBe(true));
    expect(oddLengths(back)).toEqual([]);
  });

  it('gives a chest film without Frame of Reference a new one, and no plane position', () => {
    const { source: film } = source(dataPath('dicom', 'chest_radiograph', 'CR-MONO1-10-chest.dcm'));
    expect(film.frameOfReferenceUID).toBeUndefined();
    const seg = write([{ source: film, frame: 0, mask: disc(film.columns, film.rows, 100) }]);
    const back = dicomParser.parseDicom(seg.bytes);
    expect(seg.newFrameOfReference).toBe(true);
    expect(back.string('x00200052')).toBe(seg.frameOfReferenceUID);
    expect(isValidUID(seg.frameOfReferenceUID)).toBe(true);
    const group = item(back, 'x52009230');
    expect(group?.elements.x00209113).toBeUndefined();
    expect(back.elements.x00200020).toBeDefined();
    expect(item(back, 'x00081115')?.string('x0020000e')).toBe(film.seriesInstanceUID);
  });

  it('points each SEG frame at its frame of a multi-frame source', () => {
    const { source: mr } = source(dataPath('dicom', 'multiframe', 'MR_10frame_explicitLE.dcm'));
    const seg = write([2, 5].map((frame) => ({ source: mr, frame, mask: disc(mr.columns, mr.rows, frame * 3) })));
    const back = dicomParser.parseDicom(seg.bytes);
    const numbers = [0, 1].map((i) => item(item(item(back, 'x52009230', i), 'x00089124'), 'x00082112')?.intString('x00081160'));
    expect(numbers).toEqual([3, 6]);
  });

  it.skipIf(!existsSync('/usr/bin/dciodvfy') && process.env.CI !== 'true')('passes dciodvfy, the dicom3tools IOD checker, when it is installed', () => {
    const dir = dataPath('dicom', 'mr_series_bbmri_6slice');
    const frames = readdirSync(dir).sort().map((f) => ({ source: source(join(dir, f)).source, frame: 0, mask: disc(256, 256, 30) }));
    const file = join(mkdtempSync(join(tmpdir(), 'hilum-seg-')), 'seg.dcm');
    writeFileSync(file, write(frames).bytes);
    const run = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
    const report = `${run.stdout}${run.stderr}`;
    expect(report).toMatch(/^Segmentation$/m);
    expect(report.split('\n').filter((line) => line.startsWith('Error'))).toEqual([]);
  });
});

describe('SEG building blocks', () => {
  it('packs frames back to back, least significant bit first, with no padding between frames', () => {
    // Three 3x5 frames: 15 bits each, so frames 2 and 3 start mid-byte.
    const masks = [0, 1, 2].map((f) => Uint8Array.from({ length: 15 }, (_, i) => Number((i + f) % 3 === 0)));
    const packed = packBits(masks);
    expect(packed.length).toBe(6);
    expect(unpack(packed, 15, 3)).toEqual(masks);
    expect(packed[0]).toBe(0b01001001);
  });

  it('makes distinct, valid 2.25 UIDs and Decimal Strings of at most 16 characters', () => {
    const uids = Array.from({ length: 1000 }, () => newUID());
    expect(new Set(uids).size).toBe(1000);
    for (const uid of uids) expect(isValidUID(uid) && uid.startsWith('2.25.') && uid.length <= 44).toBe(true);
    expect(isValidUID('1.2.03')).toBe(false);
    for (const v of [-31.039614398195, 0.1 + 0.2, 1e-12, 123456789.12345679]) {
      expect(formatDS(v).length).toBeLessThanOrEqual(16);
      expect(Number(formatDS(v))).toBeCloseTo(v, 6);
    }
  });
});
