/**
 * Privacy by construction: the shipped CSP forbids any connection outside the origin, in the
 * page and in the ML worker, and nothing the page loads carries TensorFlow.js.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';

/** Kernel names are string constants that survive minification: a sure sign of tfjs. */
const TFJS_MARKERS = ['"FusedConv2D"', '"Conv2DBackpropInput"', '`FusedConv2D`', "'FusedConv2D'"];

function entryChunks(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? '');
}

/** Every chunk the page loads before it runs: its entry chunks and what they import statically. */
function pageClosure(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  for (let chunk = queue.pop(); chunk !== undefined; chunk = queue.pop()) {
    if (seen.has(chunk)) continue;
    seen.add(chunk);
    const text = readFileSync(join('dist', chunk), 'utf8');
    for (const m of text.matchAll(/from\s*"\.\/([^"]+\.js)"/g)) queue.push(`assets/${m[1] ?? ''}`);
  }
  return seen;
}

describe('the built bundle', () => {
  it('keeps tfjs out of the page and inside the worker chunks', () => {
    const html = readFileSync('dist/index.html', 'utf8');
    const pageChunks = [...pageClosure(entryChunks(html))];
    expect(pageChunks.length).toBeGreaterThan(0);
    for (const chunk of pageChunks) {
      const text = readFileSync(join('dist', chunk), 'utf8');
      expect(TFJS_MARKERS.some((m) => text.includes(m)), `${chunk} contains tfjs`).toBe(false);
    }
    const withTfjs = readdirSync('dist/assets').filter((f) => f.endsWith('.js'))
      .filter((f) => TFJS_MARKERS.some((m) => readFileSync(join('dist/assets', f), 'utf8').includes(m)));
    // The worker's start-up chunk and the kernels it shares with backends loaded on demand.
    expect(withTfjs.length).toBeGreaterThan(0);
    for (const chunk of withTfjs) expect(pageChunks).not.toContain(`assets/${chunk}`);
  });

  it('ships a CSP meta tag that allows nothing outside the origin', () => {
    const html = readFileSync('dist/index.html', 'utf8');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1]?.replaceAll('&#39;', "'") ?? '';
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|https?:|\*/);
  });
});

describe.skipIf(chromiumMissing)('the CSP in Chromium', () => {
  const app = useBuiltApp({ headers: 'plain' });

  it('blocks a request to another host from the page and from a worker', async () => {
    const w = await app.open();
    await expect.poll(() => w.page.evaluate(() => self.crossOriginIsolated), { timeout: 60_000, interval: 500 }).toBe(true);
    const fromPage = await w.page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const outcome = await fetch('https://example.com/track').then(() => 'sent', () => 'blocked');
      await new Promise((r) => setTimeout(r, 100));
      return { outcome, violations };
    });
    // Both the meta policy and the service worker's header policy report the same violation.
    expect(fromPage.outcome).toBe('blocked');
    expect(new Set(fromPage.violations)).toEqual(new Set(['connect-src']));
    // A blob worker inherits the page's policy.
    const fromWorker = await w.page.evaluate(async () => {
      const source = "fetch('https://example.com/t').then(() => postMessage('sent'), () => postMessage('blocked'))";
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const worker = new Worker(url);
      return new Promise<string>((resolve) => { worker.onmessage = (e) => resolve(String(e.data)); });
    });
    expect(fromWorker).toBe('blocked');
    // Scripts, the ML worker's included, get the policy as a header from the service worker.
    const scriptCsp = await w.page.evaluate(async () => {
      const src = document.querySelector<HTMLScriptElement>('script[type=module]')?.src ?? '';
      return (await fetch(src)).headers.get('content-security-policy');
    });
    expect(scriptCsp).toContain("connect-src 'self'");
    const assetCsp = await w.page.evaluate(async () => (await fetch('models/manifest.json')).headers.get('content-security-policy'));
    expect(assetCsp).toContain("connect-src 'self'");
    expect(w.external).toEqual([]);
    await w.context.close();
  });
});
