/**
 * The app as a user meets it: served with its headers, it says which backend it chose and
 * why, runs the bundled model on a real chest X-ray, and never asks anything of another host.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { analyseFile } from '../helpers/app.ts';
import { overlayPixels } from '../helpers/canvas.ts';
import { dataPath, sampleChestPng, skipWithoutData } from '../helpers/data.ts';
import { photographed } from '../helpers/photo.ts';

describe.skipIf(chromiumMissing)('the app in Chromium', () => {
  const app = useBuiltApp({ headers: 'isolated', webgpu: true });

  it('picks WASM over the software WebGPU adapter, says why, and classifies a real X-ray', async () => {
    const w = await app.open();
    const badge = w.page.getByTestId('backend-badge');
    await expect.poll(() => badge.locator('[data-backend]').getAttribute('data-backend'), { timeout: 60_000 }).toBe('wasm');
    const attempts = await w.page.getByTestId('backend-attempts').textContent();
    expect(attempts).toMatch(/WebGPU: software WebGPU adapter/);
    expect(await w.page.evaluate(() => self.crossOriginIsolated)).toBe(true);

    await analyseFile(w.page, sampleChestPng());
    const result = w.page.getByTestId('result');
    await result.waitFor({ timeout: 60_000 });
    const pct = await result.locator('[data-label="pneumonia"]').textContent();
    const probability = Number.parseFloat(pct ?? '') / 100;
    expect(probability).toBeGreaterThanOrEqual(0);
    expect(probability).toBeLessThanOrEqual(1);
    expect(await w.page.getByTestId('result-backend').getAttribute('data-backend')).toBe('wasm');
    expect(w.external).toEqual([]);
    await w.context.close();
  });

  it('lists a file that is not an image or DICOM, and keeps working', async () => {
    const w = await app.open();
    await w.page.getByTestId('files-input').setInputFiles([
      { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') },
    ]);
    const errors = w.page.getByTestId('file-errors');
    await errors.waitFor({ timeout: 30_000 });
    expect(await errors.textContent()).toMatch(/notes\.png: not a DICOM file or an image/);
    await analyseFile(w.page, sampleChestPng());
    await w.page.getByTestId('result').waitFor({ timeout: 60_000 });
    expect(await w.page.getByTestId('demo-error').count()).toBe(0);
    await w.context.close();
  });

  it('is installable: Chromium reports no installability error', async () => {
    const w = await app.open();
    await w.page.getByText('Hilum is ready to work offline.').waitFor({ timeout: 60_000 });
    const cdp = await w.context.newCDPSession(w.page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    // Playwright's contexts are incognito, which Chromium reports; anything else is ours.
    expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
    const manifest = await w.page.evaluate(async () => (await fetch('manifest.webmanifest')).json() as Promise<{ icons: { sizes: string }[] }>);
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    await w.context.close();
  });

  it('remembers a backend the user chose', async () => {
    const w = await app.open();
    const name = w.page.getByTestId('backend-badge').locator('[data-backend]');
    await expect.poll(() => name.getAttribute('data-backend'), { timeout: 60_000 }).toBe('wasm');
    await w.page.getByTestId('backend-choice').selectOption('cpu');
    await expect.poll(() => name.getAttribute('data-backend'), { timeout: 60_000 }).toBe('cpu');
    await w.page.reload();
    await expect.poll(() => w.page.getByTestId('backend-badge').locator('[data-backend]').getAttribute('data-backend'), { timeout: 60_000 }).toBe('cpu');
    expect(await w.page.getByTestId('backend-choice').inputValue()).toBe('cpu');
    await w.context.close();
  });

  it.skipIf(skipWithoutData)('calls a brain MRI out of scope for the chest model, and a chest film in scope', async () => {
    const w = await app.open();
    await analyseFile(w.page, dataPath('dicom/mr_series_bbmri_6slice/bbmri-53323131.dcm'));
    await w.page.getByTestId('result').waitFor({ timeout: 60_000 });
    // Said twice over: by its tags (an MR, not a CR or DX film) and by its pixels (the gate).
    const why = await w.page.getByTestId('out-of-scope').textContent();
    expect(why).toMatch(/modality is MR; this model reads CR or DX images/);
    expect(why).toMatch(/cannot judge it/);
    expect(await w.page.locator('[data-label="pneumonia"]').count()).toBe(0);
    await w.page.getByRole('button', { name: /Show the result anyway/ }).click();
    expect(await w.page.getByTestId('verdict').textContent()).toMatch(/^Out of scope: /);

    await w.context.close();

    const chest = await app.open();
    await analyseFile(chest.page, dataPath('dicom/chest_radiograph/CR-MONO1-10-chest.dcm'));
    await expect.poll(() => chest.page.getByTestId('verdict').textContent(), { timeout: 60_000 }).toMatch(/suggested/);
    expect(await chest.page.getByTestId('out-of-scope').count()).toBe(0);
    await chest.context.close();
  });

  it.skipIf(skipWithoutData)('shows a colour photograph of a film in colour and calls it out of scope for its colour', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'hilum-photo-'));
    const photo = join(folder, 'photo-of-film.png');
    writeFileSync(photo, photographed(sampleChestPng('NORMAL')));
    const w = await app.open();
    await analyseFile(w.page, photo);
    await w.page.getByTestId('result').waitFor({ timeout: 60_000 });
    expect(await w.page.getByTestId('out-of-scope').textContent()).toMatch(/The image is in colour/);
    expect(await w.page.locator('[data-label="pneumonia"]').count()).toBe(0);
    // The viewer shows the photograph as it is, not reduced to grey.
    expect(await overlayPixels(w.page, 'coloured', 7)).toBeGreaterThan(100);
    await w.context.close();
    rmSync(folder, { recursive: true, force: true });
  });
});
