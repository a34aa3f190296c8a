/**
 * `npm run bench`: the bundled model's load time and median inference time on every backend
 * headless Chromium offers, each in a fresh worker, measured by the app's own lab page.
 * Prints one table; numbers are medians of one run on a shared, noisy machine.
 */
import type { LabRow } from '../lab/run.ts';
import { launchBrowser, watchedContext } from './chromium.ts';
import { startStaticServer } from './static-server.ts';
import { argValue, dataRoot } from './args.ts';
import { benchDicom } from './bench-dicom.ts';
import { benchTraining } from './bench-training.ts';
import { benchFineTune } from './bench-finetune.ts';
import { benchReading } from './bench-reading.ts';

interface Setup {
  label: string;
  headers: 'isolated' | 'plain';
  query: string;
}

const RUNS = Number(argValue('--runs') ?? 30);
const MODEL = argValue('--model') ?? 'pneumonia-cxr';

const SETUPS: Setup[] = [
  { label: 'WASM SIMD, page not isolated (no threads)', headers: 'plain', query: 'backends=wasm' },
  { label: 'WASM SIMD, isolated, 1 thread', headers: 'isolated', query: 'backends=wasm&threads=1' },
  { label: 'WASM SIMD, isolated, 2 threads', headers: 'isolated', query: 'backends=wasm&threads=2' },
  { label: 'WebGPU (explicit)', headers: 'isolated', query: 'backends=webgpu' },
  { label: 'WebGL', headers: 'isolated', query: 'backends=webgl' },
  { label: 'CPU (plain JS)', headers: 'isolated', query: 'backends=cpu' },
];

async function measure(setup: Setup): Promise<{ setup: Setup; row: LabRow | undefined; isolated: boolean }> {
  const server = await startStaticServer({ root: 'dist', headers: setup.headers });
  const browser = await launchBrowser({ webgpu: true });
  try {
    // No service worker: it would add the isolation headers and spoil the "not isolated" row.
    const w = await watchedContext(browser, server.origin, 'block');
    await w.page.goto(`${server.origin}/lab.html?${setup.query}&runs=${RUNS}&model=${MODEL}`);
    await w.page.waitForFunction(() => 'hilumLab' in window, undefined, { timeout: 600_000 });
    const rows = await w.page.evaluate(() => (window as unknown as { hilumLab: LabRow[] }).hilumLab);
    const isolated = await w.page.evaluate(() => self.crossOriginIsolated);
    if (w.external.length > 0) throw new Error(`requests left the origin: ${w.external.join(', ')}`);
    return { setup, row: rows[0], isolated };
  } finally {
    await browser.close();
    await server.close();
  }
}

function cell(value: number | undefined, digits: number): string {
  return value === undefined ? '-' : value.toFixed(digits);
}

const results = [];
for (const setup of SETUPS) results.push(await measure(setup));
const reference = results.find((r) => r.setup.query === 'backends=wasm&threads=1')?.row?.medianMs;

console.log(`\nModel ${MODEL}: load and classify one image, ${RUNS} runs after one warm-up, headless Chromium\n`);
console.log('| setup | ran on | isolated | threaded binary | threads used | adapter | load ms | median ms | vs WASM 1 thread |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const { setup, row, isolated } of results) {
  const ratio = reference && row?.medianMs ? `${(row.medianMs / reference).toFixed(2)}x` : '-';
  const ranOn = row?.error ? `failed: ${row.error}` : (row?.backend ?? '-');
  console.log(`| ${setup.label} | ${ranOn} | ${isolated ? 'yes' : 'no'} | ${row?.multithread === undefined ? '-' : row.multithread ? 'yes' : 'no'} | ${row?.threads ?? '-'} | ${row?.adapter ?? '-'} | ${cell(row?.loadMs, 1)} | ${cell(row?.medianMs, 2)} | ${ratio} |`);
}

await benchReading(dataRoot(), Number(argValue('--reading-runs') ?? 10));
await benchDicom(Number(argValue('--dicom-runs') ?? 15), dataRoot());
await benchTraining();
await benchFineTune(dataRoot());
