import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { CONTENT_SECURITY_POLICY, ISOLATION_HEADERS, SECURITY_HEADERS } from './src/security-headers.ts';

/** The built index.html carries the CSP itself, so any static host serves it. */
function cspMetaTag(): Plugin {
  return {
    name: 'hilum-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
          injectTo: 'head-prepend',
        },
      ],
    },
  };
}

export default defineConfig({
  // Relative asset paths: the build works from any folder of any static host.
  base: './',
  plugins: [
    svelte(),
    cspMetaTag(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Hilum: private radiology AI',
        short_name: 'Hilum',
        description: 'Open DICOM studies and run radiology AI entirely on this device. No image leaves it.',
        theme_color: '#10141a',
        background_color: '#10141a',
        display: 'standalone',
        start_url: './',
        scope: './',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // Everything the app needs offline: shell, worker, wasm binaries and every model file.
        globPatterns: ['**/*.{js,css,html,wasm,json,bin,png,svg,webmanifest,md}'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    target: 'es2022',
    rolldownOptions: {
      // notes.html: the presenter's notes window, a page of its own (no inline script under the CSP).
      input: { main: 'index.html', lab: 'lab.html', notes: 'notes.html' },
    },
  },
  worker: {
    format: 'es',
    rolldownOptions: {
      // Full compression of the worker broke tfjs-backend-wasm's threaded build (its pthread
      // helpers threw "e is not defined"); mangling alone keeps the bundle small and working.
      output: { minify: { compress: false, mangle: true } },
    },
  },
  // Dev gets isolation only: Svelte's dev build injects <style> tags that a strict CSP blocks.
  server: { headers: { ...ISOLATION_HEADERS } },
  preview: { headers: { ...SECURITY_HEADERS } },
});
