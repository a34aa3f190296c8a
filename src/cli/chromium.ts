/**
 * Debian's Chromium through playwright-core (never a downloaded browser), with every request
 * watched: anything that is not for the test server is recorded, and blocked unless a caller
 * needs the HTTP cache (see watchedContext), so a test can fail on a single outside request.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumMissing = !existsSync(CHROMIUM);

export async function launchBrowser(options: { webgpu?: boolean; cores?: number; extraArgs?: string[] } = {}): Promise<Browser> {
  const args = [
    '--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
  ];
  if (options.webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan');
  args.push(...(options.extraArgs ?? []));
  return chromium.launch({ executablePath: CHROMIUM, args });
}

export interface WatchedContext {
  context: BrowserContext;
  /** Every URL the pages, workers and service worker asked for. */
  requests: string[];
  /** Requests that went anywhere but the test server: must stay empty. */
  external: string[];
  consoleErrors: string[];
  page: Page;
}

/**
 * A context whose outside requests are recorded and blocked. `block: false` only records them:
 * Playwright's request routing turns the browser's HTTP cache off, so a test of what the cache
 * saves must do without it.
 */
export async function watchedContext(browser: Browser, origin: string, serviceWorkers: 'allow' | 'block' = 'allow', block = true): Promise<WatchedContext> {
  const context = await browser.newContext({ serviceWorkers });
  const requests: string[] = [];
  const external: string[] = [];
  const consoleErrors: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    requests.push(url);
    if (!isOwn(url, origin)) external.push(url);
  });
  if (block) await context.route((url) => !isOwn(url.href, origin), (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  return { context, requests, external, consoleErrors, page };
}

function isOwn(url: string, origin: string): boolean {
  if (url.startsWith('blob:') || url.startsWith('data:')) return true;
  return new URL(url).origin === origin;
}
