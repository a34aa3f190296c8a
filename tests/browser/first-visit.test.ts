/**
 * A clinic's first visit, often over a slow or metered line: the service worker's offline copy
 * must revalidate what the page has already downloaded, not download it a second time, so
 * each file of the app crosses the network once.
 */
import { describe, expect, it } from 'vitest';
import { chromiumMissing, watchedContext } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';

describe.skipIf(chromiumMissing)('first visit', () => {
  const app = useBuiltApp({ headers: 'isolated' });

  it('downloads each file of the app at most once while it caches itself for offline use', async () => {
    const w = await watchedContext(app.browser, app.server.origin, 'allow', false);
    await w.page.goto(`${app.server.origin}/`);
    await w.page.getByText('Hilum is ready to work offline.').waitFor({ timeout: 60_000 });
    // The page's own model load (the badge) races the caching; wait for both.
    await expect.poll(() => w.page.getByTestId('backend-badge').locator('[data-backend]').getAttribute('data-backend'), { timeout: 60_000 }).toBe('wasm');
    const cached = await w.page.evaluate(async () => {
      const cache = await caches.open((await caches.keys())[0] ?? '');
      return (await cache.keys()).length;
    });
    const bodies = new Map<string, number>();
    for (const r of app.server.responses) if (r.status === 200) bodies.set(r.path, (bodies.get(r.path) ?? 0) + 1);
    expect([...bodies].filter(([, n]) => n > 1)).toEqual([]);
    // Every cached file came over the network once; the page's own scripts, loaded before the
    // service worker was registered, were revalidated (304) when it cached them.
    expect(bodies.size).toBeGreaterThanOrEqual(cached);
    expect(app.server.responses.some((r) => r.status === 304 && /^\/assets\/main-.*\.js$/.test(r.path))).toBe(true);
    expect(w.external).toEqual([]);
    await w.context.close();
  });
});
