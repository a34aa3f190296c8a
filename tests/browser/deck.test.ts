/**
 * Decks end to end: built in the app from real DICOM files, exported as one zip, and imported
 * in a fresh browser context after the server is gone and the network is off. The deck must
 * list its cases and show the first case's image, and not one request may leave.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { dataPath, skipWithoutData } from '../helpers/data.ts';
import { CHEST_CASE, DECK_TITLE, MR_FILES, buildAndExportDeck, canvasGreys, importDeckOffline, waitUntilCached, writeTemp, type ExportedDeck } from '../helpers/deck.ts';

describe.skipIf(chromiumMissing || skipWithoutData)('teaching decks', () => {
  const app = useBuiltApp({ headers: 'plain' });
  let exported: ExportedDeck | undefined;

  it('builds a deck from the chest CR and the MR series and exports it as one zip', async () => {
    const w = await app.open();
    exported = await buildAndExportDeck(w.page);
    expect(exported.name).toBe('Chest_and_brain_year_3.hilum-deck.zip');
    const entries = unzipSync(new Uint8Array(readFileSync(exported.path)));
    const deck = JSON.parse(new TextDecoder().decode(entries['deck.json'])) as { title: string; cases: { diagnosis: string; choices: string[]; notes: string; frame: number; preset?: string; files: string[] }[] };
    expect(deck.title).toBe(DECK_TITLE);
    expect(deck.cases.map((c) => [c.diagnosis, c.frame, c.files.length])).toEqual([[CHEST_CASE.diagnosis, 0, 1], ['Normal brain MR', 2, 6]]);
    expect(deck.cases[0]).toMatchObject({ choices: ['Normal', 'Pneumonia'], notes: CHEST_CASE.notes, preset: 'lung' });
    // The DICOM bytes themselves travel: the chest film is the file as dropped.
    const chest = deck.cases[0]?.files[0] ?? '';
    expect(entries[chest]?.length).toBe(readFileSync(`${process.env.HILUM_DATA ?? '../shared/data'}/dicom/chest_radiograph/CR-MONO1-10-chest.dcm`).length);
    // Saved in this browser, listed with its size, and it survives a reload.
    await w.page.reload();
    await w.page.getByTestId('deck').first().waitFor({ timeout: 30_000 });
    expect(await w.page.getByTestId('deck-meta').first().textContent()).toMatch(/^2 cases, \d+\.\d MiB$/);
    expect(w.external).toEqual([]);
    await w.context.close();
  });

  it('refuses a tampered deck with its reason, and saves nothing of it', async () => {
    const w = await app.open();
    await waitUntilCached(w.page);
    await w.page.getByTestId('mode-decks').click();
    const entries = unzipSync(new Uint8Array(readFileSync(exported?.path ?? '')));
    const tampered = writeTemp('evil.zip', zipSync({ ...entries, '../evil.sh': new TextEncoder().encode('rm -rf /') }));
    await w.page.getByTestId('deck-import').setInputFiles(tampered);
    await expect.poll(() => w.page.getByTestId('deck-error').textContent(), { timeout: 30_000 }).toMatch(/This deck was not imported: the entry "\.\.\/evil\.sh" points outside its folder/);
    expect(await w.page.getByTestId('deck').count()).toBe(0);

    // A carried model goes through the AI worker's own import checks; a broken one stops the import.
    const deckJson = JSON.parse(new TextDecoder().decode(entries['deck.json'])) as Record<string, unknown>;
    const meta = { id: 'user:x', name: 'Broken model', createdAt: '2026-01-01T00:00:00.000Z', baseModelId: 'pneumonia-cxr', baseModelVersion: '1.0.0', classNames: ['normal', 'tb'], mode: 'head', data: { train: [1, 1], validation: [1, 1] }, metrics: {} };
    const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
    const withModel = writeTemp('model.zip', zipSync({
      ...entries, 'deck.json': encode(JSON.stringify({ ...deckJson, model: { id: 'user:x', name: 'Broken model' } })),
      'model/model.json': encode('{"format":"layers-model","modelTopology":{}}'), 'model/weights.bin': new Uint8Array(16), 'model/card.md': encode('# Broken'), 'model/meta.json': encode(JSON.stringify(meta)),
    }));
    await w.page.getByTestId('deck-import').setInputFiles(withModel);
    await expect.poll(() => w.page.getByTestId('deck-error').textContent(), { timeout: 60_000 }).toMatch(/^This deck was not imported: its model was refused \(.*not a valid Hilum model/);
    expect(await w.page.getByTestId('deck').count()).toBe(0);
    expect(w.external).toEqual([]);
    await w.context.close();
  });

  it('says plainly when the disk is full, and keeps the deck saved before', async () => {
    const w = await app.open();
    await waitUntilCached(w.page);
    // The browser's own quota for this origin: what the cached app uses plus 1 MB, so the chest
    // film (0.4 MB) fits and the MR series (1.2 MB) does not. Set before the decks database
    // opens; estimate() keeps reporting a large quota, as Chrome does on purpose, so the write
    // itself must fail and be explained.
    const usage = await w.page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    const cdp = await w.context.newCDPSession(w.page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: app.server.origin, quotaSize: usage + 1_000_000 });
    await w.page.getByTestId('mode-decks').click();
    await w.page.getByTestId('deck-title-input').fill('Full disk');
    await w.page.getByTestId('deck-create').click();
    await w.page.getByTestId('files-input').setInputFiles(dataPath('dicom/chest_radiograph/CR-MONO1-10-chest.dcm'));
    await expect.poll(() => w.page.getByTestId('slice').textContent(), { timeout: 60_000 }).toBe('1 / 1');
    await w.page.getByTestId('deck-add-case').click();
    await expect.poll(() => w.page.getByTestId('deck-case').count(), { timeout: 30_000 }).toBe(1);
    await w.page.getByRole('button', { name: 'Close all images' }).click();
    await w.page.getByTestId('files-input').setInputFiles(MR_FILES.map((f) => dataPath('dicom/mr_series_bbmri_6slice', f)));
    await expect.poll(() => w.page.getByTestId('slice').textContent(), { timeout: 60_000 }).toBe('1 / 6');
    await w.page.getByTestId('deck-add-case').click();
    await expect.poll(() => w.page.getByTestId('deck-error').textContent(), { timeout: 30_000 }).toMatch(/storage for this site is full, so this change was not saved; the copy saved before is unchanged/);
    expect(await w.page.getByTestId('deck-case').count()).toBe(1);
    await w.page.reload();
    await w.page.getByTestId('deck').filter({ hasText: 'Full disk' }).getByTestId('deck-open').click();
    // The opened deck's cases come from IndexedDB: wait for them (a deck that lost its case stays at 0).
    await expect.poll(() => w.page.getByTestId('deck-case').count(), { timeout: 30_000 }).toBe(1);
    await w.context.close();
  });

  it('imports in a fresh browser, offline with the server gone, and shows the first case', async () => {
    if (!exported) throw new Error('the export test did not run');
    const w = await importDeckOffline(app, exported.path);
    expect(await w.page.getByTestId('deck-imported').textContent()).toBe(`Imported "${DECK_TITLE}" with 2 cases.`);
    await w.page.getByTestId('deck').getByTestId('deck-open').click();
    const titles = (): Promise<(string | null)[]> => w.page.getByTestId('deck-case').evaluateAll((items) => items.map((i) => i.getAttribute('data-title')));
    await expect.poll(titles, { timeout: 30_000 }).toEqual(exported.caseTitles);
    await w.page.getByTestId('deck-case').first().getByTestId('case-show').click();
    await expect.poll(() => w.page.getByTestId('slice').textContent(), { timeout: 60_000 }).toBe('1 / 1');
    await expect.poll(() => canvasGreys(w.page), { timeout: 30_000 }).toBeGreaterThan(20);
    // The second case opens on the slice it was saved at.
    await w.page.getByTestId('deck-case').nth(1).getByTestId('case-show').click();
    await expect.poll(() => w.page.getByTestId('slice').textContent(), { timeout: 60_000 }).toBe('3 / 6');
    // The field-use panel says what the cache holds, checked, and what storage is used.
    await expect.poll(() => w.page.getByTestId('offline-ready').textContent(), { timeout: 30_000 }).toMatch(/^Ready to work offline/);
    expect(await w.page.getByTestId('storage-used').textContent()).toMatch(/MB|GB/);
    // Saving the first deck asked the browser to keep storage, and its answer is said plainly.
    await expect.poll(() => w.page.getByTestId('storage-persist-result').textContent(), { timeout: 30_000 }).toMatch(/^(Granted|Refused):/);
    const granted = (await w.page.getByTestId('storage-persist-result').textContent())?.startsWith('Granted') ?? false;
    expect(await w.page.getByTestId('storage-persisted').textContent()).toMatch(granted ? /^yes/ : /^no/);
    expect(w.external).toEqual([]);
    expect(w.consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e))).toEqual([]);
    await w.context.close();
  });
});
