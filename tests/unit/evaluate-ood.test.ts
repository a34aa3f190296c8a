/**
 * `evaluate --task ood` on a folder without a labels.csv, as a user points it at their own
 * images: every PNG, JPEG and DICOM file is judged, a colour image is rejected by colour
 * whatever the gate says (as in the app), a damaged file is counted, not fatal, and the report
 * names the files judged against the majority.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateOod } from '../../src/cli/evaluate-ood.ts';
import { decodeJpegFrame } from '../../src/cli/jpeg.ts';
import { useNodeCodecs } from '../../src/cli/node-codecs.ts';
import { encapsulatedFrame } from '../../src/dicom/frame-bytes.ts';
import { openDicom } from '../../src/dicom/open.ts';
import { dataPath, sampleChestPng, skipWithoutData } from '../helpers/data.ts';
import { photographed } from '../helpers/photo.ts';

/** The first frame of a JPEG Baseline DICOM file is a complete JPEG stream: a real JPEG file to read. */
async function jpegOfDicom(relative: string): Promise<{ jpeg: Uint8Array; pixels: Float32Array; samples: number }> {
  const image = await openDicom(new Uint8Array(readFileSync(dataPath('dicom', relative))));
  const frame = await image.decodeFrame(0);
  return { jpeg: encapsulatedFrame(image.dataSet, image.info, 0), pixels: frame.pixels, samples: frame.samples };
}

describe.skipIf(skipWithoutData)('JPEG files in the Node tools', () => {
  beforeAll(() => useNodeCodecs());

  it.each([
    ['multiframe/US_8frame_ybr_jpeg_baseline.dcm', 3],
    ['multiframe/XA_96frame_jpeg_baseline.dcm', 1],
  ])('decode %s\'s JPEG stream to the pixels the DICOM reader gives (%i samples)', async (file, samples) => {
    const { jpeg, pixels, samples: dicomSamples } = await jpegOfDicom(file);
    const frame = await decodeJpegFrame(jpeg);
    expect(dicomSamples).toBe(samples);
    expect(frame.samples).toBe(samples);
    expect(frame.pixels).toEqual(pixels);
  });
});

describe.skipIf(skipWithoutData)('evaluate --task ood on a folder of mixed files', () => {
  let folder = '';
  beforeAll(async () => {
    useNodeCodecs();
    folder = mkdtempSync(join(tmpdir(), 'hilum-ood-'));
    const chest = sampleChestPng('NORMAL');
    writeFileSync(join(folder, 'chest-normal.png'), readFileSync(chest));
    writeFileSync(join(folder, 'chest-pneumonia.png'), readFileSync(sampleChestPng('PNEUMONIA')));
    writeFileSync(join(folder, 'chest-photo.png'), photographed(chest));
    for (const slice of ['TCGA_CS_4941_19960909_012', 'TCGA_CS_4941_19960909_015']) {
      writeFileSync(join(folder, `${slice}.png`), readFileSync(dataPath('brain-mri-lgg-flair-128', 'images', `${slice}.png`)));
    }
    writeFileSync(join(folder, 'ultrasound.jpg'), (await jpegOfDicom('multiframe/US_8frame_ybr_jpeg_baseline.dcm')).jpeg);
    writeFileSync(join(folder, 'angiogram.jpg'), (await jpegOfDicom('multiframe/XA_96frame_jpeg_baseline.dcm')).jpeg);
    writeFileSync(join(folder, 'broken.png'), readFileSync(chest).subarray(0, 200));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('accepts the two films, rejects the rest, counts colour and the damaged file', async () => {
    const report = await evaluateOod(folder, 'test', 'pneumonia-cxr');
    expect(report.split).toBe('all');
    expect(report.n).toBe(7);
    expect(report.unreadable).toBe(1);
    expect(report.colour).toBe(2);
    expect(report.acceptance.value).toBeCloseTo(2 / 7, 10);
    expect(report.minority).toEqual({ verdict: 'accepted', files: ['chest-normal.png', 'chest-pneumonia.png'] });
  }, 120_000);
});
