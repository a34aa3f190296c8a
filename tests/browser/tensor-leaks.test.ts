/**
 * The worker's tensor count over 100+ reading jobs (classification, Grad-CAM, lung outline,
 * brain slices) in a real ML worker on WASM: after every job it is back at the count the
 * loaded models hold, so a long session cannot run out of memory by leaking.
 */
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import type { ReadingResult } from '../../src/lab/reading.ts';

describe.skipIf(chromiumMissing)('tensor count in the worker', () => {
  const app = useBuiltApp({ headers: 'isolated' });

  it('returns to its baseline after each of more than 100 jobs', async () => {
    const w = await app.open('/lab.html?drill=reading&backend=wasm&runs=5');
    await w.page.waitForFunction(() => 'hilumReading' in window, undefined, { timeout: 200_000 });
    const reading = await w.page.evaluate(() => (window as unknown as { hilumReading: ReadingResult }).hilumReading);
    expect(reading.error).toBeUndefined();
    expect(reading.backend).toBe('wasm');
    expect(reading.jobs).toBeGreaterThanOrEqual(100);
    expect(reading.baseline).toBeGreaterThan(0);
    expect(new Set(reading.counts)).toEqual(new Set([reading.baseline]));
    expect(w.external).toEqual([]);
    await w.context.close();
  });
});
