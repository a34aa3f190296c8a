/**
 * A teaching deck built in the app from real files and exported (a download), then imported
 * into a fresh browser context that has cached the app once and then lost the server and the
 * network. Shared by the deck tests and the presenter's tests, which go on from the import.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { WatchedContext } from '../../src/cli/chromium.ts';
import type { BuiltApp } from './app-server.ts';
import { dataPath } from './data.ts';

export const DECK_TITLE = 'Chest and brain, year 3';
export const CHEST_CASE = { diagnosis: 'Normal chest', choices: 'Normal, Pneumonia', notes: 'Start with the hila.' };
export const MR_FILES = ['bbmri-53323131.dcm', 'bbmri-53323275.dcm', 'bbmri-53323419.dcm', 'bbmri-53323563.dcm', 'bbmri-53323707.dcm', 'bbmri-53323851.dcm'];

export interface ExportedDeck {
  /** The downloaded zip on disk. */
  path: string;
  name: string;
  bytes: number;
  caseTitles: string[];
}

async function openFiles(page: Page, paths: string[], slices: string): Promise<void> {
  await page.getByTestId('files-input').setInputFiles(paths);
  await expect.poll(() => page.getByTestId('slice').textContent(), { timeout: 60_000 }).toBe(slices);
}

async function addShown(page: Page, cases: number): Promise<void> {
  await page.getByTestId('deck-add-case').click();
  await expect.poll(() => page.getByTestId('deck-case').count(), { timeout: 30_000 }).toBe(cases);
}

/** The pixels of the viewer's canvas vary (an image, not a blank). */
export function canvasGreys(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=viewer-canvas]');
    const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    const greys = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97) greys.add(data[i] ?? 0);
    return greys.size;
  });
}

/**
 * On a host without headers the first visit reloads once, when the service worker has cached
 * the app and can make the page isolated; wait for that before working on the page, or the
 * reload wipes what was done.
 */
export async function waitUntilCached(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => self.crossOriginIsolated && navigator.serviceWorker.controller !== null), { timeout: 60_000, interval: 500 }).toBe(true);
}

/**
 * In the Decks view: a new deck, the chest CR as case 1 (diagnosis, choices, notes filled in)
 * and the six-slice MR at its third slice as case 2, exported as one file.
 */
export async function buildAndExportDeck(page: Page): Promise<ExportedDeck> {
  await waitUntilCached(page);
  await page.getByTestId('mode-decks').click();
  await page.getByTestId('deck-title-input').fill(DECK_TITLE);
  await page.getByTestId('deck-create').click();
  await page.getByTestId('deck-editor').waitFor({ timeout: 30_000 });
  await openFiles(page, [dataPath('dicom/chest_radiograph/CR-MONO1-10-chest.dcm')], '1 / 1');
  await addShown(page, 1);
  // A new case opens its form: fill in what the room will be asked and told.
  const form = page.getByTestId('case-form');
  await form.getByTestId('case-diagnosis').fill(CHEST_CASE.diagnosis);
  await form.getByTestId('case-choices').fill(CHEST_CASE.choices);
  await form.getByTestId('case-notes').fill(CHEST_CASE.notes);
  await form.getByTestId('case-preset').selectOption('lung');
  await form.getByTestId('case-save').click();
  await expect.poll(() => page.getByTestId('deck-notice').textContent()).toBe('Case saved.');

  await page.getByRole('button', { name: 'Close all images' }).click();
  await openFiles(page, MR_FILES.map((f) => dataPath('dicom/mr_series_bbmri_6slice', f)), '1 / 6');
  await page.getByTestId('viewer-canvas').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => page.getByTestId('slice').textContent()).toBe('3 / 6');
  await addShown(page, 2);
  await page.getByTestId('case-form').getByTestId('case-diagnosis').fill('Normal brain MR');
  await page.getByTestId('case-form').getByTestId('case-save').click();
  await expect.poll(() => page.getByTestId('deck-notice').textContent()).toBe('Case saved.');

  const caseTitles = await page.getByTestId('deck-case').evaluateAll((items) => items.map((i) => i.getAttribute('data-title') ?? ''));
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('deck-editor').getByTestId('deck-export').click()]);
  const path = join(mkdtempSync(join(tmpdir(), 'hilum-deck-')), download.suggestedFilename());
  await download.saveAs(path);
  return { path, name: download.suggestedFilename(), bytes: statSync(path).size, caseTitles };
}

/** Save bytes (e.g. a tampered deck) where setInputFiles can pick them. */
export function writeTemp(name: string, bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'hilum-deck-')), name);
  writeFileSync(path, bytes);
  return path;
}

/**
 * A fresh context visits the app once online (the service worker caches it; on a host without
 * headers it reloads once, isolated), then the server stops and the network goes: the page is
 * reloaded from the cache and the deck file imported there. The server stays closed.
 */
export async function importDeckOffline(app: BuiltApp, zipPath: string): Promise<WatchedContext> {
  const w = await app.open();
  await waitUntilCached(w.page);
  await app.server.close();
  await w.context.setOffline(true);
  await w.page.reload();
  await w.page.getByTestId('mode-decks').click();
  await w.page.getByTestId('deck-import').setInputFiles(zipPath);
  await w.page.getByTestId('deck-imported').waitFor({ timeout: 60_000 });
  return w;
}
