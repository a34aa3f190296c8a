/**
 * A static file server for the built app, like any plain host: it can send Hilum's security
 * headers or none at all, answers a revalidation with 304 as real hosts do (ETag), records
 * every request and what each response sent, and can pretend a new version was deployed.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SECURITY_HEADERS } from '../security-headers.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.webmanifest': 'application/manifest+json', '.wasm': 'application/wasm',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.bin': 'application/octet-stream', '.md': 'text/markdown; charset=utf-8',
};

export interface StaticServerOptions {
  root: string;
  /** 'isolated' sends COOP/COEP/CSP like `vite preview`; 'plain' sends none, like a bare static host. */
  headers: 'isolated' | 'plain';
}

/** One response: 200 with a body, 304 (the client's copy is current) or 404. */
export interface SentResponse {
  path: string;
  /** The file served, relative to the root ('/' is index.html). */
  file: string;
  status: number;
  bytes: number;
}

export interface StaticServer {
  origin: string;
  requests: string[];
  responses: SentResponse[];
  /** Serve a byte-different sw.js from now on, as a new deployment would. */
  deployNewVersion(): void;
  close(): Promise<void>;
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const requests: string[] = [];
  const responses: SentResponse[] = [];
  let version = 1;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname);
    const path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    const served = path.endsWith('/') ? `${path}index.html` : path;
    const file = join(options.root, served);
    readFile(file).then((body) => {
      const extra = url.pathname === '/sw.js' && version > 1 ? Buffer.from(`\n// deployment ${version}\n`) : Buffer.alloc(0);
      const content = Buffer.concat([body, extra]);
      const etag = `"${createHash('sha1').update(content).digest('base64url')}"`;
      const headers: Record<string, string> = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache', ETag: etag };
      if (options.headers === 'isolated') Object.assign(headers, SECURITY_HEADERS);
      const current = req.headers['if-none-match'] === etag;
      res.writeHead(current ? 304 : 200, headers);
      res.end(current ? undefined : content);
      responses.push({ path: url.pathname, file: served, status: current ? 304 : 200, bytes: current ? 0 : content.length });
    }, () => {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      responses.push({ path: url.pathname, file: served, status: 404, bytes: 0 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Never time an idle connection out: a Node test that runs WASM synchronously for seconds blocks
  // this server's timer and fetch's alike, and when both fire fetch can reuse the socket the server
  // is closing ('fetch failed'). close() ends every connection itself.
  server.keepAliveTimeout = 0;
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    responses,
    deployNewVersion: () => { version += 1; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
