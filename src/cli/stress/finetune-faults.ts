/**
 * Faults during fine-tuning, on the built app: the AI worker killed while epochs run, and a new
 * version deployed while a model trains. In each, the labels and the models saved before must
 * come through byte for byte (read from IndexedDB, also after a reload), the user must be told
 * in the Teach view, and the run must end with a model: restarted by itself, or by pressing
 * Train, and never thrown away by a reload the user did not mean.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { crashAiWorker } from './crash.ts';
import { startSession, type StressSession } from './session.ts';
import { OFFLINE_READY, UPDATE_OFFERED, askForUpdate, deploy } from './storage.ts';
import type { CheckRow } from './table.ts';
import { epochReached, labelFolder, listedModels, modelsKept, saveModel, setRun, startTraining, stored, teachFolder, trainedEpochs, type Stored } from './teach-drive.ts';

/** A head-mode run this long lasts a few seconds: time for a fault to land inside it. */
const LONG_RUN = 400;

const shownEpoch = async (page: Page): Promise<number> => Number(/^Epoch (\d+)/.exec((await page.getByTestId('train-progress').textContent().catch(() => '')) ?? '')?.[1] ?? 0);
const text = async (page: Page, testId: string): Promise<string> => ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** One label set and one saved model, as a user has them before the fault. */
async function savedWork(page: Page, folder: { root: string; images: number }, name: string): Promise<Stored> {
  await labelFolder(page, folder.root, folder.images);
  await page.getByTestId('train-start').click();
  await trainedEpochs(page);
  await saveModel(page, name);
  return stored(page);
}

/** Kill the worker once a run reports epoch `at`; the epoch it was at. */
async function killAt(page: Page, at: number): Promise<{ epoch: number; killed: number }> {
  const epoch = await epochReached(page, at);
  return { epoch, killed: await crashAiWorker(page, 'now') };
}

interface CrashRuns {
  killedAt: number[];
  killed: number;
  restartedText: string;
  resumedEpochs: number;
  errorAfterOne: number;
  errorText: string;
  trainEnabled: boolean;
  retriedEpochs: number;
}

/** A run killed once (it must restart by itself and finish), then one killed twice (reported; Train runs again). */
async function crashRuns(page: Page): Promise<CrashRuns> {
  await setRun(page, LONG_RUN, LONG_RUN);
  await startTraining(page);
  const first = await killAt(page, 3);
  await page.getByTestId('train-restarted').waitFor({ timeout: 60_000 });
  const restartedText = await text(page, 'train-restarted');
  const resumedEpochs = await trainedEpochs(page);
  const errorAfterOne = await page.getByTestId('train-error').count();
  await startTraining(page);
  const second = await killAt(page, 3);
  await page.getByTestId('train-restarted').waitFor({ timeout: 60_000 });
  const third = await killAt(page, 3);
  await page.getByTestId('train-error').waitFor({ timeout: 60_000 });
  const errorText = await text(page, 'train-error');
  const trainEnabled = await page.getByTestId('train-start').isEnabled();
  await startTraining(page);
  const retriedEpochs = await trainedEpochs(page);
  const killedAt = [first.epoch, second.epoch, third.epoch];
  return { killedAt, killed: first.killed + second.killed + third.killed, restartedText, resumedEpochs, errorAfterOne, errorText, trainEnabled, retriedEpochs };
}

export async function fineTuneCrashCheck(session: StressSession, dataRoot: string): Promise<CheckRow> {
  const folder = teachFolder(dataRoot);
  try {
    const w = await session.open();
    const { page } = w;
    const before = await savedWork(page, folder, 'Saved before the crash');
    const r = await crashRuns(page);
    const afterRuns = await stored(page);
    await page.reload();
    const reloaded = await stored(page);
    const listed = await listedModels(page);
    const classes = await page.locator('[data-testid=class]').evaluateAll((els) => els.map((e) => e.getAttribute('data-class') ?? ''));
    await w.context.close();
    const told = /stopped at epoch \d+ of \d+; it was restarted/.test(r.restartedText) && /stopped at epoch \d+ of \d+ again/.test(r.errorText);
    const labelsKept = before.labels === afterRuns.labels && before.labels === reloaded.labels && before.labelled === folder.images && classes.join() === 'normal,tb';
    const kept = modelsKept(before, afterRuns) && modelsKept(before, reloaded) && listed.includes('Saved before the crash');
    const ok = r.killed === 3 && told && r.errorAfterOne === 0 && r.resumedEpochs === LONG_RUN && r.trainEnabled && r.retriedEpochs === LONG_RUN && labelsKept && kept;
    return {
      check: 'fault: AI worker killed mid fine-tune',
      tried: `${folder.images} labelled Shenzhen films, a model saved; a ${LONG_RUN}-epoch head-mode run with the AI worker crashed at epoch ${r.killedAt[0] ?? '?'}; then a run crashed twice (epochs ${r.killedAt[1] ?? '?'} and ${r.killedAt[2] ?? '?'})`,
      figure: `one crash: the run restarted by itself and trained all ${r.resumedEpochs} epochs; two crashes: stopped with a message, Train ${r.trainEnabled ? 'enabled' : 'DISABLED'}, pressed: ${r.retriedEpochs} epochs`,
      survived: told ? `the Teach view said "${r.restartedText}", then "${r.errorText.split('.')[0] ?? ''}."` : 'the user was NOT told in the Teach view',
      nothingLost: labelsKept && kept ? 'yes' : 'no',
      verdict: ok ? 'pass' : 'fail',
      external: w.external.length,
      ...(ok ? {} : { note: `killed ${r.killed}, told ${told}, labels kept ${labelsKept} (${reloaded.labelled} after reload), models kept ${kept}, epochs ${r.resumedEpochs}/${r.retriedEpochs}, error after one crash ${r.errorAfterOne}` }),
    };
  } finally {
    rmSync(folder.root, { recursive: true, force: true });
  }
}

interface DeployRun {
  trainingAtOffer: boolean;
  /** The epoch the run was at when the update was offered. */
  offerEpoch: number;
  deferredTold: boolean;
  epochs: number;
  navigationsDuringRun: number;
  /** Update offers shown for the one new version: one, not one per Workbox event. */
  offers: number;
}

/**
 * Mode 2 (the last block retrained, seconds a step on WASM) at its default epochs: the slow run
 * during which a new version is most likely to arrive, and long enough (about 30 s here) for
 * the update to install before it ends. Patience as long, so it never stops early.
 */
const BLOCK_EPOCHS = 8;

/** Deploy while the run trains, press the offered Reload, and let the run finish. */
async function deployDuringRun(page: Page, root: string, navigations: string[]): Promise<DeployRun> {
  await page.getByTestId('mode-last-block').check();
  await setRun(page, BLOCK_EPOCHS, BLOCK_EPOCHS);
  await startTraining(page);
  deploy(root, 7);
  await askForUpdate(page);
  const offer = page.getByTestId('toast').filter({ hasText: UPDATE_OFFERED });
  await offer.first().waitFor({ timeout: 90_000 });
  const trainingAtOffer = await page.getByTestId('train-progress').isVisible();
  const offerEpoch = await shownEpoch(page);
  await offer.first().getByRole('button', { name: 'Reload', exact: true }).click();
  const deferredTold = await page.getByTestId('toast').filter({ hasText: 'Not reloaded yet' }).waitFor({ timeout: 10_000 }).then(() => true, () => false)
    && await page.getByTestId('update-deferred').isVisible();
  const epochs = await trainedEpochs(page);
  // The offer pressed went away with the press; any other one still shows.
  return { trainingAtOffer, offerEpoch, deferredTold, epochs, navigationsDuringRun: navigations.length, offers: 1 + await offer.count() };
}

export async function fineTuneDeployCheck(distRoot: string, dataRoot: string): Promise<CheckRow> {
  const root = mkdtempSync(join(tmpdir(), 'hilum-stress-dist-'));
  cpSync(distRoot, root, { recursive: true });
  const folder = teachFolder(dataRoot);
  const session = await startSession(root);
  try {
    const w = await session.open();
    const { page } = w;
    await page.getByText(OFFLINE_READY).first().waitFor({ timeout: 90_000 });
    const before = await savedWork(page, folder, 'Saved before the deployment');
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations.push(frame.url()); });
    const run = await deployDuringRun(page, root, navigations);
    const waitsForSave = (await page.getByTestId('update-deferred').textContent().catch(() => '')) ?? '';
    // Saving the model is what a reload would have lost; then the new version loads by itself.
    const loaded = page.waitForEvent('load', { timeout: 60_000 });
    await page.getByTestId('save-name').fill('Trained during the deployment');
    await page.getByTestId('save-model').click();
    const reloadedItself = await loaded.then(() => true, () => false);
    const newVersion = await page.evaluate(() => document.head.innerHTML.includes('build stress-7'));
    const after = await stored(page);
    const listed = await listedModels(page);
    await w.context.close();
    const savedNew = after.models.some((m) => m.includes('"Trained during the deployment"') && !m.endsWith('no weights'));
    const labelsKept = after.labels === before.labels && before.labelled === folder.images;
    const kept = modelsKept(before, after) && savedNew && listed.includes('Saved before the deployment');
    const ok = run.offers === 1 && run.trainingAtOffer && run.deferredTold && run.navigationsDuringRun === 0 && run.epochs === BLOCK_EPOCHS && /save this model/.test(waitsForSave) && reloadedItself && newVersion && labelsKept && kept;
    return {
      check: 'fault: new version deployed mid fine-tune',
      tried: `${folder.images} labelled films and a saved model; a ${BLOCK_EPOCHS}-epoch run retraining the last block; index.html and sw.js of the served build replaced mid-run, the registration asked to update, the offered Reload pressed while training`,
      figure: `update offered while training: ${run.trainingAtOffer ? `yes, at epoch ${run.offerEpoch}` : 'no'} (${run.offers} offer${run.offers === 1 ? '' : 's'}); the page navigated ${run.navigationsDuringRun} times during the run, which trained all ${run.epochs} epochs; after Save it reloaded onto the new version: ${reloadedItself && newVersion ? 'yes' : 'no'}`,
      survived: run.deferredTold ? 'the reload waited, saying why (toast and the Teach view), until the run ended and its model was saved' : 'the user was NOT told why the reload waited',
      nothingLost: labelsKept && kept ? 'yes' : 'no',
      verdict: ok ? 'pass' : 'fail',
      external: session.external.length,
      ...(ok ? {} : { note: `offers ${run.offers}, at offer training ${run.trainingAtOffer}, told ${run.deferredTold}, navigations ${run.navigationsDuringRun}, epochs ${run.epochs}, reloaded ${reloadedItself}, new version ${newVersion}, labels ${labelsKept}, models ${kept}` }),
    };
  } finally {
    await session.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(folder.root, { recursive: true, force: true });
  }
}
