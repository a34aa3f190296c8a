/**
 * A static file server for the built app, like any plain host: it can send Hilum's security
 * headers or none at all, records every request, and can pretend a new version was deployed.
 */
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

export interface StaticServer {
  origin: string;
  requests: string[];
  /** Serve a byte-different sw.js from now on, as a new deployment would. */
  deployNewVersion(): void;
  close(): Promise<void>;
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const requests: string[] = [];
  let version = 1;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname);
    const path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(options.root, path.endsWith('/') ? `${path}index.html` : path);
    readFile(file).then((body) => {
      const extra = url.pathname === '/sw.js' && version > 1 ? Buffer.from(`\n// deployment ${version}\n`) : Buffer.alloc(0);
      const headers: Record<string, string> = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' };
      if (options.headers === 'isolated') Object.assign(headers, SECURITY_HEADERS);
      res.writeHead(200, headers);
      res.end(Buffer.concat([body, extra]));
    }, () => {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    deployNewVersion: () => { version += 1; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
