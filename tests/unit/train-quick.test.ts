/**
 * The training pipelines still learn: short runs on the real data (WASM backend, our
 * gradient kernels) lower the loss and score validation images well above trivial answers.
 */
import { describe, expect, it } from 'vitest';
import { trainPneumonia } from '../../src/cli/train-pneumonia.ts';
import { trainLungs } from '../../src/cli/train-lungs.ts';
import { trainBrain } from '../../src/cli/train-brain.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';

describe.skipIf(skipWithoutData)('pneumonia training, quick', () => {
  it('lowers the loss and reaches a validation AUC well above chance', async () => {
    const { history, model } = await trainPneumonia({ epochs: 2, stepsPerEpoch: 10, dataRoot: DATA_ROOT });
    expect(history).toHaveLength(2);
    expect(history[1]?.loss).toBeLessThan(history[0]?.loss ?? 0);
    expect(Math.max(...history.map((h) => h.valAuc))).toBeGreaterThan(0.75);
    model.dispose();
  }, 300_000);
});

describe.skipIf(skipWithoutData)('lung U-Net training, quick', () => {
  it('lowers the loss and outlines lungs better than marking the whole film', async () => {
    const { history, model } = await trainLungs({ dataRoot: DATA_ROOT, epochs: 2, steps: 25, quick: true, log: () => undefined });
    expect(history[1]?.loss).toBeLessThan(history[0]?.loss ?? 0);
    // Marking every pixel as lung scores Dice 2f/(1+f) with f the lung fraction (about 0.25): 0.4.
    expect(Math.max(...history.map((h) => h.valDice))).toBeGreaterThan(0.6);
    model.dispose();
  }, 300_000);
});

describe.skipIf(skipWithoutData)('brain U-Net training, quick', () => {
  it('lowers the loss and finds tumour in held-out patients better than either trivial mask', async () => {
    const { history, model } = await trainBrain({ dataRoot: DATA_ROOT, epochs: 3, steps: 25, quick: true, log: () => undefined });
    expect(history[2]?.loss).toBeLessThan(history[0]?.loss ?? 0);
    // An empty mask scores 0 on every patient; marking the whole head about 0.01 (tumour is ~0.5% of voxels).
    expect(Math.max(...history.map((h) => h.valDice))).toBeGreaterThan(0.05);
    model.dispose();
  }, 300_000);
});
