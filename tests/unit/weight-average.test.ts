/** The weight mean is the plain mean of what was added, and scoring with it leaves the model as it was. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { WeightAverage } from '../../src/cli/weight-average.ts';

function tinyModel(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [3] }));
  return model;
}

const set = (model: tf.LayersModel, kernel: number, bias: number): void =>
  tf.tidy(() => model.setWeights([tf.fill([3, 2], kernel), tf.fill([2], bias)]));

const outputs = (model: tf.LayersModel): number[] =>
  tf.tidy(() => Array.from((model.predict(tf.ones([1, 3])) as tf.Tensor).dataSync()));

describe('WeightAverage', () => {
  it('averages the weights added after each step, and restores the model after scoring', async () => {
    await tf.setBackend('cpu');
    const model = tinyModel();
    const before = tf.memory().numTensors;
    const mean = new WeightAverage();
    for (const [kernel, bias] of [[1, -3], [2, 0], [6, 9]] as const) {
      set(model, kernel, bias);
      mean.add(model);
    }
    expect(mean.samples).toBe(3);
    // With the mean (kernel 3, bias 2) every output is 3 * 3 + 2 = 11.
    expect(mean.withMean(model, () => outputs(model))).toEqual([11, 11]);
    // The model keeps its own last weights (kernel 6, bias 9): 3 * 6 + 9 = 27.
    expect(outputs(model)).toEqual([27, 27]);
    mean.copyTo(model);
    mean.dispose();
    expect(outputs(model)).toEqual([11, 11]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
