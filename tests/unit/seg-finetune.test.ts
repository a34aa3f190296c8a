/**
 * Fine-tuning the brain U-Net's decoder through the worker's own code in Node on WASM. The
 * "corrections" are the LGG reference masks of 12 consecutive tumour slices of one validation
 * patient (slices 24-35 of TCGA_DU_6401_19831001), on which the shipped model is weak (its
 * Dice there is 0.27-0.84), as a user would correct a few slices of one series; every third
 * slice is held out, never trained on.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { CorrectedMask, SegFineTuneOptions } from '../../src/ml/api-segfinetune.ts';
import { cancelSegmenterFineTune, fineTuneSegmenter } from '../../src/ml/worker/seg-finetune.ts';
import { discardDraft, getDraft } from '../../src/ml/worker/seg-drafts.ts';
import { getModel } from '../../src/ml/worker/registry.ts';
import { segment } from '../../src/ml/worker/segment.ts';
import { dice } from '../../src/ml/overlap.ts';
import { readCsv } from '../../src/cli/kermany.ts';
import { readGreyPngImage } from '../../src/cli/png.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';
import { serveModels } from '../helpers/models.ts';

const BRAIN = 'brain-flair';
// A test patient whose last tumour slices the shipped model outlines poorly (one held-out slice at
// Dice 0.46 with model 2.0.0, 0.61 with 2.1.0): room for twelve corrected slices of the same
// patient to teach the decoder something.
// (On 6401's slices 24-35, the earlier fixture, model 2.0.0 already scores 0.93.)
const PATIENT = 'TCGA_DU_A5TT_19980318';

function corrections(): CorrectedMask[] {
  const root = join(DATA_ROOT, 'brain-mri-lgg-flair-128');
  const rows = readCsv(join(root, 'index.csv')).filter((r) => r.patient === PATIENT && Number(r.slice) >= 42 && Number(r.slice) <= 53);
  return rows.map((r) => ({
    id: r.id ?? '',
    image: readGreyPngImage(join(root, r.image ?? '')),
    mask: Uint8Array.from(readGreyPngImage(join(root, r.mask ?? '')).pixels, (v) => (v > 127 ? 1 : 0)),
  }));
}

function options(items: CorrectedMask[], epochs = 20): SegFineTuneOptions {
  return { baseModelId: BRAIN, items, heldOut: items.filter((_, i) => i % 3 === 2).map((i) => i.id), epochs, learningRate: 1e-3, batchSize: 4, augment: true, patience: 4 };
}

/** Every weight of a model by layer name, copied out. */
function weightsByLayer(model: tf.LayersModel): Map<string, Float32Array[]> {
  return new Map(model.layers.map((l) => [l.name, l.getWeights().map((w) => w.dataSync() as Float32Array).map((a) => a.slice())]));
}

const changed = (a: Float32Array[] | undefined, b: Float32Array[] | undefined): boolean => (a ?? []).some((w, i) => w.some((v, j) => v !== (b?.[i]?.[j] ?? Number.NaN)));

describe.skipIf(skipWithoutData)('fine-tuning a segmenter on corrected masks', () => {
  serveModels('wasm');

  it('raises the mean held-out Dice, trains only the decoder, and leaks no tensors', async () => {
    const base = (await getModel(BRAIN)).loaded.model;
    const baseWeights = weightsByLayer(base);
    const items = corrections();
    expect(items).toHaveLength(12);
    const before = tf.memory().numTensors;
    const epochs: number[] = [];
    const result = await fineTuneSegmenter(options(items), (p) => { if (p.kind === 'epoch') epochs.push(p.stats.epoch); });
    console.log(`held-out Dice ${result.meanBefore.toFixed(3)} -> ${result.meanAfter.toFixed(3)}`, result.heldOut.map((h) => `${h.id.slice(-3)} ${h.before.toFixed(3)}->${h.after.toFixed(3)}`).join(', '));

    expect(result.heldOut.map((h) => h.id)).toEqual(options(items).heldOut);
    expect(result.trained.some((id) => options(items).heldOut.includes(id))).toBe(false);
    expect(result.earlyStopId).toBeDefined();
    expect(epochs).toEqual(result.history.map((h) => h.epoch));
    // Measured with brain model 2.0.0: 0.786 -> 0.867; with 2.1.0: 0.824 -> 0.892.
    expect(result.meanAfter).toBeGreaterThan(result.meanBefore + 0.05);

    const draft = await getDraft(result.draft.id);
    if (!draft) throw new Error('the draft is not held');
    const tuned = weightsByLayer(draft.model);
    for (const [name, weights] of baseWeights) {
      if (weights.length === 0) continue;
      const encoder = /^(down|bottleneck)/.test(name);
      expect(changed(weights, tuned.get(name)), `${name} ${encoder ? 'is frozen' : 'is trained'}`).toBe(!encoder);
    }
    // The shipped model itself is untouched: outlines with it still score as before.
    for (const [name, weights] of weightsByLayer(base)) expect(changed(weights, baseWeights.get(name)), name).toBe(false);

    // The draft outlines through `segment` like a shipped model, and scores what was reported.
    const held = items.find((i) => i.id === result.heldOut[0]?.id);
    if (!held) throw new Error('no held-out item');
    const { mask } = await segment(result.draft.id, held.image);
    expect(dice(mask, held.mask)).toBeCloseTo(result.heldOut[0]?.after ?? Number.NaN, 6);

    expect(tf.memory().numTensors - draft.model.weights.length).toBe(before);
    expect(discardDraft(result.draft.id)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    await expect(segment(result.draft.id, held.image)).rejects.toThrow(/is no longer held/);
  }, 300_000);

  it('stops after the current epoch when cancelled, keeping what it learnt', async () => {
    const items = corrections();
    const result = await fineTuneSegmenter(options(items), (p) => { if (p.kind === 'epoch') cancelSegmenterFineTune(); });
    expect(result.cancelled).toBe(true);
    expect(result.history).toHaveLength(1);
    expect(result.heldOut).toHaveLength(4);
    expect(discardDraft(result.draft.id)).toBe(true);
  }, 120_000);

  it('refuses too few corrections and a split with nothing to learn from', async () => {
    const items = corrections().slice(0, 2);
    await expect(fineTuneSegmenter(options(items), () => undefined)).rejects.toThrow(/2 corrected images given; at least 3 are needed/);
    const three = corrections().slice(0, 3);
    await expect(fineTuneSegmenter({ ...options(three), heldOut: three.map((i) => i.id) }, () => undefined)).rejects.toThrow(/leave at least one to learn from/);
    await expect(fineTuneSegmenter({ ...options(three), baseModelId: 'pneumonia-cxr' }, () => undefined)).rejects.toThrow(/only an outline model can learn/);
  });
});
