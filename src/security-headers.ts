/**
 * The one definition of Hilum's security headers. The dev and preview servers send them,
 * the built index.html carries the CSP as a meta tag, and the service worker adds all of
 * them to every response it serves, so a static host that cannot set headers still gets
 * cross-origin isolation (WASM threads) and a CSP that also covers the worker scripts.
 */

/**
 * Nothing may leave the origin. 'wasm-unsafe-eval' lets tfjs compile its WASM binaries;
 * blob: in script-src/worker-src is needed because the threaded WASM build starts its
 * pthread workers from blob URLs (without it the threaded backend hangs silently).
 */
const CSP_DIRECTIVES: readonly string[] = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self'",
  "font-src 'self'",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "manifest-src 'self'",
];

/** The CSP as it can appear in a <meta> tag (frame-ancestors is ignored there). */
export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.join('; ');

/** The CSP for a response header, where frame-ancestors is honoured. */
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'self'`;

/** Cross-origin isolation: needed for SharedArrayBuffer and so for WASM threads. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...ISOLATION_HEADERS,
  'Content-Security-Policy': CONTENT_SECURITY_POLICY_HEADER,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
