/**
 * A plain static host that sends no headers: the service worker must make the page
 * cross-origin isolated (one reload on first install), precache everything, and after that
 * the app must load and run its model with the server gone. Not one request may leave.
 */
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import { analyseFile } from '../helpers/app.ts';
import { dataPath, sampleChestPng, skipWithoutData } from '../helpers/data.ts';

describe.skipIf(chromiumMissing || skipWithoutData)('offline, on a host without headers', () => {
  const app = useBuiltApp({ headers: 'plain' });

  it('isolates itself, caches everything, then runs the model offline', async () => {
    const w = await app.open();
    // First visit: the service worker installs, then the page reloads once, now isolated.
    await expect.poll(() => w.page.evaluate(() => self.crossOriginIsolated), { timeout: 60_000, interval: 500 }).toBe(true);
    await expect.poll(() => w.page.evaluate(async () => (await caches.keys()).length), { timeout: 30_000 }).toBeGreaterThan(0);
    const cached = await w.page.evaluate(async () => {
      const names = await caches.keys();
      const cache = await caches.open(names[0] ?? '');
      return (await cache.keys()).map((r) => new URL(r.url).pathname);
    });
    expect(cached).toEqual(expect.arrayContaining(['/index.html', '/models/manifest.json', '/models/pneumonia-mnist-tiny/weights.bin']));
    const wasm = cached.filter((p) => p.endsWith('.wasm'));
    expect(wasm.filter((p) => p.includes('tfjs-backend-wasm'))).toHaveLength(3);
    expect(['charls', 'libjpegturbo', 'openjpeg', 'openjph'].every((codec) => wasm.some((p) => p.includes(codec)))).toBe(true);

    await app.server.close();
    await w.context.setOffline(true);
    await w.page.reload();
    await expect.poll(() => w.page.getByTestId('backend-badge').locator('[data-backend]').getAttribute('data-backend'), { timeout: 60_000 }).toBe('wasm');
    expect(await w.page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    await analyseFile(w.page, sampleChestPng('NORMAL'));
    await w.page.getByTestId('result').waitFor({ timeout: 60_000 });
    expect(await w.page.getByTestId('result-backend').getAttribute('data-backend')).toBe('wasm');
    // A compressed DICOM needs a codec that was never used online: it must come from the cache.
    await w.page.getByTestId('files-input').setInputFiles(dataPath('dicom/multiframe/MR_10frame_jpegls.dcm'));
    await w.page.getByText('10 images').click();
    await expect.poll(() => w.page.getByTestId('slice').textContent(), { timeout: 30_000 }).toBe('1 / 10');
    expect(await w.page.getByTestId('file-errors').count()).toBe(0);
    expect(w.external).toEqual([]);
    await w.context.close();
  });
});
