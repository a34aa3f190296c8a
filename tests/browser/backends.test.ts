/**
 * The bundled model on every backend this Chromium has (WebGPU through SwiftShader, asked for
 * explicitly), agreeing within a stated tolerance; and a WebGPU device loss mid-session that
 * falls back to the next backend without a reload.
 */
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import type { CrashDrillResult, DrillResult, LabRow } from '../../src/lab/run.ts';

/** float32 on different kernels: softmax outputs agree far better than this. */
const TOLERANCE = 1e-4;

describe.skipIf(chromiumMissing)('backends', () => {
  const app = useBuiltApp({ headers: 'isolated', webgpu: true });

  it('gives the same probabilities on WebGPU, WASM, WebGL and CPU', async () => {
    const w = await app.open('/lab.html?backends=webgpu,wasm,webgl,cpu&runs=2');
    await w.page.waitForFunction(() => 'hilumLab' in window, undefined, { timeout: 180_000 });
    const rows = await w.page.evaluate(() => (window as unknown as { hilumLab: LabRow[] }).hilumLab);
    for (const row of rows) {
      expect(row.error, `${row.requested}: ${row.error ?? ''}`).toBeUndefined();
      expect(row.backend).toBe(row.requested);
      expect(row.maxDiff).toBeLessThan(TOLERANCE);
    }
    expect(rows.map((r) => r.backend)).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
    expect(w.external).toEqual([]);
    await w.context.close();
  });

  it('falls back from a lost WebGPU device to WASM and keeps answering', async () => {
    const w = await app.open('/lab.html?drill=device-loss');
    await w.page.waitForFunction(() => 'hilumDrill' in window, undefined, { timeout: 120_000 });
    const drill = await w.page.evaluate(() => (window as unknown as { hilumDrill: DrillResult }).hilumDrill);
    expect(drill).toMatchObject({ before: 'webgpu', after: 'wasm', fellBackFrom: 'webgpu' });
    expect(drill.maxDiff).toBeLessThan(TOLERANCE);
    await w.context.close();
  });

  it('restarts a crashed worker and answers the same afterwards', async () => {
    const w = await app.open('/lab.html?drill=crash');
    await w.page.waitForFunction(() => 'hilumCrash' in window, undefined, { timeout: 120_000 });
    const crash = await w.page.evaluate(() => (window as unknown as { hilumCrash: CrashDrillResult }).hilumCrash);
    expect(crash.error).toBeUndefined();
    expect(crash.restarts).toBe(1);
    expect(crash.after).toBeCloseTo(crash.before ?? Number.NaN, 6);
    await w.context.close();
  });
});
