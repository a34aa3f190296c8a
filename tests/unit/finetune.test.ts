/**
 * Transfer learning through the worker's own code in Node on WASM: teach tuberculosis (the
 * Shenzhen films) to the pneumonia backbone in the head mode and score the held-out test
 * split, then the last-block mode on a few images; drafts work in classify, Grad-CAM and the
 * gate; early stopping, cancel and determinism; no tensor leaks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { FineTuneOptions, FineTuneProgress } from '../../src/ml/api-finetune.ts';
import { auc } from '../../src/ml/metrics.ts';
import { classify } from '../../src/ml/worker/classify.ts';
import { gradCam } from '../../src/ml/worker/gradcam.ts';
import { allModels, getModel } from '../../src/ml/worker/registry.ts';
import { registerWasmGradients } from '../../src/ml/worker/wasm-gradients.ts';
import { cancelFineTune, fineTune, predictPrepared } from '../../src/ml/worker/finetune/finetune.ts';
import { forgetImages, prepareImages } from '../../src/ml/worker/finetune/prepared.ts';
import { MemoryStore } from '../../src/ml/worker/finetune/store.ts';
import { useUserModelStore } from '../../src/ml/worker/finetune/user-models.ts';
import { augmentBatch } from '../../src/ml/worker/finetune/augment.ts';
import { seededRandom } from '../../src/ml/random.ts';
import { readGreyPngImage } from '../../src/cli/png.ts';
import { skipWithoutData } from '../helpers/data.ts';
import { serveModels } from '../helpers/models.ts';
import { asPrepared, balanced, shenzhenRows, type ShenzhenRow } from '../helpers/shenzhen.ts';

const BASE = 'pneumonia-cxr';

function options(rows: readonly ShenzhenRow[], extra: Partial<FineTuneOptions> = {}): FineTuneOptions {
  const part = (split: string): { id: string; label: number }[] => rows.filter((r) => r.split === split).map((r) => ({ id: r.id, label: r.label }));
  return {
    baseModelId: BASE, classNames: ['normal', 'tuberculosis'], mode: 'head', epochs: 100, learningRate: 1e-3, batchSize: 32,
    augment: false, patience: 10, train: part('train'), validation: part('val'), ...extra,
  };
}

describe.skipIf(skipWithoutData)('fine-tuning the pneumonia classifier to tuberculosis', () => {
  serveModels('wasm');
  let rows: ShenzhenRow[] = [];

  beforeAll(async () => {
    registerWasmGradients();
    useUserModelStore(new MemoryStore());
    rows = shenzhenRows();
    // Features of every film once: the head mode reads nothing else.
    for (let i = 0; i < rows.length; i += 50) await prepareImages(BASE, asPrepared(rows.slice(i, i + 50)));
  }, 900_000);

  it('learns TB in the head mode: held-out test AUC at least 0.80, the draft classifies, explains and gates like a shipped model', async () => {
    await getModel(BASE);
    const before = tf.memory().numTensors;
    const epochs: number[] = [];
    const result = await fineTune(options(rows), (p: FineTuneProgress) => { if (p.kind === 'epoch') epochs.push(p.stats.epoch); });
    expect(result.cancelled).toBe(false);
    expect(epochs).toEqual(result.history.map((h) => h.epoch));
    expect(result.validation).toHaveLength(rows.filter((r) => r.split === 'val').length);
    const test = rows.filter((r) => r.split === 'test');
    const scored = await predictPrepared(result.draftId, test.map((r) => r.id));
    const testAuc = auc(scored.map((s) => s.probabilities[1] ?? Number.NaN), test.map((r) => r.label));
    console.log(`TB from the pneumonia backbone, head mode: test AUC ${testAuc.toFixed(3)} on ${test.length} films, best epoch ${result.bestEpoch} of ${result.history.length}`);
    expect(testAuc).toBeGreaterThanOrEqual(0.8);

    const entry = (await allModels()).find((m) => m.id === result.draftId);
    expect(entry?.labels).toEqual(['normal', 'tuberculosis']);
    expect(entry?.task).toBe('classification');
    const [film] = test;
    if (!film) throw new Error('no test film');
    const image = readGreyPngImage(film.path);
    const classified = await classify(result.draftId, image);
    // Prepared features come from the same float input as classify.
    expect(classified.scores[1]?.probability).toBeCloseTo(scored[0]?.probabilities[1] ?? Number.NaN, 5);
    expect(classified.applicability?.applies).toBe(true);
    const heat = await gradCam(result.draftId, image);
    expect(heat.label).toBe('tuberculosis');
    expect(Math.max(...heat.heat)).toBeCloseTo(1, 5);
    expect(tf.memory().numTensors - before).toBe((await getModel(result.draftId)).loaded.model.weights.length);
  }, 300_000);

  it('stops early on validation loss, keeps the best epoch, and repeats exactly', async () => {
    await getModel(BASE);
    const before = tf.memory().numTensors;
    const run = (): ReturnType<typeof fineTune> => fineTune(options(rows, { epochs: 1000, patience: 5, learningRate: 1e-2 }), () => undefined);
    const first = await run();
    const second = await run();
    expect(first.stoppedEarly).toBe(true);
    expect(first.history.length).toBeLessThan(1000);
    expect(first.history.length).toBe(first.bestEpoch + 5);
    const bestLoss = Math.min(...first.history.map((h) => h.valLoss));
    expect(first.history[first.bestEpoch - 1]?.valLoss).toBe(bestLoss);
    expect(second.validation).toEqual(first.validation);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('cancels between steps and returns the best weights so far', async () => {
    let seen = 0;
    const result = await fineTune(options(rows, { epochs: 1000, patience: 1000 }), (p) => {
      if (p.kind === 'epoch' && ++seen === 3) cancelFineTune();
    });
    expect(result.cancelled).toBe(true);
    expect(result.history.length).toBeLessThanOrEqual(4);
    expect(result.validation[0]?.probabilities).toHaveLength(2);
  }, 60_000);

  it('refuses a second run while one is going, and images it was not given', async () => {
    const running = fineTune(options(rows, { epochs: 50 }), () => undefined);
    await expect(fineTune(options(rows), () => undefined)).rejects.toThrow(/already running/);
    await running;
    const o = options(rows);
    await expect(fineTune({ ...o, train: [...o.train, { id: 'never-prepared', label: 0 }] }, () => undefined)).rejects.toThrow(/was not prepared/);
    await expect(fineTune({ ...o, validation: [...o.validation, ...o.train.slice(0, 1)] }, () => undefined)).rejects.toThrow(/training and validation/);
  }, 60_000);

  it('retrains the last block on 32 films: training loss falls, the gate is refitted, no tensor leaks', async () => {
    await getModel(BASE);
    const before = tf.memory().numTensors;
    const small = [...balanced(rows, 'train', 32), ...balanced(rows, 'val', 16)];
    const steps: number[] = [];
    const result = await fineTune(options(small, { mode: 'last-block', epochs: 3, batchSize: 8, learningRate: 1e-3, augment: false, patience: 10 }), (p) => { if (p.kind === 'step') steps.push(p.step); });
    const losses = result.history.map((h) => h.loss);
    console.log(`last-block on 32 films: training loss by epoch ${losses.map((l) => l.toFixed(3)).join(', ')}`);
    expect(result.history[0]?.epoch).toBe(0);
    expect(result.history).toHaveLength(4);
    expect(steps.filter((s) => s === 1)).toHaveLength(3);
    expect(losses.at(-1)).toBeLessThan(losses[0] ?? 0);
    expect(tf.memory().numTensors).toBe(before);
    // The saved draft reads the 8-bit inputs as training did (its backbone is no longer the base's).
    const again = await predictPrepared(result.draftId, result.validation.map((v) => v.id));
    again.forEach((p, i) => { expect(p.probabilities[1]).toBeCloseTo(result.validation[i]?.probabilities[1] ?? Number.NaN, 5); });
    const [film] = balanced(rows, 'test', 1);
    if (!film) throw new Error('no test film');
    const classified = await classify(result.draftId, readGreyPngImage(film.path));
    expect(classified.applicability?.threshold).toBeGreaterThan(0);
    expect((await gradCam(result.draftId, readGreyPngImage(film.path))).heat.length).toBeGreaterThan(0);
  }, 600_000);

  it('forgets prepared images when asked', async () => {
    const [first] = rows;
    if (!first) throw new Error('no rows');
    expect(forgetImages([first.id])).toBe(1);
    await expect(predictPrepared(BASE, [first.id])).rejects.toThrow(/was not prepared/);
  });
});

describe('augmentation for the last-block mode', () => {
  it('moves and re-contrasts each image, stays in 0..1, repeats for a seed, and frees its tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.tidy(() => tf.pad(tf.randomUniform([4, 24, 24, 1], 0.2, 0.9, 'float32', 3), [[0, 0], [4, 4], [4, 4], [0, 0]]) as tf.Tensor4D);
    const before = tf.memory().numTensors;
    const a = augmentBatch(x, seededRandom(1));
    const b = augmentBatch(x, seededRandom(1));
    const c = augmentBatch(x, seededRandom(2));
    const [va, vb, vc, vx] = await Promise.all([a.data(), b.data(), c.data(), x.data()]);
    expect(Array.from(va)).toEqual(Array.from(vb));
    expect(Array.from(va)).not.toEqual(Array.from(vc));
    expect(Math.min(...va)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...va)).toBeLessThanOrEqual(1);
    const changed = va.filter((v, i) => Math.abs(v - (vx[i] ?? 0)) > 0.01).length;
    expect(changed / va.length).toBeGreaterThan(0.3);
    tf.dispose([a, b, c]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
