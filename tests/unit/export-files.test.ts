/**
 * The mask PNG and results CSV builders: the PNG decodes (with pngjs, not our code) to the
 * exact mask at its size; the CSV quotes as RFC 4180 says and measures as the Outline panel.
 */
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { maskPng } from '../../src/export/mask-png.ts';
import { CSV_HEADER, csvField, resultsCsv } from '../../src/export/results-csv.ts';
import { outlineRows } from '../../src/export/outline-rows.ts';

/** Two blocks, one per image half, as a lung-field mask on a film looks. */
function twoBlocks(width: number, height: number, left: number, right: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = 2; y < height - 2; y++) {
    for (let x = 1; x < 1 + left; x++) mask[y * width + x] = 1;
    for (let x = width - 1 - right; x < width - 1; x++) mask[y * width + x] = 1;
  }
  return mask;
}

describe('mask PNG', () => {
  it('decodes to 255 inside and 0 outside at the mask size, odd widths included', async () => {
    const [width, height] = [37, 23];
    const mask = Uint8Array.from({ length: width * height }, (_, i) => Number((i * 7919) % 5 === 0));
    const png = PNG.sync.read(Buffer.from(await maskPng(mask, width, height)));
    expect([png.width, png.height]).toEqual([width, height]);
    const grey = Uint8Array.from({ length: width * height }, (_, i) => png.data[i * 4] ?? -1);
    expect(Array.from(grey)).toEqual(Array.from(mask, (v) => v * 255));
  });

  it('refuses a mask that does not fit the size', async () => {
    await expect(maskPng(new Uint8Array(10), 3, 3)).rejects.toThrow(/does not fit/);
  });
});

describe('results CSV', () => {
  it('quotes only fields with a comma, quote or line break, and ends records with CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(undefined)).toBe('');
    const text = resultsCsv([{ file: 'scans/a, "b".dcm', frame: 1, modelId: 'm', modelVersion: '1.0.0', structure: 'Tumour', areaPx: 12 }]);
    expect(text).toBe(`${CSV_HEADER.join(',')}\r\n"scans/a, ""b"".dcm",1,m,1.0.0,Tumour,12,,,,\r\n`);
  });

  it('measures each lung and the whole mask as the panel does, in cm² only with Pixel Spacing', () => {
    const [width, height] = [40, 30];
    const mask = twoBlocks(width, height, 10, 6);
    const model = { id: 'lungs-cxr', version: '1.0.0', labels: ['background', 'lung'] };
    const [withSpacing] = outlineRows([{ key: 'film.dcm', frame: 0, width, height, mask, spacing: [0.5, 0.5] }], model);
    // 26 rows x (10 + 6) pixels; the patient's right lung is the image's left block.
    expect(withSpacing).toEqual({ file: 'film.dcm', frame: 1, modelId: 'lungs-cxr', modelVersion: '1.0.0', structure: 'Lung fields', areaPx: 416, areaCm2: 1.04, rightLungCm2: 0.65, leftLungCm2: 0.39 });
    const [noSpacing] = outlineRows([{ key: 'film.png', frame: 0, width, height, mask }], model);
    expect(noSpacing?.areaCm2).toBeUndefined();
    expect(noSpacing?.rightLungCm2).toBeUndefined();
    const [slice] = outlineRows([{ key: 'mr.dcm', frame: 3, width, height, mask, spacing: [1, 1] }], { id: 'brain-flair', version: '1.0.0', labels: ['background', 'tumour'] }, 12.5);
    expect(slice).toMatchObject({ frame: 4, structure: 'Tumour', areaPx: 416, areaCm2: 4.16, seriesVolumeMl: 12.5 });
    expect(slice?.rightLungCm2).toBeUndefined();
  });
});
