/**
 * The training pipeline still learns: a short run on the real Kermany data (WASM backend,
 * our gradient kernels) lowers the loss and ranks validation images far above chance.
 */
import { describe, expect, it } from 'vitest';
import { trainPneumonia } from '../../src/cli/train-pneumonia.ts';
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
