/**
 * Teaching the outline in Chromium: three Shenzhen chest films outlined by the shipped lung
 * model, each corrected with the eraser through the existing tools, then the decoder is
 * fine-tuned on two of them in the worker and the Dice before -> after on the held-out third
 * is shown; the draft is then offered by the Outline panel's picker and outlines a film.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';

const FILMS = ['CHNCXR_0475_1', 'CHNCXR_0297_0', 'CHNCXR_0075_0'];

async function outlineAndErase(page: Page, film: string): Promise<void> {
  await page.getByTestId('series-list').getByRole('button', { name: new RegExp(film) }).click();
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid=segment]')?.disabled, undefined, { timeout: 30_000 });
  await page.getByTestId('segment').click();
  await page.getByTestId('mask-tools').waitFor({ timeout: 120_000 });
  await page.getByTestId('tool-eraser').check();
  await page.getByTestId('viewer-canvas').scrollIntoViewIfNeeded();
  const box = await page.getByTestId('viewer-canvas').boundingBox();
  if (!box) throw new Error('no canvas');
  // A band across both lungs, a little below the middle of the film.
  const y = box.y + box.height * 0.55;
  await page.mouse.move(box.x + box.width * 0.2, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.8, y, { steps: 6 });
  await page.mouse.up();
  await page.getByTestId('segment-edited').waitFor();
}

describe.skipIf(chromiumMissing || skipWithoutData)('teaching the outline', () => {
  const app = useBuiltApp({ headers: 'isolated' });

  it('fine-tunes on brush corrections, shows held-out Dice before and after, and outlines with the draft', async () => {
    const w = await app.open();
    const { page } = w;
    const root = join(DATA_ROOT, 'cxr-lung-seg-shenzhen-256', 'images');
    await page.getByTestId('files-input').setInputFiles(FILMS.map((f) => join(root, `${f}.png`)));
    await page.getByTestId('slice').waitFor({ timeout: 60_000 });

    await outlineAndErase(page, FILMS[0] ?? '');
    expect(await page.getByTestId('teach-blocked').textContent()).toMatch(/1 corrected image so far; correct at least 3/);
    await outlineAndErase(page, FILMS[1] ?? '');
    expect(await page.getByTestId('teach-blocked').textContent()).toMatch(/2 corrected images so far/);
    expect(await page.getByTestId('teach-run').isDisabled()).toBe(true);
    await outlineAndErase(page, FILMS[2] ?? '');
    expect(await page.getByTestId('teach-blocked').count()).toBe(0);
    // Every third is held out by default: the third film.
    const held = page.getByTestId('teach-held-out');
    expect(await held.count()).toBe(3);
    expect([await held.nth(0).isChecked(), await held.nth(1).isChecked(), await held.nth(2).isChecked()]).toEqual([false, false, true]);

    await page.getByTestId('teach-run').click();
    await page.getByTestId('teach-progress').filter({ hasText: /Epoch \d+ of 20/ }).waitFor({ timeout: 120_000 });
    await page.getByTestId('teach-result').waitFor({ timeout: 300_000 });
    const rows = page.getByTestId('teach-dice-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(new RegExp(`${FILMS[2] ?? ''}.png\\s*0\\.\\d{3} → 0\\.\\d{3}`));
    const mean = /^(\d\.\d{3}) → (\d\.\d{3})$/.exec(((await page.getByTestId('teach-mean').textContent()) ?? '').trim());
    const [before, after] = [Number(mean?.[1]), Number(mean?.[2])];
    console.log(`browser held-out Dice ${before} -> ${after}`);
    expect(before).toBeGreaterThan(0.3);
    expect(after).toBeGreaterThan(0.3);
    // A draft no better on the held-out film says so.
    expect(await page.getByTestId('teach-no-better').count()).toBe(after <= before ? 1 : 0);

    await page.getByTestId('teach-use').click();
    await page.getByTestId('teach-in-use').waitFor();
    const picker = page.getByTestId('segment-model');
    expect(await picker.inputValue()).toMatch(/^lungs-cxr~draft-\d+$/);
    expect(await picker.locator('option:checked').textContent()).toMatch(/fine-tuned draft/);
    // The draft outlines the shown film like a shipped model.
    await page.getByTestId('segment').click();
    await expect.poll(async () => (await page.getByTestId('segment-edited').count()) === 0 && (await page.getByTestId('segment-result').count()) === 1, { timeout: 60_000 }).toBe(true);
    expect(await page.getByTestId('area-total').textContent()).toMatch(/px$/);
    expect(await page.getByTestId('segment-error').count()).toBe(0);
    expect(w.external).toEqual([]);
    await w.context.close();
  }, 600_000);
});
