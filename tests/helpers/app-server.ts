/**
 * The built app served from dist/ and one Chromium, for the duration of a describe block.
 * `open()` gives a fresh browser context whose outside requests are blocked and recorded.
 */
import { afterAll, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchBrowser, watchedContext, type WatchedContext } from '../../src/cli/chromium.ts';
import { startStaticServer, type StaticServer, type StaticServerOptions } from '../../src/cli/static-server.ts';

export interface BuiltApp {
  readonly server: StaticServer;
  readonly browser: Browser;
  /** A new context on `path` (default the app's root). */
  open(path?: string): Promise<WatchedContext>;
}

/** HILUM_DIST serves another build folder, so two builds can be tested side by side. */
const root = process.env.HILUM_DIST ?? 'dist';

export function useBuiltApp(options: { headers: StaticServerOptions['headers']; webgpu?: boolean }): BuiltApp {
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!existsSync(`${root}/index.html`)) throw new Error('run `npm run build` first');
    server = await startStaticServer({ root, headers: options.headers });
    browser = await launchBrowser({ webgpu: options.webgpu ?? false });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const app: BuiltApp = {
    get server(): StaticServer {
      if (!server) throw new Error('the app server is not running');
      return server;
    },
    get browser(): Browser {
      if (!browser) throw new Error('the browser is not running');
      return browser;
    },
    async open(path = '/'): Promise<WatchedContext> {
      const w = await watchedContext(app.browser, app.server.origin);
      await w.page.goto(`${app.server.origin}${path}`);
      return w;
    },
  };
  return app;
}
