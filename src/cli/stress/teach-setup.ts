/**
 * What the storage and import checks of the stress run do in the app before they start, as a
 * user does it: label a folder of real chest films in the Teach view, fine-tune a head on them
 * and save it, build a deck from a real DICOM file, and count what this origin's IndexedDB
 * really holds (labels, saved models, decks and their cases), which is what a reload reads.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { readStores, type StoredBytes } from './idb-read.ts';

export const OFFLINE_READY = 'Hilum is ready to work offline.';

/**
 * A labelled folder of Shenzhen films (suffix _0 normal, _1 tb) as a user would pick it:
 * `count` per class, starting at `from`, copied under `root/<name>/`.
 */
export function shenzhenFolder(dataRoot: string, root: string, name: string, from: number, count: number): string {
  const source = join(dataRoot, 'cxr-lung-seg-shenzhen-256', 'images');
  const all = readdirSync(source).filter((f) => f.endsWith('.png')).sort();
  const folder = join(root, name);
  for (const [label, suffix] of [['normal', '_0.png'], ['tb', '_1.png']] as const) {
    mkdirSync(join(folder, label), { recursive: true });
    for (const f of all.filter((x) => x.endsWith(suffix)).slice(from, from + count)) copyFileSync(join(source, f), join(folder, label, f));
  }
  return folder;
}

/** Labelled images per class, as the class list shows them ("normal=6,tb=6"). */
export function classCounts(page: Page): Promise<string> {
  return page.locator('[data-testid=class]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-class') ?? ''}=${e.getAttribute('data-count') ?? ''}`).join(','));
}

/** The Teach view, a labelled folder imported, until the class list shows `expected`. */
export async function labelFolder(page: Page, folder: string, expected: string): Promise<void> {
  await page.getByTestId('mode-teach').click();
  await page.getByTestId('teach-folder-input').setInputFiles(folder);
  await page.waitForFunction((want) => [...document.querySelectorAll('[data-testid=class]')].map((e) => `${e.getAttribute('data-class') ?? ''}=${e.getAttribute('data-count') ?? ''}`).join(',') === want, expected, { timeout: 120_000, polling: 250 });
}

/** Train a head on the labelled images (pneumonia backbone); resolves when the draft is ready to save. */
export async function trainHead(page: Page): Promise<void> {
  await page.getByTestId('train-base').selectOption('pneumonia-cxr');
  await page.getByTestId('mode-head').check();
  await page.getByTestId('train-epochs').fill('15');
  await page.getByTestId('train-start').click();
  await page.getByTestId('train-outcome').waitFor({ timeout: 240_000 });
}

/** Open files in the viewer (Decks view keeps its viewer) and wait for the slice counter. */
export async function openInViewer(page: Page, files: string[], slices: string): Promise<void> {
  await page.getByTestId('files-input').setInputFiles(files);
  await page.waitForFunction((want) => document.querySelector('[data-testid=slice]')?.textContent === want, slices, { timeout: 60_000, polling: 250 });
}

/** A new deck titled `title` in the Decks view, with the image the viewer shows as its first case. */
export async function deckWithCase(page: Page, title: string, image: string): Promise<void> {
  await page.getByTestId('mode-decks').click();
  await page.getByTestId('deck-title-input').fill(title);
  await page.getByTestId('deck-create').click();
  await page.getByTestId('deck-editor').waitFor({ timeout: 30_000 });
  await openInViewer(page, [image], '1 / 1');
  await page.getByTestId('deck-add-case').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=deck-case]').length === 1, undefined, { timeout: 30_000 });
}

export interface Stored {
  /** Images with a label in the saved label set. */
  labels: number;
  /** Saved user models (metadata records), by name. */
  models: string[];
  /** Saved decks: title and case count, sorted. */
  decks: string[];
  /** Case files stored as Blobs, over all decks, and their bytes. */
  deckFiles: number;
  deckBytes: number;
}

/** What this origin's IndexedDB holds now (see idb-read.ts), which is what a reload reads. */
export async function storedNow(page: Page): Promise<Stored> {
  const [keyval = [], models = [], decks = []] = await readStores(page, [['keyval-store', 'keyval'], ['hilum-user-models', 'meta'], ['hilum-decks', 'decks']]);
  const labelRecord = keyval.find((r) => r.key === 'hilum.teach.labels')?.value as { labels?: Record<string, string> } | undefined;
  const deckRecords = decks.flatMap((r) => (r.key.startsWith('deck:') ? [(r.value as { deck: { title: string; cases: unknown[] } }).deck] : []));
  const caseFiles = decks.filter((r) => r.key.startsWith('file:'));
  return {
    labels: Object.keys(labelRecord?.labels ?? {}).length,
    models: models.map((m) => (m.value as { name: string }).name).sort(),
    decks: deckRecords.map((d) => `${d.title} (${d.cases.length} cases)`).sort(),
    deckFiles: caseFiles.length,
    deckBytes: caseFiles.reduce((sum, r) => sum + ((r.value as StoredBytes | undefined)?.bytes ?? 0), 0),
  };
}

export const sameStored = (a: Stored, b: Stored): boolean => JSON.stringify(a) === JSON.stringify(b);
export const describeStored = (s: Stored): string => `${s.labels} labels, ${s.models.length} model(s), ${s.decks.length} deck(s) with ${s.deckFiles} file(s) of ${(s.deckBytes / 1024 ** 2).toFixed(2)} MB`;
