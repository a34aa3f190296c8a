/**
 * Malicious imported models and decks, on the built app: a model is trained and saved and a
 * deck built, both exported as the app downloads them; then crafted files (imports-craft.ts)
 * are picked in the Teach view's model import and the Decks view's deck import. Each must be
 * refused with its reason in the panel, add nothing to IndexedDB and leave what was saved as it
 * was; HTML in a name must be imported as text; the page must not crash, open a dialog or make
 * an outside request; and the valid exports must still import afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { HOSTILE_NAME } from './hostile.ts';
import { craft, type Crafted } from './imports-craft.ts';
import type { StressSession } from './session.ts';
import type { CheckRow } from './table.ts';
import { OFFLINE_READY, deckWithCase, describeStored, labelFolder, sameStored, shenzhenFolder, storedNow, trainHead, type Stored } from './teach-setup.ts';
import { saveModel } from './teach-drive.ts';

async function download(page: Page, click: () => Promise<void>, to: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = join(to, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

interface Outcome {
  what: string;
  ok: boolean;
  said: string;
}

/** Pick one crafted file where a user would, and read what the panel says. */
async function tryImport(page: Page, item: Crafted): Promise<Outcome> {
  const before = await storedNow(page);
  const model = item.kind === 'model';
  await page.getByTestId(model ? 'mode-teach' : 'mode-decks').click();
  await page.getByTestId(model ? 'import-model-input' : 'deck-import').setInputFiles(item.file);
  const errorId = model ? 'models-error' : 'deck-error';
  if (item.refusal) {
    const refusal = item.refusal;
    const seen = await page.waitForFunction(([id, source]) => new RegExp(source).test(document.querySelector(`[data-testid=${id}]`)?.textContent ?? ''), [errorId, refusal.source] as const, { timeout: 180_000, polling: 250 }).then(() => true, () => false);
    const said = ((await page.getByTestId(errorId).textContent().catch(() => '')) ?? '').trim();
    const unchanged = sameStored(before, await storedNow(page));
    return { what: item.what, ok: seen && unchanged, said: `${said}${unchanged ? '' : ' (BUT storage changed)'}` };
  }
  const selector = model ? `[data-testid=user-model][data-name="${HOSTILE_NAME}"]` : `[data-testid=deck][data-title="${HOSTILE_NAME}"]`;
  const listed = await page.locator(selector).first().waitFor({ timeout: 60_000 }).then(() => true, () => false);
  const asText = (await page.locator(selector).first().textContent().catch(() => ''))?.includes(HOSTILE_NAME) ?? false;
  const injected = await page.locator('img[src=x], img[onerror]').count();
  const added = (await storedNow(page))[model ? 'models' : 'decks'].length === before[model ? 'models' : 'decks'].length + 1;
  return { what: item.what, ok: listed && asText && injected === 0 && added, said: `imported, name shown as text: ${asText ? 'yes' : 'no'}, injected elements: ${injected}` };
}

interface Run {
  outcomes: Outcome[];
  kept: Stored;
  afterRefusals: Stored;
  valid: boolean;
  crashed: number;
  dialogs: number;
}

async function run(page: Page, dataRoot: string, temp: string, crashes: { n: number }): Promise<Run> {
  await page.getByText(OFFLINE_READY).first().waitFor({ timeout: 90_000 });
  await labelFolder(page, shenzhenFolder(dataRoot, temp, 'films', 0, 6), 'normal=6,tb=6');
  await trainHead(page);
  const id = await saveModel(page, 'Kept model');
  const bundle = await download(page, () => page.locator(`[data-testid=user-model][data-id="${id}"]`).getByTestId('export-model').click(), temp);
  await deckWithCase(page, 'Kept deck', join(dataRoot, 'dicom/chest_radiograph/CR-MONO1-10-chest.dcm'));
  const deckZip = await download(page, () => page.getByTestId('deck-editor').getByTestId('deck-export').click(), temp);
  await page.getByTestId('deck-close').click();
  const kept = await storedNow(page);
  const crafted = await craft(temp, bundle, deckZip);
  const dialogs: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  const outcomes: Outcome[] = [];
  for (const item of crafted) outcomes.push(await tryImport(page, item));
  const afterRefusals = await storedNow(page);
  // The valid exports still import, next to everything above.
  await page.getByTestId('mode-teach').click();
  await page.getByTestId('import-model-input').setInputFiles(bundle);
  const model = await page.waitForFunction(() => document.querySelectorAll('[data-testid=user-model][data-name="Kept model"]').length === 2, undefined, { timeout: 60_000 }).then(() => true, () => false);
  await page.getByTestId('mode-decks').click();
  await page.getByTestId('deck-import').setInputFiles(deckZip);
  const deck = await page.waitForFunction(() => document.querySelectorAll('[data-testid=deck][data-title="Kept deck"]').length === 2, undefined, { timeout: 60_000 }).then(() => true, () => false);
  return { outcomes, kept, afterRefusals, valid: model && deck, crashed: crashes.n, dialogs: dialogs.length };
}

export async function importsCheck(session: StressSession, dataRoot: string): Promise<CheckRow> {
  const temp = mkdtempSync(join(tmpdir(), 'hilum-stress-imports-'));
  try {
    const w = await session.open();
    const crashes = { n: 0 };
    w.page.on('crash', () => { crashes.n++; });
    const r = await run(w.page, dataRoot, temp, crashes);
    await w.context.close();
    const refused = r.outcomes.filter((o) => !o.said.startsWith('imported'));
    const bad = r.outcomes.filter((o) => !o.ok);
    // Everything saved before is still there; the refusals added nothing, the two HTML names one model and one deck.
    const intact = r.kept.models.every((m) => r.afterRefusals.models.includes(m)) && r.kept.decks.every((d) => r.afterRefusals.decks.includes(d)) && r.afterRefusals.models.length === r.kept.models.length + 1 && r.afterRefusals.decks.length === r.kept.decks.length + 1;
    const ok = bad.length === 0 && intact && r.valid && r.crashed === 0 && r.dialogs === 0 && w.external.length === 0;
    return {
      check: 'hostile input: malicious imported model',
      tried: `${r.outcomes.length} crafted files from the app's own exports, picked in its model and deck imports: ${r.outcomes.map((o) => o.what).join('; ')}`,
      figure: `refused with the reason in the panel: ${refused.filter((o) => o.ok).length} of ${refused.length}; HTML names imported as text: ${r.outcomes.length - refused.length - bad.filter((o) => o.said.startsWith('imported')).length} of ${r.outcomes.length - refused.length}; e.g. "${refused[0]?.said ?? ''}"`,
      survived: `no crash (${r.crashed}), no dialog (${r.dialogs}); the valid model and deck imported afterwards: ${r.valid ? 'yes' : 'no'}`,
      nothingLost: intact ? 'yes' : 'no',
      verdict: ok ? 'pass' : 'fail',
      external: w.external.length,
      ...(ok ? {} : { note: `${bad.map((o) => `${o.what}: ${o.said || 'no message'}`).join(' | ')}; stored before ${describeStored(r.kept)}, after ${describeStored(r.afterRefusals)}; valid ${r.valid}` }),
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
