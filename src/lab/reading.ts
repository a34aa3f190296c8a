/**
 * The reading jobs of the app, timed and checked in a real worker: classification, Grad-CAM,
 * lung segmentation and a 20-slice brain series on one backend, and the worker's tensor count
 * after every job (it must return to the count the loaded models hold). `npm run bench` and
 * the browser tests read `window.hilumReading`.
 */
import type { BackendName, GreyImage } from '../ml/api.ts';
import { MlClient } from '../ml/client.ts';
import { labOptions, syntheticImage } from './run.ts';
import { median as middle } from '../ml/overlap.ts';

export interface ReadingConfig {
  backend: BackendName;
  threads: number;
  runs: number;
}

export interface ReadingResult {
  backend?: BackendName;
  threads?: number;
  /** Median ms per job, measured in the worker, after one warm-up run each. */
  classifyMs?: number;
  heatmapMs?: number;
  lungsMs?: number;
  /** Wall time of 20 brain slices outlined one after another, as the series button does. */
  brainSeriesMs?: number;
  jobs: number;
  /** Tensors the worker holds once every model is loaded and warm. */
  baseline?: number;
  /** The tensor count after each job. */
  counts: number[];
  error?: string;
}

const SERIES = 20;

export function parseReadingConfig(search: string): ReadingConfig {
  const params = new URLSearchParams(search);
  const backend = (['webgpu', 'wasm', 'webgl', 'cpu'] as const).find((b) => b === params.get('backend')) ?? 'wasm';
  return { backend, threads: Number(params.get('threads') ?? 0), runs: Math.max(1, Number(params.get('runs') ?? 10)) };
}

/** The median, undefined when a job never ran (an error cut the run short). */
const median = (values: readonly number[] | undefined): number | undefined => (values && values.length > 0 ? middle(values) : undefined);

type Job = (image: GreyImage) => Promise<{ ms: number }>;

/** The four jobs by name; each takes its own copy of the image, whose buffer is transferred. */
function jobs(client: MlClient): Record<'classify' | 'heatmap' | 'lungs' | 'brain', Job> {
  return {
    classify: (image) => client.classify('pneumonia-cxr', image),
    heatmap: (image) => client.heatmap('pneumonia-cxr', image),
    lungs: (image) => client.segment('lungs-cxr', image),
    brain: (image) => client.segment('brain-flair', image),
  };
}

export async function runReading(config: ReadingConfig): Promise<ReadingResult> {
  const client = new MlClient(labOptions(config.backend, config.threads));
  const result: ReadingResult = { jobs: 0, counts: [] };
  const chest = syntheticImage(512);
  const slice = syntheticImage(256);
  const copy = (image: GreyImage): GreyImage => ({ ...image, pixels: image.pixels.slice() });
  try {
    const info = await client.backend();
    Object.assign(result, { backend: info.name, threads: info.threads });
    const run = jobs(client);
    // Warm-up: every model loaded and every kernel compiled once, so the baseline is what stays.
    for (const [name, job] of Object.entries(run)) await job(copy(name === 'brain' ? slice : chest));
    result.baseline = await client.tensorCount();
    const times: Record<string, number[]> = { classify: [], heatmap: [], lungs: [], series: [] };
    for (let i = 0; i < config.runs; i++) {
      for (const name of ['classify', 'heatmap', 'lungs'] as const) {
        times[name]?.push((await run[name](copy(chest))).ms);
        result.counts.push(await client.tensorCount());
      }
      const start = performance.now();
      for (let s = 0; s < SERIES; s++) {
        await run.brain(copy(slice));
        result.counts.push(await client.tensorCount());
      }
      times.series?.push(performance.now() - start);
    }
    result.jobs = result.counts.length;
    Object.assign(result, { classifyMs: median(times.classify), heatmapMs: median(times.heatmap), lungsMs: median(times.lungs), brainSeriesMs: median(times.series) });
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    client.dispose();
  }
  return result;
}
