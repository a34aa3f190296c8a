/**
 * The applicability gate refitted for a model whose last block was retrained: its
 * activation statistics moved, so the base model's Gaussian no longer describes them. As in
 * src/cli/train-ood.ts, a shrunk Gaussian on the training images' statistics and input
 * histograms, and a threshold at the 99.5th percentile of the validation images' distances. Shrinkage is fixed at 0.1
 * (the most regularised of train-ood's candidates): a user's set has no out-of-scope images
 * to choose it on, and usually fewer images than the 480 statistics.
 */
import * as tf from '../tf.ts';
import type { ModelInput } from '../../api.ts';
import { fitGaussian, mahalanobis } from '../../mahalanobis.ts';
import { GATE_HISTOGRAM_BINS, GATE_LAYERS, gateFeatures, withLayerOutputs } from '../gate.ts';
import type { GateData } from './artifacts.ts';
import { inputBatch } from './prepared.ts';
import { nextTask } from './training.ts';

export const REFIT_SHRINK = 0.1;
const QUANTILE = 0.995;
const BATCH = 16;

async function statistics(model: tf.LayersModel, ids: readonly string[], input: ModelInput): Promise<Float32Array[]> {
  const combined = withLayerOutputs(model, GATE_LAYERS);
  const out: Float32Array[] = [];
  for (let start = 0; start < ids.length; start += BATCH) {
    const stats = tf.tidy(() => {
      const x = inputBatch(ids.slice(start, start + BATCH), input);
      const [, ...activations] = combined.predict(x) as tf.Tensor[];
      return gateFeatures(activations, x, GATE_HISTOGRAM_BINS);
    });
    const values = await stats.data();
    const dim = stats.shape[1];
    stats.dispose();
    for (let i = 0; i * dim < values.length; i++) out.push(Float32Array.from(values.subarray(i * dim, (i + 1) * dim)));
    await nextTask();
  }
  return out;
}

/** Undefined when there are too few images to fit a Gaussian or set a threshold. */
export async function refitGate(model: tf.LayersModel, trainIds: readonly string[], validationIds: readonly string[], input: ModelInput): Promise<GateData | undefined> {
  if (trainIds.length < 2 || validationIds.length < 1) return undefined;
  const fit = fitGaussian(await statistics(model, trainIds, input), REFIT_SHRINK);
  const distances = (await statistics(model, validationIds, input)).map((s) => mahalanobis(fit, s)).sort((a, b) => a - b);
  const threshold = distances[Math.min(distances.length - 1, Math.floor(QUANTILE * distances.length))] ?? Number.NaN;
  if (!(threshold > 0)) return undefined;
  return { layers: [...GATE_LAYERS], histogramBins: GATE_HISTOGRAM_BINS, threshold, shrink: REFIT_SHRINK, mean: Float32Array.from(fit.mean), precision: Float32Array.from(fit.precision) };
}
