/// <reference lib="webworker" />
/**
 * Hilum's service worker, written by hand because it does two jobs Workbox does not:
 * it serves the precached app offline, and it adds the security headers to every response
 * so that a static host without header support still gets cross-origin isolation (WASM
 * threads) and a CSP that also covers worker scripts.
 */
import { SECURITY_HEADERS } from './security-headers.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

const entries = self.__WB_MANIFEST;
/** One cache per build: the revisions change whenever any precached file does. */
const CACHE = `hilum-${hashString(entries.map((e) => `${e.url}@${e.revision ?? ''}`).join('|'))}`;
const SHELL = new URL('index.html', self.registration.scope).href;

function hashString(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

function withSecurityHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // The plugin lists the web manifest and its icons twice; addAll rejects duplicates.
    const urls = [...new Set(entries.map((e) => new URL(e.url, self.registration.scope).href))];
    // 'no-cache', not 'reload': a file the page has already fetched on this first visit is
    // revalidated (a 304, no body) instead of downloaded again, so a clinic's slow line carries
    // each file once; a changed file still comes fresh from the server.
    await cache.addAll(urls.map((url) => new Request(url, { cache: 'no-cache' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith('hilum-') && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

/** The page asks for this when the user accepts an update. */
self.addEventListener('message', (event) => {
  const data: unknown = event.data;
  if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'SKIP_WAITING') void self.skipWaiting();
});

async function respond(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const key = request.mode === 'navigate' ? await navigationKey(cache, request) : request;
  const cached = await cache.match(key, { ignoreSearch: request.mode === 'navigate' });
  if (cached) return withSecurityHeaders(cached);
  return withSecurityHeaders(await fetch(request));
}

/** A navigation to a precached page gets that page; any other gets the app shell. */
async function navigationKey(cache: Cache, request: Request): Promise<string> {
  const url = new URL(request.url);
  url.search = '';
  const own = await cache.match(url.href);
  return own ? url.href : SHELL;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(respond(request));
});
