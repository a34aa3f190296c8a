/**
 * The training pipelines still learn: short runs on the real data (WASM backend, our
 * gradient kernels) lower the loss and score validation images well above trivial answers.
 */
import { describe, expect, it } from 'vitest';
import { trainPneumonia } from '../../src/cli/train-pneumonia.ts';
import { robustness } from '../../src/cli/pneumonia-robustness.ts';
import { trainLungs } from '../../src/cli/train-lungs.ts';
import { loadBrain, trainBrain } from '../../src/cli/train-brain.ts';
import { byPatient } from '../../src/cli/segmentation-data.ts';
import { addOverlap, diceOf, mean, overlapCounts, type Overlap } from '../../src/ml/overlap.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';

describe.skipIf(skipWithoutData)('pneumonia training, quick', () => {
  it('lowers the loss and reaches a validation AUC well above chance', async () => {
    // The second epoch's weight mean competes with the best epoch, as in the shipped recipe's second half.
    const { history, model, ending, val } = await trainPneumonia({ epochs: 2, stepsPerEpoch: 10, averageFrom: 2, dataRoot: DATA_ROOT });
    expect(history).toHaveLength(2);
    expect(history[1]?.loss).toBeLessThan(history[0]?.loss ?? 0);
    expect(Math.max(...history.map((h) => h.valAuc))).toBeGreaterThan(0.75);
    expect(history[0]?.averagedValAuc).toBeUndefined();
    expect(history[1]?.averagedValAuc).toBeGreaterThan(0.75);
    // The weights handed back are the ones that won on pooled validation AUC, and score what the choice recorded.
    const winner = ending?.chosen === 'weight mean' ? ending.mean : ending?.bestEpoch;
    expect(winner?.pooledAuc).toBe(Math.max(ending?.mean.pooledAuc ?? 1, ending?.bestEpoch.pooledAuc ?? 1));
    expect(robustness(model, val, 0.5).pooledAuc).toBeCloseTo(winner?.pooledAuc ?? -1, 6);
    model.dispose();
  }, 300_000);
});

/** Mean per-patient Dice of the trivial answer "every non-black pixel is tumour" on the tuning patients. */
function wholeHeadDice(): number {
  const tune = loadBrain(DATA_ROOT, 'tune');
  const area = tune.size * tune.size;
  const slice = (a: Uint8Array, s: number): Uint8Array => a.subarray(s * area, (s + 1) * area);
  // The image itself is the mask: overlapCounts reads any non-zero pixel as inside.
  return mean([...byPatient(tune).values()].map((slices) => diceOf(slices.reduce<Overlap>(
    (sum, s) => addOverlap(sum, overlapCounts(slice(tune.images, s), slice(tune.masks, s))), { intersection: 0, predicted: 0, truth: 0 }))));
}

describe.skipIf(skipWithoutData)('U-Net training, quick', () => {
  it.each([
    // Marking every pixel as lung scores Dice 2f/(1+f) with f the lung fraction (about 0.25): 0.4.
    { task: 'lungs', train: trainLungs, epochs: 2, steps: 25, above: () => 0.6, than: 'marking the whole film' },
    // An empty mask scores 0 on every patient; marking the whole head about 0.015 (tumour is ~0.7% of
    // head voxels). Early validation Dice swings from epoch to epoch (the outputs sit near the 0.5
    // threshold), so the run is long enough to be clear of both: 3 x 25 steps ended at 0.044.
    { task: 'brain', train: trainBrain, epochs: 3, steps: 45, above: () => 3 * wholeHeadDice(), than: 'three times the whole-head mask' },
  ])('$task: lowers the loss and scores validation better than $than', async ({ train, epochs, steps, above }) => {
    const { history, model } = await train({ dataRoot: DATA_ROOT, epochs, steps, quick: true, log: () => undefined });
    expect(history.at(-1)?.loss).toBeLessThan(history[0]?.loss ?? 0);
    expect(Math.max(...history.map((h) => h.valDice))).toBeGreaterThan(above());
    model.dispose();
  }, 600_000);
});
