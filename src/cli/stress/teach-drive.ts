/**
 * Driving the Teach view of the built app as a user does, for the fine-tuning faults: a
 * labelled folder of real Shenzhen films imported by subfolder, a head-mode run, a saved model,
 * and what IndexedDB holds (labels, saved models with a hash of their weights) read straight
 * from the browser's storage, so "nothing lost" compares bytes, not what the page shows.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** Films per class: enough for the three-way split (train, early stopping, held out) and quick to prepare. */
const PER_CLASS = 12;

/** A folder with normal/ and tb/ (Shenzhen suffix _0 is normal, _1 TB), copies in a temporary folder. */
export function teachFolder(dataRoot: string): { root: string; images: number } {
  const root = mkdtempSync(join(tmpdir(), 'hilum-stress-teach-'));
  const source = join(dataRoot, 'cxr-lung-seg-shenzhen-256', 'images');
  const all = readdirSync(source).filter((f) => f.endsWith('.png')).sort();
  for (const [name, suffix] of [['normal', '_0.png'], ['tb', '_1.png']] as const) {
    mkdirSync(join(root, 'labelled', name), { recursive: true });
    for (const f of all.filter((x) => x.endsWith(suffix)).slice(0, PER_CLASS)) copyFileSync(join(source, f), join(root, 'labelled', name, f));
  }
  return { root, images: 2 * PER_CLASS };
}

/** The Teach view with the folder imported, its classes counted. */
export async function labelFolder(page: Page, folder: string, images: number): Promise<void> {
  await page.getByTestId('mode-teach').click();
  await page.getByTestId('teach-folder-input').setInputFiles(join(folder, 'labelled'));
  await page.waitForFunction((n) => [...document.querySelectorAll('[data-testid=class]')].reduce((s, e) => s + Number(e.getAttribute('data-count')), 0) === n, images, { timeout: 120_000 });
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

/**
 * Straight from IndexedDB: idb-keyval's store for the labels, the worker's store for the
 * models. (No named functions inside: tsx would wrap them in a helper the page lacks.)
 */
export async function stored(page: Page): Promise<Stored> {
  const rows = await page.evaluate(async () => {
    const read = [['keyval-store', 'keyval'], ['hilum-user-models', 'meta'], ['hilum-user-models', 'files']].map(([name = '', store = '']) => new Promise<{ key: string; value: unknown }[]>((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onerror = () => { reject(open.error ?? new Error(`cannot open ${name}`)); };
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains(store)) { db.close(); resolve([]); return; }
        const out: { key: string; value: unknown }[] = [];
        const cursor = db.transaction(store).objectStore(store).openCursor();
        cursor.onerror = () => { reject(cursor.error ?? new Error(`cannot read ${store}`)); };
        cursor.onsuccess = () => {
          const c = cursor.result;
          if (c) { out.push({ key: String(c.key), value: c.value }); c.continue(); return; }
          db.close();
          resolve(out);
        };
      };
    }));
    const [keyval = [], metas = [], files = []] = await Promise.all(read);
    const labels = keyval.find((r) => r.key === 'hilum.teach.labels')?.value as { labels?: Record<string, string> } | undefined;
    const models = await Promise.all(metas.map(async ({ key, value }) => {
      const weights = (files.find((f) => f.key === key)?.value as { weights?: ArrayBuffer } | undefined)?.weights;
      const digest = weights ? [...new Uint8Array(await crypto.subtle.digest('SHA-256', weights))].map((b) => b.toString(16).padStart(2, '0')).join('').slice(0, 16) : 'no weights';
      return `${key} "${(value as { name?: string }).name ?? ''}" ${digest}`;
    }));
    return { labels: JSON.stringify(labels ?? null), labelled: Object.keys(labels?.labels ?? {}).length, models };
  });
  return { ...rows, models: rows.models.sort() };
}

/** Every model of `before` is still there, byte for byte. */
export const modelsKept = (before: Stored, after: Stored): boolean => before.models.every((m) => after.models.includes(m));

/** The saved models the Teach view lists (its list comes from the worker, which reads IndexedDB). */
export async function listedModels(page: Page): Promise<string[]> {
  await page.getByTestId('mode-teach').click();
  await page.locator('[data-testid=user-model]').first().waitFor({ timeout: 60_000 });
  return page.locator('[data-testid=user-model]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? '').sort());
}
