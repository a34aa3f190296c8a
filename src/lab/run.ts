/**
 * The lab runs the bundled model on each backend in turn, in a fresh worker each, and
 * reports load time, median inference time and how far each backend's probabilities are
 * from the first one's. `npm run bench` and the browser tests read its results.
 */
import type { BackendName, BackendPreference, ClassifyResult, GreyImage, InitOptions } from '../ml/api.ts';
import { MlClient } from '../ml/client.ts';
import { median } from '../ml/overlap.ts';

export interface LabConfig {
  backends: BackendName[];
  threads: number;
  runs: number;
  modelId?: string;
}

export interface LabRow {
  requested: BackendName;
  backend?: BackendName;
  threads?: number;
  simd?: boolean;
  multithread?: boolean;
  adapter?: string;
  loadMs?: number;
  medianMs?: number;
  probabilities?: number[];
  maxDiff?: number;
  error?: string;
}

export function parseLabConfig(search: string): LabConfig {
  const params = new URLSearchParams(search);
  const names = (params.get('backends') ?? 'webgpu,wasm,webgl,cpu').split(',');
  const backends = names.filter((n): n is BackendName => ['webgpu', 'wasm', 'webgl', 'cpu'].includes(n));
  const config: LabConfig = { backends, threads: Number(params.get('threads') ?? 0), runs: Math.max(1, Number(params.get('runs') ?? 10)) };
  const model = params.get('model');
  if (model) config.modelId = model;
  return config;
}

/** A deterministic, chest-film-like test image: two dark ovals on a bright, textured field. */
export function syntheticImage(size = 256): GreyImage {
  const pixels = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / size - 0.5;
      const v = y / size - 0.5;
      const lung = Math.min(((u + 0.2) / 0.15) ** 2 + (v / 0.3) ** 2, ((u - 0.2) / 0.15) ** 2 + (v / 0.3) ** 2);
      const texture = 20 * Math.sin(x * 0.7) * Math.cos(y * 0.45);
      pixels[y * size + x] = (lung < 1 ? 60 : 190) + texture;
    }
  }
  return { width: size, height: size, pixels };
}

/** A lab client's settings: the backend asked for, WASM threads if given, the models served beside the page. */
export function labOptions(preferred: BackendPreference, wasmThreads?: number): InitOptions {
  return { preferred, ...(wasmThreads === undefined ? {} : { wasmThreads }), modelsBaseUrl: new URL('models/', document.baseURI).href };
}

/** The lab times classification; segmenters are listed in the same manifest. */
async function firstClassifier(client: MlClient): Promise<string | undefined> {
  return (await client.listModels()).find((m) => m.task === 'classification')?.id;
}

async function runOne(requested: BackendName, config: LabConfig, image: GreyImage): Promise<LabRow> {
  const preferred: BackendPreference = requested;
  const client = new MlClient(labOptions(preferred, config.threads));
  const row: LabRow = { requested };
  try {
    const info = await client.backend();
    Object.assign(row, { backend: info.name, threads: info.threads, simd: info.simd, multithread: info.multithread, adapter: info.adapter });
    if (info.name !== requested) throw new Error(`could not start (${info.attempts.find((a) => a.backend === requested)?.reason ?? 'unavailable'})`);
    const modelId = config.modelId ?? (await firstClassifier(client));
    if (!modelId) throw new Error('no bundled model');
    row.loadMs = (await client.loadModel(modelId)).ms;
    const times: number[] = [];
    for (let i = 0; i <= config.runs; i++) {
      const copy = { ...image, pixels: image.pixels.slice() };
      const result = await client.classify(modelId, copy);
      row.probabilities = result.scores.map((s) => s.probability);
      if (i > 0) times.push(result.ms); // the first run compiles shaders and warms caches
    }
    row.medianMs = median(times);
  } catch (error) {
    row.error = error instanceof Error ? error.message : String(error);
  } finally {
    client.dispose();
  }
  return row;
}

export async function runLab(config: LabConfig, image: GreyImage = syntheticImage()): Promise<LabRow[]> {
  const rows: LabRow[] = [];
  for (const backend of config.backends) rows.push(await runOne(backend, config, image));
  const reference = rows.find((r) => r.probabilities)?.probabilities;
  for (const row of rows) {
    if (reference && row.probabilities) {
      row.maxDiff = Math.max(...row.probabilities.map((p, i) => Math.abs(p - (reference[i] ?? 0))));
    }
  }
  return rows;
}

export interface DrillResult {
  before?: BackendName;
  after?: BackendName;
  fellBackFrom?: BackendName;
  /** Largest difference between the probabilities before and after the fallback. */
  maxDiff?: number;
  error?: string;
}

export type Classify = (signal?: AbortSignal) => Promise<ClassifyResult>;

/**
 * A drill: a fresh client on `preferred`, a classify function that sends a copy of the image
 * (its buffer is transferred away each time), and any error reported in the result.
 */
export async function drill<R extends { error?: string }>(preferred: BackendPreference, image: GreyImage, body: (client: MlClient, classify: Classify, result: R) => Promise<void>): Promise<R> {
  const client = new MlClient(labOptions(preferred));
  const result = {} as R;
  try {
    const modelId = (await firstClassifier(client)) ?? '';
    await body(client, (signal) => client.classify(modelId, { ...image, pixels: image.pixels.slice() }, signal), result);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    client.dispose();
  }
  return result;
}

/**
 * Device-loss drill: classify on WebGPU, destroy the GPU device, classify again. The second
 * run must fall back to the next backend by itself and give the same answer.
 */
export function runDeviceLossDrill(image: GreyImage = syntheticImage()): Promise<DrillResult> {
  return drill<DrillResult>('webgpu', image, async (client, classify, result) => {
    const first = await classify();
    result.before = first.backend;
    await client.injectFault('lose-webgpu-device');
    const second = await classify();
    result.after = second.backend;
    if (second.fellBackFrom) result.fellBackFrom = second.fellBackFrom;
    result.maxDiff = Math.max(...second.scores.map((s, i) => Math.abs(s.probability - (first.scores[i]?.probability ?? 0))));
  });
}

export interface CrashDrillResult {
  before?: number;
  duringCrash?: string;
  after?: number;
  restarts?: number;
  error?: string;
}

/** Crash drill: classify, crash the worker, and classify again in a worker started afresh. */
export function runCrashDrill(image: GreyImage = syntheticImage()): Promise<CrashDrillResult> {
  return drill<CrashDrillResult>('wasm', image, async (client, classify, result) => {
    result.before = (await classify()).scores[1]?.probability;
    await client.injectFault('crash-worker');
    // The crash arrives as an error event; a call in flight then fails with worker-crashed.
    result.duringCrash = await classify().then(() => 'answered', (error: unknown) => (error instanceof Error ? error.message : String(error)));
    result.after = (await classify()).scores[1]?.probability;
    result.restarts = client.restartCount;
  });
}
