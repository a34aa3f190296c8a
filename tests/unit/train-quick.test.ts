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

describe.skipIf(skipWithoutData)('U-Net training, quick', () => {
  it.each([
    // Marking every pixel as lung scores Dice 2f/(1+f) with f the lung fraction (about 0.25): 0.4.
    { task: 'lungs', train: trainLungs, epochs: 2, above: 0.6, than: 'marking the whole film' },
    // An empty mask scores 0 on every patient; marking the whole head about 0.01 (tumour is ~0.5% of voxels).
    { task: 'brain', train: trainBrain, epochs: 3, above: 0.05, than: 'either trivial mask' },
  ])('$task: lowers the loss and scores validation better than $than', async ({ train, epochs, above }) => {
    const { history, model } = await train({ dataRoot: DATA_ROOT, epochs, steps: 25, quick: true, log: () => undefined });
    expect(history.at(-1)?.loss).toBeLessThan(history[0]?.loss ?? 0);
    expect(Math.max(...history.map((h) => h.valDice))).toBeGreaterThan(above);
    model.dispose();
  }, 300_000);
});
