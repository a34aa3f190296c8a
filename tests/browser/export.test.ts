/**
 * Exporting an outline from the built app: the DICOM SEG download parses with dicom-parser and
 * references the source file's series and instance, its bit-packed frames hold the same pixels
 * as the PNG and the CSV's area; a whole MR series exports as one SEG with a frame per slice;
 * and a PNG source explains why it has no SEG.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { DATA_ROOT, sampleChestPng, skipWithoutData } from '../helpers/data.ts';

async function outline(page: Page, files: string[], model?: string): Promise<void> {
  await page.getByTestId('files-input').setInputFiles(files);
  await page.getByTestId('slice').waitFor({ timeout: 60_000 });
  if (model) await page.getByTestId('segment-model').selectOption(model);
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid=segment]')?.disabled, undefined, { timeout: 30_000 });
  await page.getByTestId('segment').click();
  await page.getByTestId('segment-result').waitFor({ timeout: 120_000 });
}

/** Click an export button and return the saved file's name and bytes. */
async function saved(page: Page, testid: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(testid).click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

const ones = (bytes: Uint8Array, from: number, bits: number): number => {
  let n = 0;
  for (let i = 0; i < bits; i++) n += ((bytes[from + (i >> 3)] ?? 0) >> (i & 7)) & 1;
  return n;
};
const item = (ds: dicomParser.DataSet | undefined, tag: string, index = 0): dicomParser.DataSet | undefined => ds?.elements[tag]?.items?.[index]?.dataSet;
const csvRows = (text: string): Record<string, string>[] => {
  const [header, ...lines] = text.trimEnd().split('\r\n').map((l) => l.split(','));
  return lines.map((l) => Object.fromEntries((header ?? []).map((h, i) => [h, l[i] ?? ''])));
};

describe.skipIf(chromiumMissing || skipWithoutData)('export', () => {
  const app = useBuiltApp({ headers: 'isolated' });

  it('exports a chest film outline as a SEG that references the film, a PNG and a CSV with the same area', async () => {
    const film = join(DATA_ROOT, 'dicom/chest_radiograph/CR-MONO1-10-chest.dcm');
    const source = dicomParser.parseDicom(readFileSync(film));
    const w = await app.open();
    await outline(w.page, [film]);
    const both = Number(/^([\d,]+) px$/.exec(((await w.page.getByTestId('area-total').textContent()) ?? '').trim())?.[1]?.replace(/,/g, ''));
    expect(both).toBeGreaterThan(0.08 * 440 * 440);

    const seg = await saved(w.page, 'export-seg');
    expect(seg.name).toMatch(/\.dcm$/);
    const back = dicomParser.parseDicom(seg.bytes);
    expect(back.string('x00080016')).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    expect(back.string('x0020000d')).toBe(source.string('x0020000d'));
    expect(item(back, 'x00081115')?.string('x0020000e')).toBe(source.string('x0020000e'));
    expect(item(item(back, 'x00081115'), 'x0008114a')?.string('x00081155')).toBe(source.string('x00080018'));
    expect(item(item(item(back, 'x52009230'), 'x00089124'), 'x00082112')?.string('x00081155')).toBe(source.string('x00080018'));
    expect([back.uint16('x00280010'), back.uint16('x00280011'), back.intString('x00280008')]).toEqual([440, 440, 1]);
    expect(item(back, 'x00620002')?.string('x00620005')).toBe('Lung fields');
    const pixelData = back.elements.x7fe00010;
    expect(ones(seg.bytes, pixelData?.dataOffset ?? 0, 440 * 440)).toBe(both);
    expect(await w.page.getByTestId('export-message').textContent()).toMatch(/new one/);

    const png = PNG.sync.read((await saved(w.page, 'export-png')).bytes);
    expect([png.width, png.height]).toEqual([440, 440]);
    let white = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 255) white++;
    expect(white).toBe(both);

    const rows = csvRows((await saved(w.page, 'export-csv')).bytes.toString('utf8'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ file: 'CR-MONO1-10-chest.dcm', frame: '1', model_id: 'lungs-cxr', structure: 'Lung fields', area_px: String(both), area_cm2: '' });
    expect(w.external).toEqual([]);
    await w.context.close();
  }, 240_000);

  it('exports every slice of an MR series as one SEG frame each, and the CSV with areas in cm² and the volume', async () => {
    const dir = join(DATA_ROOT, 'dicom/mr_series_ge_brain_20slice');
    const files = readdirSync(dir).sort().map((f) => join(dir, f));
    const instances = new Set(files.map((f) => dicomParser.parseDicom(readFileSync(f)).string('x00080018')));
    const seriesUID = dicomParser.parseDicom(readFileSync(files[1] ?? '')).string('x0020000e');
    const w = await app.open();
    await outline(w.page, files, 'brain-flair');
    await w.page.getByTestId('segment-series').click();
    await w.page.getByTestId('series-result').waitFor({ timeout: 180_000 });

    const back = dicomParser.parseDicom((await saved(w.page, 'export-seg')).bytes);
    expect(back.intString('x00280008')).toBe(20);
    expect(item(back, 'x00081115')?.string('x0020000e')).toBe(seriesUID);
    const perFrame = back.elements.x52009230?.items ?? [];
    const referenced = new Set(perFrame.map((i) => item(item(i.dataSet, 'x00089124'), 'x00082112')?.string('x00081155')));
    expect(referenced).toEqual(instances);
    expect(item(item(back, 'x52009229'), 'x00289110')?.string('x00280030')).toBe('0.859375\\0.859375');

    const rows = csvRows((await saved(w.page, 'export-csv')).bytes.toString('utf8'));
    expect(rows).toHaveLength(20);
    const volume = Number(/^([\d.]+) mL$/.exec((await w.page.getByTestId('series-volume').textContent()) ?? '')?.[1]);
    for (const row of rows) {
      expect(row.area_cm2).toMatch(/^\d+\.\d\d$/);
      // The panel rounds to 0.1 mL, the CSV to 0.01.
      expect(Math.abs(Number(row.series_volume_ml) - volume)).toBeLessThanOrEqual(0.051);
    }
    // 0.859375² mm² per pixel: the cm² column is the pixel column in other units.
    const total = rows.reduce((n, r) => n + Number(r.area_px), 0);
    expect(Math.abs(rows.reduce((n, r) => n + Number(r.area_cm2), 0) - (total * 0.859375 ** 2) / 100)).toBeLessThan(0.005 * 20 + 1e-9);
    expect(w.external).toEqual([]);
    await w.context.close();
  }, 300_000);

  it('explains why a PNG has no DICOM SEG, and still exports its mask', async () => {
    const w = await app.open();
    await outline(w.page, [sampleChestPng()]);
    expect(await w.page.getByTestId('export-seg').isDisabled()).toBe(true);
    expect(await w.page.getByTestId('export-seg-unavailable').textContent()).toMatch(/only for DICOM images/);
    const png = PNG.sync.read((await saved(w.page, 'export-png')).bytes);
    expect(png.width).toBeGreaterThan(0);
    expect(w.external).toEqual([]);
    await w.context.close();
  }, 180_000);
});
