/**
 * A long session in a real worker: the same classification a thousand times over, with the
 * worker's tensor count and the JS heap of the page's workers (Chromium's own measurement)
 * sampled along the way. Both must stay flat: a leak of one tensor or buffer per call shows.
 */
import { MlClient } from '../ml/client.ts';
import { labOptions, syntheticImage } from './run.ts';

export interface LongSessionSample {
  inferences: number;
  tensors: number;
  /** JS bytes of all dedicated workers, or -1 where the browser cannot measure them. */
  workerBytes: number;
}

export interface LongSessionResult {
  backend?: string;
  samples: LongSessionSample[];
  error?: string;
}

type MeasureMemory = () => Promise<{ breakdown: { bytes: number; attribution: { scope: string }[] }[] }>;

async function workerBytes(): Promise<number> {
  const measure = (performance as unknown as { measureUserAgentSpecificMemory?: MeasureMemory }).measureUserAgentSpecificMemory;
  if (!measure || !self.crossOriginIsolated) return -1;
  const result = await measure.call(performance);
  return result.breakdown.filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((n, b) => n + b.bytes, 0);
}

export async function runLongSession(count: number, every = 100): Promise<LongSessionResult> {
  const client = new MlClient(labOptions('wasm'));
  const result: LongSessionResult = { samples: [] };
  const image = syntheticImage(512);
  try {
    result.backend = (await client.backend()).name;
    // One warm-up call: the model loaded and its kernels compiled are what a session keeps.
    await client.classify('pneumonia-cxr', { ...image, pixels: image.pixels.slice() });
    const sample = async (inferences: number): Promise<void> => {
      result.samples.push({ inferences, tensors: await client.tensorCount(), workerBytes: await workerBytes() });
    };
    await sample(0);
    for (let i = 1; i <= count; i++) {
      await client.classify('pneumonia-cxr', { ...image, pixels: image.pixels.slice() });
      if (i % every === 0 || i === count) await sample(i);
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    client.dispose();
  }
  return result;
}
