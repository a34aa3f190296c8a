/**
 * Fine-tuning throughput in Node on WASM (one thread), through the worker's own code:
 * features of 200 Shenzhen chest X-rays from the pneumonia backbone plus a new head trained
 * to convergence (early stopping), and one epoch of the last-block mode on 200 films.
 * Run alone with `tsx src/cli/bench-finetune.ts`, or as part of `npm run bench`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { FineTuneOptions } from '../ml/api-finetune.ts';
import { auc } from '../ml/metrics.ts';
import { fineTune } from '../ml/worker/finetune/finetune.ts';
import { forgetImages, prepareImages } from '../ml/worker/finetune/prepared.ts';
import { MemoryStore } from '../ml/worker/finetune/store.ts';
import { useUserModelStore } from '../ml/worker/finetune/user-models.ts';
import { disposeModels, getModel, setModelsBaseUrl } from '../ml/worker/registry.ts';
import { registerWasmGradients } from '../ml/worker/wasm-gradients.ts';
import { dataRoot } from './args.ts';
import { readCsv } from './kermany.ts';
import { readGreyPngImage } from './png.ts';
import { startStaticServer } from './static-server.ts';

const BASE = 'pneumonia-cxr';

interface Row {
  id: string;
  label: number;
  path: string;
}

/** Alternating normal and TB films of one split, so any prefix is balanced. */
function films(root: string, split: string, n: number): Row[] {
  const rows = readCsv(join(root, 'index.csv')).filter((r) => r.suggested_split === split)
    .map((r) => ({ id: r.id ?? '', label: Number(r.tb_label), path: join(root, r.image ?? '') }));
  const [normal, tb] = [0, 1].map((c) => rows.filter((r) => r.label === c));
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? normal : tb)?.[Math.floor(i / 2)]).filter((r): r is Row => r !== undefined);
}

function optionsFor(train: Row[], validation: Row[], extra: Partial<FineTuneOptions>): FineTuneOptions {
  const part = (rows: Row[]): { id: string; label: number }[] => rows.map((r) => ({ id: r.id, label: r.label }));
  return {
    baseModelId: BASE, classNames: ['normal', 'tuberculosis'], mode: 'head', epochs: 200, learningRate: 1e-3, batchSize: 32,
    augment: false, patience: 10, train: part(train), validation: part(validation), ...extra,
  };
}

async function prepare(rows: Row[]): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < rows.length; i += 25) {
    await prepareImages(BASE, rows.slice(i, i + 25).map((r) => ({ id: r.id, image: readGreyPngImage(r.path) })));
  }
  return (performance.now() - start) / 1000;
}

export async function benchFineTune(root: string): Promise<void> {
  const shenzhen = join(root, 'cxr-lung-seg-shenzhen-256');
  if (!existsSync(shenzhen)) {
    console.log(`\nFine-tuning bench skipped: ${shenzhen} is missing`);
    return;
  }
  await tf.setBackend('wasm');
  registerWasmGradients();
  useUserModelStore(new MemoryStore());
  const server = await startStaticServer({ root: 'public/models', headers: 'plain' });
  setModelsBaseUrl(`${server.origin}/`);
  try {
    await getModel(BASE);
    // 200 films: 160 to train on, 40 to stop on.
    const train = films(shenzhen, 'train', 160);
    const validation = films(shenzhen, 'val', 40);
    const featureSeconds = await prepare([...train, ...validation]);
    let start = performance.now();
    const head = await fineTune(optionsFor(train, validation, {}), () => undefined);
    const headSeconds = (performance.now() - start) / 1000;
    const valAuc = auc(head.validation.map((v) => v.probabilities[1] ?? 0), head.validation.map((v) => v.label));
    const blockTrain = films(shenzhen, 'train', 200);
    const extraSeconds = await prepare(blockTrain.filter((r) => !train.some((t) => t.id === r.id)));
    start = performance.now();
    const block = await fineTune(optionsFor(blockTrain, validation, { mode: 'last-block', epochs: 1, learningRate: 1e-4, batchSize: 16, augment: true }), () => undefined);
    const blockSeconds = (performance.now() - start) / 1000;
    const epochSeconds = (block.history[1]?.ms ?? Number.NaN) / 1000;
    console.log('\nFine-tuning, pneumonia backbone to tuberculosis (Shenzhen), Node, WASM, one thread\n');
    console.log('| step | images | seconds | notes |');
    console.log('|---|---|---|---|');
    console.log(`| features (PNG decode, letterbox, backbone) | 200 | ${featureSeconds.toFixed(1)} | ${(featureSeconds * 5).toFixed(0)} ms per film |`);
    console.log(`| head training to convergence | 160 + 40 val | ${headSeconds.toFixed(2)} | ${head.history.length} epochs, best ${head.bestEpoch}, stopped early: ${head.stoppedEarly ? 'yes' : 'no'}, val AUC ${valAuc.toFixed(3)} |`);
    console.log(`| **head mode in total** | 200 | **${(featureSeconds + headSeconds).toFixed(1)}** | target under 20 s |`);
    console.log(`| last-block: one epoch (augmented, batch 16) | 200 | ${epochSeconds.toFixed(1)} | whole call ${blockSeconds.toFixed(1)} s with head warm-up, validation passes and gate refit; 40 more films prepared in ${extraSeconds.toFixed(1)} s |`);
  } finally {
    forgetImages();
    disposeModels();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchFineTune(dataRoot());
