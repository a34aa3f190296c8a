/**
 * Driving the Teach view of the built app as a user does, for the fine-tuning faults: a
 * labelled folder of real Shenzhen films imported by subfolder, a head-mode run, a saved model,
 * and what IndexedDB holds (labels, saved models with a hash of their weights) read straight
 * from the browser's storage, so "nothing lost" compares bytes, not what the page shows.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { readStores, type StoredBytes } from './idb-read.ts';
import { labelFolder as labelClasses, shenzhenFolder } from './teach-setup.ts';

/** Films per class: enough for the three-way split (train, early stopping, held out) and quick to prepare. */
const PER_CLASS = 12;

/** A folder with labelled/normal/ and labelled/tb/ of real Shenzhen films, copies in a temporary folder. */
export function teachFolder(dataRoot: string): { root: string; images: number } {
  const root = mkdtempSync(join(tmpdir(), 'hilum-stress-teach-'));
  shenzhenFolder(dataRoot, root, 'labelled', 0, PER_CLASS);
  return { root, images: 2 * PER_CLASS };
}

/** The Teach view with the folder imported, its classes counted, set to train a head on the pneumonia backbone. */
export async function labelFolder(page: Page, folder: string, images: number): Promise<void> {
  await labelClasses(page, join(folder, 'labelled'), `normal=${images / 2},tb=${images / 2}`);
  await page.getByTestId('train-base').selectOption('pneumonia-cxr');
  await page.getByTestId('mode-head').check();
}

/** Epochs and patience for the next run: a long run gives a fault time to land inside it. */
export async function setRun(page: Page, epochs: number, patience: number): Promise<void> {
  await page.getByTestId('train-epochs').fill(String(epochs));
  await page.getByLabel('Stop after').fill(String(patience));
}

/** Until the running training reports epoch `n` or later; the epoch it reported then. */
export async function epochReached(page: Page, n: number): Promise<number> {
  const handle = await page.waitForFunction((at) => {
    const epoch = Number(/^Epoch (\d+)/.exec(document.querySelector('[data-testid=train-progress]')?.textContent ?? '')?.[1] ?? 0);
    return epoch >= at ? epoch : 0;
  }, n, { timeout: 120_000, polling: 50 });
  return Number(await handle.jsonValue());
}

/** Press Train and wait until epochs are being reported. */
export async function startTraining(page: Page): Promise<void> {
  await page.getByTestId('train-start').click();
  await epochReached(page, 1);
}

export async function trainedEpochs(page: Page): Promise<number> {
  await page.getByTestId('train-outcome').waitFor({ timeout: 180_000 });
  const text = (await page.getByTestId('train-outcome').textContent()) ?? '';
  return Number(/(?:all|at epoch) (\d+)/.exec(text)?.[1] ?? 0);
}

/** Save the shown draft under `name` and wait for it in the list; its id. */
export async function saveModel(page: Page, name: string): Promise<string> {
  await page.getByTestId('save-name').fill(name);
  await page.getByTestId('save-model').click();
  const row = page.locator(`[data-testid=user-model][data-name="${name}"]`);
  await row.waitFor({ timeout: 60_000 });
  return (await row.getAttribute('data-id')) ?? '';
}

export interface Stored {
  /** The labels record as the Teach state saved it (classes and image -> class), as JSON. */
  labels: string;
  labelled: number;
  /** Saved models: id, name and the SHA-256 of their weights, sorted by id. */
  models: string[];
}

/** Straight from IndexedDB: idb-keyval's store for the labels, the worker's stores for the models. */
export async function stored(page: Page): Promise<Stored> {
  const [keyval = [], metas = [], files = []] = await readStores(page, [['keyval-store', 'keyval'], ['hilum-user-models', 'meta'], ['hilum-user-models', 'files']]);
  const labels = keyval.find((r) => r.key === 'hilum.teach.labels')?.value as { labels?: Record<string, string> } | undefined;
  const models = metas.map(({ key, value }) => {
    const weights = (files.find((f) => f.key === key)?.value as { weights?: StoredBytes } | undefined)?.weights;
    return `${key} "${(value as { name?: string }).name ?? ''}" ${weights?.sha256 ?? 'no weights'}`;
  });
  return { labels: JSON.stringify(labels ?? null), labelled: Object.keys(labels?.labels ?? {}).length, models: models.sort() };
}

/** Every model of `before` is still there, byte for byte. */
export const modelsKept = (before: Stored, after: Stored): boolean => before.models.every((m) => after.models.includes(m));

/** The saved models the Teach view lists (its list comes from the worker, which reads IndexedDB). */
export async function listedModels(page: Page): Promise<string[]> {
  await page.getByTestId('mode-teach').click();
  await page.locator('[data-testid=user-model]').first().waitFor({ timeout: 60_000 });
  return page.locator('[data-testid=user-model]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? '').sort());
}
