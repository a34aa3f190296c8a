/**
 * The quota fills while the user saves work, on the built app: labels, a fine-tuned model and
 * a deck are saved first; then the origin's quota (CDP Storage.overrideQuotaForOrigin) is cut
 * to just above what it uses, and more images are labelled, a second model is trained and
 * saved, and a case is added to the deck. Each save must fail with words that say the storage
 * is full, what was not saved and where to free space; what was saved before must stay (read
 * from IndexedDB, and in a second tab as a reload would); the unsaved work must stay in the tab,
 * and once there is room again the same save must succeed and survive a reload.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { WatchedContext } from '../chromium.ts';
import type { StressSession } from './session.ts';
import type { CheckRow } from './table.ts';
import { OFFLINE_READY, classCounts, deckWithCase, describeStored, labelFolder, openInViewer, sameStored, shenzhenFolder, storedNow, trainHead, type Stored } from './teach-setup.ts';
import { saveModel } from './teach-drive.ts';

const MR_FILES = ['bbmri-53323131.dcm', 'bbmri-53323275.dcm', 'bbmri-53323419.dcm', 'bbmri-53323563.dcm', 'bbmri-53323707.dcm', 'bbmri-53323851.dcm'];
/** What a storage-full message must say: that it is full, that this was not saved, and where to make room. */
const FULL = /storage for this site is full/i;
const WHERE = /Offline & storage/;

/** The override lasts as long as the CDP session that set it: keep the session until the check ends. */
async function setQuota(w: WatchedContext, origin: string, bytes?: number): Promise<void> {
  const cdp = await w.context.newCDPSession(w.page);
  await cdp.send('Storage.overrideQuotaForOrigin', bytes === undefined ? { origin } : { origin, quotaSize: bytes });
}

const text = async (page: Page, testId: string): Promise<string> => {
  const el = page.getByTestId(testId);
  await el.first().waitFor({ timeout: 60_000 });
  return ((await el.first().textContent()) ?? '').trim();
};

/** Films per class labelled once the quota is full. */
const MORE = 6;

const FILLER = 'hilum-stress-filler';

/**
 * Fill the quota as another app's data would: random bytes (nothing compresses) in a database
 * of its own, in ever smaller pieces until not even 64 B fit. Chromium counts usage lazily, so
 * the filler overshoots the cut quota; a cut alone, without it, let every save through here.
 */
function fill(page: Page, name: string): Promise<number> {
  return page.evaluate(async (dbName) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(dbName);
      req.onupgradeneeded = () => { req.result.createObjectStore('fill'); };
      req.onsuccess = () => { resolve(req.result); };
      req.onerror = () => { reject(req.error ?? new Error('no filler database')); };
    });
    let filled = 0;
    let key = 0;
    for (const size of [1 << 15, 1 << 12, 1 << 9, 1 << 6]) {
      for (let tries = 0; tries < 20_000; tries++) {
        const bytes = new Uint8Array(size);
        crypto.getRandomValues(bytes);
        const stored = await new Promise<boolean>((resolve) => {
          const tx = db.transaction('fill', 'readwrite');
          tx.objectStore('fill').put(bytes, key++);
          tx.oncomplete = () => { resolve(true); };
          tx.onabort = () => { resolve(false); };
        });
        if (!stored) break;
        filled += size;
      }
    }
    db.close();
    return filled;
  }, name);
}

/** Free the space the filler took, as deleting another app's data would. */
function unfill(page: Page, name: string): Promise<void> {
  return page.evaluate((dbName) => new Promise<void>((resolve, reject) => {
    const req = indexedDB.deleteDatabase(dbName);
    req.onsuccess = () => { resolve(); };
    req.onerror = () => { reject(req.error ?? new Error('the filler stayed')); };
  }), name);
}

/** A message is clear when it says the storage is full, names what was not saved, and says where to free space. */
const clear = (message: string, what: RegExp): boolean => FULL.test(message) && what.test(message) && WHERE.test(message);

interface Attempt {
  labels: string;
  model: string;
  deck: string;
  /** What was still in the tab after each failed save. */
  kept: boolean;
  said: string;
}

/**
 * With the quota full: 12 more labels, a second model trained and saved (then what the Teach
 * view still holds), then the MR series added to the deck as a case (then what the deck holds).
 */
async function savesWhileFull(page: Page, more: string, dataRoot: string): Promise<Attempt> {
  await labelFolder(page, more, `normal=${6 + MORE},tb=${6 + MORE}`);
  // A label set is a few hundred bytes; Chromium sometimes lets a write that small through a full quota.
  const labels = await page.getByTestId('label-storage-error').waitFor({ timeout: 10_000 }).then(() => text(page, 'label-storage-error'), () => '');
  await page.getByTestId('train-start').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=train-outcome]'), undefined, { timeout: 30_000 });
  await page.getByTestId('train-outcome').waitFor({ timeout: 240_000 });
  await page.getByTestId('save-name').fill('Saved when full');
  await page.getByTestId('save-model').click();
  const model = await text(page, 'models-error');
  const counts = await classCounts(page);
  const canSave = await page.getByTestId('save-model').isEnabled();
  await page.getByTestId('mode-decks').click();
  await page.getByRole('button', { name: 'Close all images' }).click();
  await openInViewer(page, MR_FILES.map((f) => join(dataRoot, 'dicom/mr_series_bbmri_6slice', f)), '1 / 6');
  await page.getByTestId('deck-add-case').click();
  const deck = await text(page, 'deck-error');
  const cases = await page.getByTestId('deck-case').count();
  const slice = await page.getByTestId('slice').textContent();
  const kept = counts === `normal=${6 + MORE},tb=${6 + MORE}` && canSave && cases === 1 && slice === '1 / 6';
  const said = `labels ${counts}, the unsaved model ${canSave ? 'still offered for saving' : 'gone'}, the deck open with ${cases} case and the MR at ${slice ?? 'nothing'}`;
  return { labels, model, deck, kept, said };
}

/** A second tab reads only storage, as a reload would: the saved model and deck must be listed. */
async function secondTab(w: WatchedContext, origin: string): Promise<string> {
  const page = await w.context.newPage();
  await page.goto(`${origin}/#teach`);
  await page.getByTestId('teach-folder-input').waitFor({ timeout: 60_000 });
  await page.getByTestId('user-model').first().waitFor({ timeout: 30_000 }).catch(() => undefined);
  const models = await page.locator('[data-testid=user-model]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
  await page.getByTestId('mode-decks').click();
  await page.getByTestId('deck').first().waitFor({ timeout: 30_000 });
  const decks = await page.getByTestId('deck-meta').allTextContents();
  await page.close();
  return `models [${models.join(', ')}], decks [${decks.join('; ')}]`;
}

/** With room again: the same three saves, each by the button the user would press; '' when all saved, else the step that did not. */
async function retry(page: Page): Promise<string> {
  const step = async (name: string, work: () => Promise<unknown>): Promise<string> => work().then(() => '', (error: unknown) => `${name}: ${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)}`);
  return (await step('labels', async () => {
    await page.getByTestId('mode-teach').click();
    if ((await page.getByTestId('label-save-retry').count()) === 0) return;
    await page.getByTestId('label-save-retry').click();
    await page.getByTestId('label-storage-error').waitFor({ state: 'detached', timeout: 30_000 });
  })) || (await step('model', async () => {
    // The name field belongs to the Teach view and is empty again after a visit to Decks.
    await page.getByTestId('save-name').fill('Saved when full');
    await page.getByTestId('save-model').click();
    await page.locator('[data-testid=user-model][data-name="Saved when full"]').waitFor({ timeout: 60_000 });
  })) || step('deck', async () => {
    await page.getByTestId('mode-decks').click();
    await page.getByTestId('deck-add-case').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=deck-case]').length === 2, undefined, { timeout: 30_000 });
  });
}

interface Run {
  before: Stored;
  during: Stored;
  after: Stored;
  reloaded: Stored;
  attempt: Attempt;
  second: string;
  retried: string;
  margin: number;
  filled: number;
}

async function run(w: WatchedContext, origin: string, dataRoot: string, temp: string): Promise<Run> {
  const { page } = w;
  await page.getByText(OFFLINE_READY).first().waitFor({ timeout: 90_000 });
  await labelFolder(page, shenzhenFolder(dataRoot, temp, 'first', 0, 6), 'normal=6,tb=6');
  await trainHead(page);
  await saveModel(page, 'Saved before');
  await deckWithCase(page, 'Saved deck', join(dataRoot, 'dicom/chest_radiograph/CR-MONO1-10-chest.dcm'));
  const before = await storedNow(page);
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  const margin = 1024 ** 2;
  await setQuota(w, origin, usage + margin);
  const filled = await fill(page, FILLER);
  const attempt = await savesWhileFull(page, shenzhenFolder(dataRoot, temp, 'more', 6, MORE), dataRoot);
  const during = await storedNow(page);
  const second = await secondTab(w, origin);
  // Room again, as when the user frees space: the other database deleted, the quota back to plenty.
  await unfill(page, FILLER);
  await setQuota(w, origin, usage + 256 * 1024 ** 2);
  const retried = await retry(page);
  const after = await storedNow(page);
  await page.reload();
  await page.getByTestId('mode-decks').waitFor({ timeout: 60_000 });
  const reloaded = await storedNow(page);
  await setQuota(w, origin);
  return { before, during, after, reloaded, attempt, second, retried, margin, filled };
}

export async function quotaSavesCheck(session: StressSession, dataRoot: string): Promise<CheckRow> {
  const temp = mkdtempSync(join(tmpdir(), 'hilum-stress-quota-'));
  try {
    const w = await session.open();
    const r = await run(w, session.server.origin, dataRoot, temp);
    await w.context.close();
    const labelsThrough = r.attempt.labels === '';
    const told = (labelsThrough || clear(r.attempt.labels, /labels/i)) && clear(r.attempt.model, /Saved when full|model/i) && clear(r.attempt.deck, /case|deck|change/i);
    // What was saved stays; new labels only where the browser let their write through (then all of them).
    const kept = sameStored({ ...r.before, labels: r.during.labels }, r.during) && r.during.labels === (labelsThrough ? 12 + 2 * MORE : r.before.labels);
    const saved = r.after.labels === 12 + 2 * MORE && r.after.models.length === 2 && r.after.decks.join() === 'Saved deck (2 cases)' && sameStored(r.after, r.reloaded);
    const ok = told && kept && r.attempt.kept && r.retried === '' && saved && w.external.length === 0;
    const messages = `labels: "${r.attempt.labels}" model: "${r.attempt.model}" deck: "${r.attempt.deck}"`;
    return {
      check: 'fault: quota full while saving labels or a model',
      tried: `12 labels, a fine-tuned model and a 1-case deck saved; quota cut (CDP Storage.overrideQuotaForOrigin) to the usage + ${(r.margin / 1024 ** 2).toFixed(0)} MB, then filled by another database (${(r.filled / 1024 ** 2).toFixed(0)} MB written before the browser refused); then ${2 * MORE} more labels, a second model trained and saved, an MR case added`,
      figure: `${labelsThrough ? 'model and deck saves refused by the browser (it let the labels\' 1 kB write through, and they are stored)' : 'all 3 saves refused by the browser'}; clear message (full, what, Offline & storage panel): ${told ? 'yes' : 'NO'}; stored before ${describeStored(r.before)}, while full ${describeStored(r.during)}; a second tab listed ${r.second}`,
      survived: `in the tab: ${r.attempt.said}; with room again (filler deleted, quota raised) the same buttons saved: ${r.retried === '' ? 'yes' : `no (${r.retried})`}, ${describeStored(r.after)}, the same after a reload: ${sameStored(r.after, r.reloaded) ? 'yes' : 'no'}`,
      nothingLost: kept && r.attempt.kept ? 'yes' : 'no',
      verdict: ok ? 'pass' : 'fail',
      external: w.external.length,
      ...(ok ? {} : { note: `told ${told}, kept ${kept}, in tab ${r.attempt.kept}, retried ${r.retried || 'yes'}, saved ${saved}; ${messages}` }),
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
