/**
 * A 1,000-file folder on a low-memory laptop: picked as a folder, every DICOM file is read,
 * the one text file among them gets its line, the imaging worker keeps within the memory
 * budget of a device that reports little memory, and a file it let go of still shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';

const FILES = 1000;
const SOURCE = join(DATA_ROOT, 'dicom/multiframe/MR_10frame_explicitLE.dcm');

/** Copies of one 10-frame MR file, each with its own SOP Instance UID (same length, new last digits). */
function writeCopies(folder: string): void {
  const bytes = readFileSync(SOURCE);
  const uid = '1.2.826.0.1.3680043.2.1143.6455556726214900995651753669640998622';
  const at = bytes.indexOf(uid, 0, 'latin1');
  if (at < 0) throw new Error('SOP Instance UID not found in the source file');
  for (let i = 0; i < FILES; i++) {
    const copy = Buffer.from(bytes);
    copy.write(String(i).padStart(4, '0'), at + uid.length - 4, 'latin1');
    mkdirSync(join(folder, `disk${Math.floor(i / 250)}`), { recursive: true });
    writeFileSync(join(folder, `disk${Math.floor(i / 250)}`, `IM${String(i).padStart(5, '0')}`), copy);
  }
  writeFileSync(join(folder, 'notes.txt'), 'not an image');
}

describe.skipIf(chromiumMissing || skipWithoutData)('a 1,000-file folder', () => {
  const app = useBuiltApp({ headers: 'isolated' });
  let folder = '';
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'hilum-1000-'));
    writeCopies(folder);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('loads every file within a small memory budget and still shows an evicted one', async () => {
    const w = await app.open();
    // A laptop whose browser reports 1 GB of memory (navigator.deviceMemory).
    await w.context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 1 }));
    await w.page.reload();
    await w.page.getByTestId('folder-input').setInputFiles(folder);
    const memory = w.page.getByTestId('memory');
    await expect.poll(() => w.page.getByTestId('series-list').textContent(), { timeout: 180_000 }).toMatch(/10000 images/);
    expect(await w.page.getByTestId('file-errors').textContent()).toMatch(/notes\.txt: not a DICOM file/);
    const text = ((await memory.textContent()) ?? '').replace(/\s+/g, ' ');
    const [, held, total, usedMb, budgetMb] = /In memory: ([\d,]+) of ([\d,]+) files, (\d+) of (\d+) MB/.exec(text) ?? [];
    expect(Number(total?.replace(/,/g, ''))).toBe(FILES);
    expect(Number(budgetMb)).toBe(64);
    expect(Number(usedMb)).toBeLessThanOrEqual(64);
    expect(Number(held?.replace(/,/g, ''))).toBeLessThan(FILES);
    // The first file was read first and let go first; showing it reads it again from disk.
    const slice = w.page.getByTestId('slice');
    await expect.poll(() => slice.textContent(), { timeout: 60_000 }).toBe('1 / 10000');
    const canvasSpread = await w.page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=viewer-canvas]');
      const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      return new Set(Array.from({ length: 500 }, (_, i) => data[Math.floor((i / 500) * data.length) & ~3] ?? 0)).size;
    });
    expect(canvasSpread).toBeGreaterThan(5);
    expect((await w.page.getByTestId('toast').allTextContents()).join('\n')).not.toMatch(/IM00000|not-open/);
    expect(w.external).toEqual([]);
    await w.context.close();
  }, 300_000);
});
