/**
 * The bundled model on every backend this Chromium has (WebGPU through SwiftShader, asked for
 * explicitly), agreeing within a stated tolerance; and a WebGPU device loss mid-session that
 * falls back to the next backend without a reload.
 */
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../../src/cli/chromium.ts';
import { useBuiltApp } from '../helpers/app-server.ts';
import type { CrashDrillResult, DrillResult, LabRow } from '../../src/lab/run.ts';
import type { CancelDrillResult } from '../../src/lab/cancel-drill.ts';

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

  it('answers the other calls on a worker when one is cancelled, and fails a waiting call when the settings change', async () => {
    const w = await app.open('/lab.html?drill=cancel');
    await w.page.waitForFunction(() => 'hilumCancel' in window, undefined, { timeout: 300_000 });
    const r = await w.page.evaluate(() => (window as unknown as { hilumCancel: CancelDrillResult }).hilumCancel);
    expect(r.error).toBeUndefined();
    const before = r.before ?? Number.NaN;
    // The call sent just before the cancelled one shares its worker: it must still be answered.
    expect(r.bystander).toBeCloseTo(before, 6);
    expect(r.cancelled).toBe('rejected: cancelled');
    expect(r.aloneCancelled).toBe('rejected: cancelled');
    expect(r.afterAlone).toBeCloseTo(before, 6);
    expect(r.reconfigured).toBe('rejected: the AI settings changed; run it again');
    expect(r.afterReconfigure).toBeCloseTo(before, 6);
    // A cancel or a settings change replaces the worker; neither is a crash.
    expect(r.restarts).toBe(0);
    await w.context.close();
  }, 320_000);
});
