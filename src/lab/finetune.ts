/**
 * Fine-tuning timed in a real worker on one backend: features of 200 chest-film-sized images
 * (sent in batches of 25, as the Teach view does), a new head trained to convergence, and one
 * epoch of the last-block mode on the same 200. Synthetic images of two kinds: timing does
 * not depend on what the pictures show, and the lab page has no patient data to read.
 */
import type { BackendName, GreyImage } from '../ml/api.ts';
import type { FineTuneOptions } from '../ml/api-finetune.ts';
import { MlClient } from '../ml/client.ts';
import { seededRandom } from '../ml/random.ts';
import { labOptions, syntheticImage } from './run.ts';

export interface FineTuneBench {
  backend?: BackendName;
  threads?: number;
  images: number;
  prepareSeconds?: number;
  headSeconds?: number;
  headEpochs?: number;
  lastBlockEpochSeconds?: number;
  error?: string;
}

const IMAGES = 200;
const BATCH = 25;

/** The lab's chest-like image with per-image noise; class 1 gets a brighter lower field. */
function film(index: number): GreyImage {
  const image = syntheticImage(256);
  const random = seededRandom(index + 1);
  const label = index % 2;
  image.pixels.forEach((v, i) => {
    const lower = i > image.pixels.length / 2 ? 1 : 0;
    image.pixels[i] = v + 25 * (random() - 0.5) + label * lower * 30;
  });
  return image;
}

function options(mode: FineTuneOptions['mode'], epochs: number): FineTuneOptions {
  const items = Array.from({ length: IMAGES }, (_, i) => ({ id: `bench-${i}`, label: i % 2 }));
  return {
    baseModelId: 'pneumonia-cxr', classNames: ['a', 'b'], mode, epochs, learningRate: mode === 'head' ? 1e-3 : 1e-4, batchSize: mode === 'head' ? 32 : 16,
    augment: false, patience: 8, train: items.slice(0, 160), validation: items.slice(160),
  };
}

export async function runFineTuneBench(backend: BackendName): Promise<FineTuneBench> {
  const client = new MlClient(labOptions(backend));
  const result: FineTuneBench = { images: IMAGES };
  try {
    const info = await client.backend();
    Object.assign(result, { backend: info.name, threads: info.threads });
    // A software WebGPU adapter is some 40 times slower than WASM: minutes of training that say nothing about a GPU.
    if (info.name === 'webgpu' && /swiftshader/i.test(info.adapter ?? '')) throw new Error(`skipped: software adapter (${info.adapter ?? ''}), no GPU to measure`);
    await client.loadModel('pneumonia-cxr');
    let start = performance.now();
    for (let i = 0; i < IMAGES; i += BATCH) {
      await client.prepareImages('pneumonia-cxr', Array.from({ length: BATCH }, (_, k) => ({ id: `bench-${i + k}`, image: film(i + k) })));
    }
    result.prepareSeconds = (performance.now() - start) / 1000;
    start = performance.now();
    const head = await client.fineTune(options('head', 200), () => undefined);
    result.headSeconds = (performance.now() - start) / 1000;
    result.headEpochs = head.history.length;
    const block = await client.fineTune(options('last-block', 1), () => undefined);
    // The last-block run starts with a short head warm-up (epoch 0); its own epoch is the last.
    result.lastBlockEpochSeconds = (block.history.at(-1)?.ms ?? Number.NaN) / 1000;
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    client.dispose();
  }
  return result;
}
