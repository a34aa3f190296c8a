/**
 * Folding batch norm into the convolutions at publish must not change what the U-Net outputs,
 * and the folded model must have no batch-norm layer left to run.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildUnet, foldBatchNorm, type UnetSpec } from '../../src/cli/unet.ts';
import { seededRandom } from '../../src/ml/random.ts';

const SPEC: UnetSpec = { id: 'fold-test', inputSize: 32, workSize: 16, widths: [4, 8, 16], seed: 3, batchNorm: true };

/** Batch-norm statistics as training would leave them: far from the identity they start as. */
function randomiseBatchNorm(model: tf.LayersModel, random: () => number): void {
  for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
    const c = layer.weights[0]?.shape[0] ?? 0;
    const draw = (low: number, high: number): tf.Tensor1D => tf.tensor1d(Float32Array.from({ length: c }, () => low + random() * (high - low)));
    // gamma, beta, moving mean, moving variance
    const values = [draw(0.5, 2), draw(-0.5, 0.5), draw(-1, 1), draw(0.1, 3)];
    layer.setWeights(values);
    tf.dispose(values);
  }
}

describe('foldBatchNorm', () => {
  it('gives the trained U-Net\'s output without its batch-norm layers', () => {
    const trained = buildUnet(SPEC);
    const random = seededRandom(5);
    randomiseBatchNorm(trained, random);
    const folded = foldBatchNorm(trained, SPEC);
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 32 * 32 }, () => random()), [2, 32, 32, 1]);
    // A first prediction caches a few constants; the count after it must then stay flat.
    tf.dispose([trained.predict(x) as tf.Tensor, folded.predict(x) as tf.Tensor]);
    const before = tf.memory().numTensors;
    const a = trained.predict(x) as tf.Tensor;
    const b = folded.predict(x) as tf.Tensor;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Number.NaN);
    // The batch-norm statistics move the output well away from sigmoid(0) = 0.5: a fold that
    // dropped them would not match.
    const spread = tf.tidy(() => tf.max(tf.abs(tf.sub(a, 0.5))).dataSync()[0] ?? 0);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    expect(spread).toBeGreaterThan(0.05);
    expect(diff).toBeLessThan(1e-5);
    expect(trained.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(true);
    expect(folded.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
    expect(folded.layers.map((l) => l.name)).toEqual(trained.layers.filter((l) => l.getClassName() !== 'BatchNormalization').map((l) => l.name));
    trained.dispose();
    folded.dispose();
  });
});
