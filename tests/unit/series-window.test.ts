import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDicom } from '../../src/dicom/parse.ts';
import { SeriesIndex, instanceRef } from '../../src/dicom/series.ts';
import { openDicom } from '../../src/dicom/open.ts';
import { WindowLut, autoWindow, renderRgba, windowValue } from '../../src/render/window.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';

const SERIES_DIR = join(DATA_ROOT, 'dicom', 'mr_series_ge_brain_20slice');

async function indexOf(files: string[]): Promise<SeriesIndex> {
  const index = new SeriesIndex();
  for (const file of files) {
    const { dataSet } = await parseDicom(new Uint8Array(readFileSync(join(SERIES_DIR, file))));
    index.add(dataSet, instanceRef(dataSet, file, 1));
  }
  return index;
}

describe.skipIf(skipWithoutData)('series', () => {
  const files = () => readdirSync(SERIES_DIR).filter((f) => f.endsWith('.dcm')).sort();

  it('orders a shuffled 20-slice MR series by position along the normal', async () => {
    const shuffled = [...files()].reverse();
    shuffled.push(...shuffled.splice(0, 7));
    const [series, ...others] = (await indexOf(shuffled)).list();
    expect(others).toHaveLength(0);
    expect(series?.instances.map((i) => i.key)).toHaveLength(20);
    const positions = series?.instances.map((i) => i.instanceNumber) ?? [];
    const ascending = [...positions].sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(positions.join() === ascending.join() || positions.join() === [...ascending].reverse().join()).toBe(true);
    expect(series?.missing).toBe(0);
    expect(series?.duplicates).toBe(0);
    expect(series?.spacing).toBeGreaterThan(0);
  });

  it('reports a missing and a duplicated slice', async () => {
    const all = files();
    const gapped = all.filter((_, i) => i !== 10);
    gapped.push(all[3] ?? '');
    const [series] = (await indexOf(gapped)).list();
    expect(series?.missing).toBe(1);
    expect(series?.duplicates).toBe(1);
  });
});

describe('window/level', () => {
  it('follows the DICOM linear VOI function', () => {
    const w = { center: 40, width: 400 };
    expect(windowValue(-161, w)).toBe(0);
    expect(windowValue(240, w)).toBe(255);
    expect(windowValue(40, w)).toBe(128);
  });

  it.skipIf(skipWithoutData)('shows a MONOCHROME1 chest film with bone bright after inversion', async () => {
    const image = await openDicom(new Uint8Array(readFileSync(join(DATA_ROOT, 'dicom/chest_radiograph/CR-MONO1-10-chest.dcm'))));
    const frame = await image.decodeFrame(0);
    expect(frame.invert).toBe(true);
    const window = autoWindow(frame);
    let min = Infinity;
    let max = -Infinity;
    for (const v of frame.pixels) { min = Math.min(min, v); max = Math.max(max, v); }
    const lut = new WindowLut(window, frame.invert, min, max);
    const rgba = renderRgba(frame, lut);
    // The lowest stored value is the brightest grey on a MONOCHROME1 image.
    const lowest = frame.pixels.indexOf(min);
    const highest = frame.pixels.indexOf(max);
    expect(rgba[lowest * 4]).toBe(255);
    expect(rgba[highest * 4]).toBe(0);
  });

  it('renders fractional modality values (Rescale Slope 2.0002) through the table, within one grey level', () => {
    const width = 64;
    const pixels = Float32Array.from({ length: width * width }, (_, i) => (i % 4096) * 2.0002442 - 4047);
    const frame = { width, height: width, samples: 1 as const, photometric: 'MONOCHROME2' as const, pixels, invert: false, bitsStored: 12, frameIndex: 0, frameCount: 1 };
    const window = { center: 40, width: 400 };
    const lut = new WindowLut(window, false, Math.floor(Math.min(...pixels)), Math.ceil(Math.max(...pixels)));
    const rgba = renderRgba(frame, lut);
    for (let i = 0; i < pixels.length; i++) expect(Math.abs((rgba[i * 4] ?? 0) - windowValue(pixels[i] ?? 0, window))).toBeLessThanOrEqual(1);
  });
});
