/**
 * The lecture, end to end, as a teacher gives it: a deck built from real files is exported,
 * imported into a fresh browser profile with the server gone (offline, after one visit), and
 * presented: full screen (or its fallback), the patient's name hidden until shown, keys and
 * clicker keys, B for black, the room's tally, the reveal steps (diagnosis, the model's
 * probability, its heatmap on the canvas, the lung outline), the summary's counts, and the
 * notes window following along over its BroadcastChannel.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, type WatchedContext } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { skipWithoutData } from '../helpers/data.ts';
import { balanced, shenzhenRows } from '../helpers/shenzhen.ts';
import { CHEST_CASE, buildAndExportDeck, importDeckOffline } from '../helpers/deck.ts';
import { canvasColours, contrastOf, position, step, votes } from '../helpers/present.ts';

/** Full screen, or its fallback saying so. */
async function checkFullscreen(page: Page): Promise<void> {
  const present = page.getByTestId('present');
  await present.waitFor();
  await expect.poll(() => present.getAttribute('data-fullscreen')).toMatch(/^(on|fallback)$/);
  if ((await present.getAttribute('data-fullscreen')) === 'on') expect(await page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
  else await page.getByTestId('present-fallback').waitFor();
}

/** The room sees the image only: no reveal, no colour on the canvas, no patient name; text at 7:1 or more. */
async function checkRoomSeesImageOnly(page: Page): Promise<void> {
  const present = page.getByTestId('present');
  await expect.poll(async () => (await canvasColours(page)).lit, { timeout: 60_000 }).toBeGreaterThan(500);
  expect(await position(page)).toBe('0');
  expect(await page.locator('[data-testid^=reveal-]').count()).toBe(0);
  expect((await canvasColours(page)).warm).toBe(0);
  await page.getByTestId('present-tags').waitFor();
  expect(await present.textContent()).not.toContain('Patient name');
  await page.getByTestId('present-identifying').check();
  await expect.poll(() => page.getByTestId('present-tags').textContent()).toContain('Patient nameAnonymized');
  await page.getByTestId('present-identifying').uncheck();
  await expect.poll(() => present.textContent()).not.toContain('Patient name');
  for (const id of ['present-position', 'present-timer', 'present-choice']) expect(await contrastOf(page, id)).toBeGreaterThanOrEqual(7);
}

/** The notes window: opened from the presenter, it shows what the room must not see. */
async function openNotes(w: WatchedContext, [firstTitle, secondTitle]: readonly string[]): Promise<Page> {
  const page = w.page;
  const [notes] = await Promise.all([w.context.waitForEvent('page'), page.getByTestId('present-notes').click()]);
  await notes.getByTestId('notes-title').waitFor({ timeout: 30_000 });
  expect(await notes.getByTestId('notes-title').textContent()).toBe(firstTitle);
  expect(await notes.getByTestId('notes-text').textContent()).toBe(CHEST_CASE.notes);
  expect(await notes.getByTestId('notes-diagnosis').textContent()).toBe(CHEST_CASE.diagnosis);
  expect(await notes.getByTestId('notes-next').textContent()).toBe(`Next: ${secondTitle}`);
  expect(await notes.getByTestId('notes-timer').textContent()).toMatch(/^\d+:\d\d$/);
  expect(await page.getByTestId('present').textContent()).not.toContain(CHEST_CASE.notes);
  return notes;
}

/** The tally (number keys add, the minus button takes off; room: 1 Normal, 3 Pneumonia), then B for black and back. */
async function tallyAndBlank(page: Page, notes: Page): Promise<void> {
  for (const key of ['2', '2', '2', '1', '1']) await page.keyboard.press(key);
  await page.locator('[data-testid=present-choice][data-choice=Normal] [data-testid=vote-minus]').click();
  await expect.poll(() => votes(page)).toEqual(['1', '3']);

  // B blanks the room to black, B again brings it back; the notes window says so meanwhile.
  await page.keyboard.press('b');
  await page.getByTestId('present-blank').waitFor();
  await notes.getByTestId('notes-blank').waitFor();
  await page.keyboard.press('b');
  await page.getByTestId('present-blank').waitFor({ state: 'detached' });
}

/** Reveal the chest case step by step with R; returns the model's verdict label. */
async function revealChest(page: Page, notes: Page): Promise<string> {
  await page.keyboard.press('r');
  expect(await page.getByTestId('reveal-diagnosis').textContent()).toBe(CHEST_CASE.diagnosis);
  await expect.poll(() => notes.getByTestId('notes').getAttribute('data-step')).toBe('1');
  await page.keyboard.press('r');
  await expect.poll(() => page.getByTestId('reveal-probability').textContent(), { timeout: 120_000 }).toMatch(/Model: (normal|pneumonia) \d+%/);
  const firstModel = /Model: (\w+)/.exec((await page.getByTestId('reveal-probability').textContent()) ?? '')?.[1] ?? '';
  expect((await canvasColours(page)).warm).toBe(0);
  await page.keyboard.press('r');
  await expect.poll(async () => (await canvasColours(page)).warm, { timeout: 120_000 }).toBeGreaterThan(100);
  expect(await page.getByTestId('reveal-heatmap').textContent()).toContain('where the model sees pneumonia');
  await page.keyboard.press('r');
  await expect.poll(async () => (await canvasColours(page)).teal, { timeout: 120_000 }).toBeGreaterThan(100);
  await expect.poll(() => page.getByTestId('reveal-outline').textContent()).toMatch(/right lung [\d.]+ (cm²|px), left lung [\d.]+ (cm²|px)/);
  expect(await step(page)).toBe('4');
  return firstModel;
}

/** Navigation by keys; the notes window follows, and can lead. */
async function navigateByKeys(page: Page, notes: Page, secondTitle: string): Promise<void> {
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => position(page)).toBe('1');
  await expect.poll(() => notes.getByTestId('notes-title').textContent()).toBe(secondTitle);
  expect(await notes.getByTestId('notes-position').textContent()).toBe('Case 2 of 2');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(async () => [await position(page), await step(page)]).toEqual(['0', '4']);
  await page.keyboard.press('Home');
  await expect.poll(async () => [await position(page), await step(page)]).toEqual(['0', '0']);
  await expect.poll(() => votes(page)).toEqual(['1', '3']);
  await page.keyboard.press('End');
  await expect.poll(async () => [await position(page), await step(page)]).toEqual(['1', '0']);
  await expect.poll(() => notes.getByTestId('notes-title').textContent()).toBe(secondTitle);
  // The notes window drives the room too: its Back button, and a clicker's key when it has focus.
  await notes.getByTestId('notes-prev').click();
  await expect.poll(async () => [await position(page), await step(page)]).toEqual(['0', '4']);
  await notes.keyboard.press('PageDown');
  await expect.poll(async () => [await position(page), await step(page)]).toEqual(['1', '0']);
}

/**
 * Case 2, the MR: the room says normal; PageDown and Space (a clicker, a keyboard) walk the
 * reveal, and the chest classifier says it does not apply here rather than give a number.
 */
async function quizTheMr(page: Page): Promise<void> {
  await expect.poll(async () => (await canvasColours(page)).lit, { timeout: 60_000 }).toBeGreaterThan(500);
  for (const key of ['1', '1']) await page.keyboard.press(key);
  await expect.poll(() => votes(page)).toEqual(['2', '0']);
  await page.keyboard.press('PageDown');
  expect(await page.getByTestId('reveal-diagnosis').textContent()).toBe('Normal brain MR');
  await page.keyboard.press(' ');
  await expect.poll(() => page.getByTestId('reveal-probability').textContent(), { timeout: 120_000 }).toMatch(/does not apply to this image/);
}

/**
 * The summary: the room's 3-to-1 "Pneumonia" missed the normal chest and its "normal" named
 * the normal MR; the model was shown on the chest only, right if it said normal.
 */
async function checkSummary(page: Page, notes: Page, firstModel: string): Promise<void> {
  await page.getByTestId('present-summary').click();
  await page.getByTestId('summary-table').waitFor();
  const modelRight = firstModel === 'normal';
  const rows = page.getByTestId('summary-row');
  expect(await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-room-right'), e.getAttribute('data-model-right')]))).toEqual([
    ['false', String(modelRight)], ['true', 'undefined'],
  ]);
  expect(await rows.nth(0).textContent()).toContain('Pneumonia (4 votes)');
  const totals = page.getByTestId('summary-totals');
  expect(await totals.getAttribute('data-voted')).toBe('2');
  expect(await totals.getAttribute('data-room-right')).toBe('1');
  expect(await totals.getAttribute('data-model-shown')).toBe('1');
  expect(await totals.getAttribute('data-model-right')).toBe(modelRight ? '1' : '0');
  expect(await totals.textContent()).toContain('The room was right on 1 of 2 cases it voted on; the model on');
  await expect.poll(() => notes.getByTestId('notes-position').textContent()).toBe('Summary');
}

describe.skipIf(chromiumMissing || skipWithoutData)('presenting a deck offline', () => {
  const app = useBuiltApp({ headers: 'plain' });

  it('quizzes the room, reveals step by step, sums up, and keeps the notes window in step', async () => {
    // The shared deck: case 1 the chest CR (every reveal step), case 2 the brain MR at slice 3.
    const builder = await app.open();
    const exported = await buildAndExportDeck(builder.page);
    await builder.context.close();
    const w = await importDeckOffline(app, exported.path);
    const page = w.page;
    await page.getByTestId('deck-present').first().click();
    await checkFullscreen(page);
    await checkRoomSeesImageOnly(page);
    const notes = await openNotes(w, exported.caseTitles);
    await tallyAndBlank(page, notes);
    const firstModel = await revealChest(page, notes);
    await navigateByKeys(page, notes, exported.caseTitles[1] ?? '');
    await quizTheMr(page);
    await checkSummary(page, notes, firstModel);

    // Escape leaves; the notes window says the presentation ended.
    await page.keyboard.press('Escape');
    await page.getByTestId('present').waitFor({ state: 'detached' });
    await notes.getByTestId('notes-ended').waitFor();
    expect(w.external).toEqual([]);
    await w.context.close();
  });
});

describe.skipIf(chromiumMissing || skipWithoutData)('the live learning demo in the presenter', () => {
  const app = useBuiltApp({ headers: 'isolated' });
  const temp = mkdtempSync(join(tmpdir(), 'hilum-live-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('falls back to filling the window when full screen is refused, and fine-tunes live on a labelled folder', async () => {
    // 40 Shenzhen films, half TB, as a folder with one subfolder per class.
    for (const row of balanced(shenzhenRows(), 'train', 40)) {
      const dir = join(temp, 'films', row.label === 1 ? 'tb' : 'normal');
      mkdirSync(dir, { recursive: true });
      copyFileSync(row.path, join(dir, `${row.id}.png`));
    }
    const w = await app.open();
    const page = w.page;
    // This browser refuses full screen, as a locked-down lecture-hall PC may: the presenter must fill the window instead.
    await page.addInitScript(() => {
      Element.prototype.requestFullscreen = () => Promise.reject(new TypeError('Permissions check failed'));
    });
    await page.reload();
    await buildAndExportDeck(page);
    await page.getByTestId('deck-close').click();
    await page.getByTestId('deck-present').first().click();
    await page.getByTestId('present-fallback').waitFor();
    expect(await page.getByTestId('present').getAttribute('data-fullscreen')).toBe('fallback');
    const box = await page.getByTestId('present').boundingBox();
    const viewport = page.viewportSize();
    expect([box?.x, box?.y, box?.width, box?.height]).toEqual([0, 0, viewport?.width, viewport?.height]);
    await page.getByTestId('present-live').click();
    await page.getByTestId('live-folder').setInputFiles(join(temp, 'films'));
    await expect.poll(() => page.getByTestId('live-blocker').count(), { timeout: 60_000 }).toBe(0);
    await page.getByTestId('live-train').click();
    await page.getByTestId('live-metrics').waitFor({ timeout: 180_000 });
    const auc = Number(await page.getByTestId('live-metrics-auc').first().getAttribute('data-value'));
    expect(auc).toBeGreaterThan(0.5);
    expect(auc).toBeLessThanOrEqual(1);
    // The loss curves were drawn, both of them, over more than one epoch.
    const paths = await page.locator('[data-testid=curve-loss] path').evaluateAll((els) => els.map((e) => (e.getAttribute('d') ?? '').split('L').length));
    expect(paths.every((points) => points > 2)).toBe(true);
    expect(await page.getByTestId('live-outcome').textContent()).toMatch(/kept epoch \d+/);
    expect(w.external).toEqual([]);
    await w.context.close();
  });
});
