/** A new deployment is announced, and the page reloads only when the user says so. */
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';

describe.skipIf(chromiumMissing)('updates', () => {
  const app = useBuiltApp({ headers: 'isolated' });

  it('offers a reload when a new version is deployed', async () => {
    const w = await app.open();
    await w.page.getByText('Hilum is ready to work offline.').waitFor({ timeout: 60_000 });
    const before = await w.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '');
    expect(before).toMatch(/sw\.js$/);

    app.server.deployNewVersion();
    await w.page.reload();
    const toast = w.page.getByText('A new version of Hilum is available.');
    await toast.waitFor({ timeout: 60_000 });
    // Nothing reloads by itself: the old worker keeps control until the user agrees.
    const waiting = await w.page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting));
    expect(waiting).toBe(true);

    const reloaded = w.page.waitForEvent('load', { timeout: 60_000 });
    await w.page.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    const after = await w.page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return { waiting: Boolean(registration?.waiting), active: registration?.active?.state };
    });
    expect(after).toEqual({ waiting: false, active: 'activated' });
    expect(w.external).toEqual([]);
    await w.context.close();
  });
});
