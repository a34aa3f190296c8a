/**
 * The shipped U-Nets through the worker's own code (registry, checksum check, preprocessing,
 * segment) in Node on WASM: Dice on held-out images against their reference masks, no tensor
 * leak, and a clear refusal when a model is asked for the wrong task.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { probabilityMap, segment } from '../../src/ml/worker/segment.ts';
import { classify } from '../../src/ml/worker/classify.ts';
import { getModel } from '../../src/ml/worker/registry.ts';
import { dice } from '../../src/ml/overlap.ts';
import { readCsv } from '../../src/cli/kermany.ts';
import { readGreyPngImage } from '../../src/cli/png.ts';
import { DATA_ROOT, sampleChestPng, skipWithoutData } from '../helpers/data.ts';
import { serveModels } from '../helpers/models.ts';

const LUNGS = 'lungs-cxr';
const BRAIN = 'brain-flair';

async function maskDice(modelId: string, root: string, row: Record<string, string>): Promise<{ intersection: number; sizes: number; dice: number }> {
  const { mask } = await segment(modelId, readGreyPngImage(join(root, row.image ?? '')));
  const truth = readGreyPngImage(join(root, row.mask ?? '')).pixels.map((v) => (v > 127 ? 1 : 0));
  let intersection = 0;
  let sizes = 0;
  for (let i = 0; i < truth.length; i++) {
    intersection += (mask[i] ?? 0) & (truth[i] ?? 0);
    sizes += (mask[i] ?? 0) + (truth[i] ?? 0);
  }
  return { intersection, sizes, dice: dice(mask, truth) };
}

describe.skipIf(skipWithoutData)('the shipped segmenters in Node', () => {
  serveModels('wasm');

  it('outlines the lungs of held-out Shenzhen films with a mean Dice above 0.93, leaking no tensors', async () => {
    await getModel(LUNGS);
    const root = join(DATA_ROOT, 'cxr-lung-seg-shenzhen-256');
    const rows = readCsv(join(root, 'index.csv')).filter((r) => r.suggested_split === 'test').slice(0, 20);
    const before = tf.memory().numTensors;
    const scores: number[] = [];
    for (const row of rows) scores.push((await maskDice(LUNGS, root, row)).dice);
    expect(tf.memory().numTensors).toBe(before);
    expect(scores.reduce((s, v) => s + v, 0) / scores.length).toBeGreaterThan(0.93);
  }, 120_000);

  it('finds the tumour of a held-out LGG patient, slices stacked into one volume', async () => {
    const root = join(DATA_ROOT, 'brain-mri-lgg-flair-128');
    const rows = readCsv(join(root, 'index.csv')).filter((r) => r.patient_split === 'val');
    const patient = rows[0]?.patient;
    let intersection = 0;
    let sizes = 0;
    for (const row of rows.filter((r) => r.patient === patient)) {
      const d = await maskDice(BRAIN, root, row);
      intersection += d.intersection;
      sizes += d.sizes;
    }
    expect((2 * intersection) / sizes).toBeGreaterThan(0.5);
  }, 120_000);

  it('averages the brain model with its mirror image: a mirrored slice gets the mirrored probabilities', async () => {
    const root = join(DATA_ROOT, 'brain-mri-lgg-flair-128');
    const row = readCsv(join(root, 'index.csv')).find((r) => r.patient_split === 'val' && r.has_tumour === '1');
    const image = readGreyPngImage(join(root, row?.image ?? ''));
    const { entry, model } = (await getModel(BRAIN)).loaded;
    expect(entry.postprocess?.mirrorAverage).toBe(true);
    const across = (i: number): number => Math.floor(i / image.width) * image.width + image.width - 1 - (i % image.width);
    const mirrored = { ...image, pixels: image.pixels.map((_, i) => image.pixels[across(i)] ?? 0) };
    const p = await probabilityMap(model, entry, image);
    const q = await probabilityMap(model, entry, mirrored);
    let worst = 0;
    for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs((p[i] ?? 0) - (q[across(i)] ?? 0)));
    expect(worst).toBeLessThan(1e-4);
    // Without the average the model alone is not symmetric, so the check above can fail.
    const plain = { ...entry, postprocess: {} };
    const a = await probabilityMap(model, plain, image);
    const b = await probabilityMap(model, plain, mirrored);
    expect(a.some((v, i) => Math.abs(v - (b[across(i)] ?? 0)) > 1e-2)).toBe(true);
  });

  it('refuses to classify with a segmenter and to segment with a classifier', async () => {
    const film = readGreyPngImage(sampleChestPng('NORMAL'));
    await expect(classify(LUNGS, film)).rejects.toThrow(/segments images; it does not classify them/);
    await expect(segment('pneumonia-cxr', readGreyPngImage(sampleChestPng('NORMAL')))).rejects.toThrow(/classifies images; it does not outline/);
  });
});
