/**
 * Faults of storage and deployment, on a copy of the build served from a temporary folder so a
 * new version can be deployed while a page is open: a deployment with an image open (the update
 * is offered, nothing reloads by itself), the same with the origin's quota nearly full (the
 * update cannot be stored: the user is told and the stored version still works offline), and a
 * first visit with too small a quota (told, and it still reads images online).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { WatchedContext } from '../chromium.ts';
import { startSession, type StressSession } from './session.ts';
import type { CheckRow } from './table.ts';

export const OFFLINE_READY = 'Hilum is ready to work offline.';
export const UPDATE_OFFERED = 'A new version of Hilum is available.';

/** What a rebuild with a new version string changes: index.html, and its revision in sw.js's precache list. */
export function deploy(root: string, version: number): void {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  writeFileSync(join(root, 'index.html'), html.replace('</head>', `<!-- build stress-${version} --></head>`));
  const sw = readFileSync(join(root, 'sw.js'), 'utf8');
  const next = sw.replace(/"revision":"[^"]+","url":"index.html"/, `"revision":"stress${version}","url":"index.html"`);
  if (next === sw) throw new Error('sw.js lists no revision for index.html');
  writeFileSync(join(root, 'sw.js'), next);
}

export const askForUpdate = (page: Page): Promise<void> => page.evaluate(async () => {
  await (await navigator.serviceWorker.getRegistration())?.update().catch(() => undefined);
});

async function openImage(w: WatchedContext, file: string): Promise<string> {
  await w.page.getByTestId('files-input').setInputFiles(file);
  await w.page.getByTestId('slice').waitFor({ timeout: 60_000 });
  return (await w.page.getByTestId('slice').textContent()) ?? '';
}

async function setQuota(w: WatchedContext, origin: string, bytes: number): Promise<void> {
  const cdp = await w.context.newCDPSession(w.page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: bytes });
}

async function deployWhileOpen(session: StressSession, root: string, image: string): Promise<CheckRow> {
  const w = await session.open();
  await w.page.getByText(OFFLINE_READY).first().waitFor({ timeout: 90_000 });
  const shown = await openImage(w, image);
  const navigations: string[] = [];
  w.page.on('framenavigated', (frame) => { if (frame === w.page.mainFrame()) navigations.push(frame.url()); });
  await w.page.evaluate(() => { (window as unknown as { stressMark: string }).stressMark = 'still here'; });
  deploy(root, 2);
  await askForUpdate(w.page);
  await w.page.getByText(UPDATE_OFFERED).first().waitFor({ timeout: 90_000 });
  await w.page.waitForTimeout(2000);
  const mark = await w.page.evaluate(() => (window as unknown as { stressMark?: string }).stressMark);
  const after = await w.page.getByTestId('slice').textContent();
  const waiting = await w.page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting));
  await w.context.close();
  const ok = mark === 'still here' && navigations.length === 0 && after === shown && waiting;
  return {
    check: 'fault: new version deployed',
    tried: 'index.html and sw.js of the served build replaced by a new version while an image is open',
    figure: `update toast shown; the page navigated ${navigations.length} times; the new worker waits: ${waiting ? 'yes' : 'no'}`,
    survived: `the open image (${after ?? '—'}) and page state stayed until the user chooses Reload`,
    nothingLost: mark === 'still here' && after === shown ? 'yes' : 'no',
    verdict: ok ? 'pass' : 'fail',
    external: w.external.length,
    ...(ok ? {} : { note: `mark ${mark ?? 'gone'}, navigations ${navigations.length}, slice ${after ?? '—'}` }),
  };
}

/** Stored version first; then a quota just above what it uses, and a deployment that needs a full new copy. */
async function updateWithFullQuota(session: StressSession, root: string, image: string): Promise<{ told: boolean; offline: string; usage: number }> {
  const w = await session.open();
  await w.page.getByText(OFFLINE_READY).first().waitFor({ timeout: 90_000 });
  const usage = await w.page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  await setQuota(w, session.server.origin, usage + 256 * 1024);
  deploy(root, 3);
  await askForUpdate(w.page);
  const told = await w.page.getByText('could not be stored on this device').first().waitFor({ timeout: 60_000 }).then(() => true, () => false);
  // What was stored before still works: offline, the page reloads and reads an image.
  await w.context.setOffline(true);
  await w.page.reload();
  const offline = await openImage(w, image).catch(() => '');
  await w.context.close();
  return { told, offline, usage };
}

async function firstVisitTinyQuota(session: StressSession, image: string): Promise<{ told: boolean; online: string }> {
  const w = await session.open('/lab.html?runs=0&backends=');
  await setQuota(w, session.server.origin, 2 * 1024 * 1024);
  await w.page.goto(`${session.server.origin}/`);
  const told = await w.page.getByText('could not be stored for offline use').first().waitFor({ timeout: 60_000 }).then(() => true, () => false);
  const online = await openImage(w, image).catch(() => '');
  await w.context.close();
  return { told, online };
}

export async function storageChecks(distRoot: string, dataRoot: string): Promise<CheckRow[]> {
  const root = mkdtempSync(join(tmpdir(), 'hilum-stress-dist-'));
  cpSync(distRoot, root, { recursive: true });
  const session = await startSession(root);
  const image = join(dataRoot, 'dicom/chest_radiograph/CR-MONO1-10-chest.dcm');
  try {
    const deployRow = await deployWhileOpen(session, root, image);
    const full = await updateWithFullQuota(session, root, image);
    const tiny = await firstVisitTinyQuota(session, image);
    const ok = full.told && full.offline !== '' && tiny.told && tiny.online !== '';
    const quotaRow: CheckRow = {
      check: 'fault: storage quota full',
      tried: `quota set (CDP Storage.overrideQuotaForOrigin) to ${(full.usage / 1048576).toFixed(1)} MB used + 0.25 MB, then a new version deployed; and a first visit with a 2 MB quota`,
      figure: `update refused by the browser: told ${full.told ? 'yes' : 'no'}; first visit: told ${tiny.told ? 'yes' : 'no'}`,
      survived: `the stored version reloaded offline and read an image (${full.offline || 'failed'}); the first visit read an image online (${tiny.online || 'failed'})`,
      nothingLost: full.offline !== '' ? 'yes' : 'no',
      verdict: ok ? 'pass' : 'fail',
      external: session.external.length,
      ...(ok ? {} : { note: `update told ${full.told}, offline ${full.offline || 'no'}, first visit told ${tiny.told}, online ${tiny.online || 'no'}` }),
    };
    // Quota full while saving labels, a model or a deck: quota-saves.ts, in the main session.
    return [deployRow, quotaRow];
  } finally {
    await session.close();
    rmSync(root, { recursive: true, force: true });
  }
}
