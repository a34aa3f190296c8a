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

  it('downloads each file of the app once while it caches itself for offline use', async () => {
    // Not routed: Playwright's routing would turn the HTTP cache off. Outside requests are still recorded.
    const w = await watchedContext(app.browser, app.server.origin, 'allow', false);
    await w.page.goto(`${app.server.origin}/`);
    await w.page.getByText('Hilum is ready to work offline.').waitFor({ timeout: 60_000 });
    // The page's own model load (the badge) races the caching; wait for both.
    await expect.poll(() => w.page.getByTestId('backend-badge').locator('[data-backend]').getAttribute('data-backend'), { timeout: 60_000 }).toBe('wasm');
    const cached = await w.page.evaluate(async () => {
      const name = (await caches.keys()).find((n) => n.startsWith('hilum-'));
      return name ? (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname) : [];
    });
    expect(cached.length).toBeGreaterThan(50);
    const bodies = new Map<string, number>();
    for (const r of app.server.responses) if (r.status === 200) bodies.set(r.file, (bodies.get(r.file) ?? 0) + 1);
    // The one exception, 1.5 KB: the page opened '/', the offline copy holds '/index.html', and
    // the HTTP cache keeps the two addresses apart, so the shell comes twice.
    const shell = bodies.get('/index.html');
    bodies.delete('/index.html');
    expect(shell).toBe(2);
    expect([...bodies].filter(([, n]) => n > 1)).toEqual([]);
    // Every cached file came over the network exactly once, whoever asked first.
    expect(cached.filter((path) => path !== '/index.html' && bodies.get(path) !== 1)).toEqual([]);
    // The page's own scripts, loaded before the service worker existed, were revalidated when it cached them.
    expect(app.server.responses.some((r) => r.status === 304 && /^\/assets\/main-.*\.js$/.test(r.file))).toBe(true);
    expect(w.external).toEqual([]);
    await w.context.close();
  });
});
