/**
 * The applicability gate in the worker: per-block activation statistics of the classifier and
 * the grey-level histogram of its input, their Mahalanobis distance from the training chest
 * films, and the threshold set on validation films (see src/cli/train-ood.ts and the model card).
 */
import * as tf from './tf.ts';
import type { Applicability } from '../api.ts';
import { mahalanobis, type GaussianFit } from '../mahalanobis.ts';
import { WorkerError } from './errors.ts';
import { decodeGateFile, type GateFileData } from '../gate-file.ts';
import { VARIANCE_EPSILON } from './mean-std-pooling.ts';

/** The layers whose statistics the gate measures; the trainer and the worker share them. */
export const GATE_LAYERS = ['block1_conv2', 'block2_conv2', 'block3_conv2', 'features'];

/** Bins of the input histogram that gates fitted now append to the statistics (0 in a gate of statistics alone). */
export const GATE_HISTOGRAM_BINS = 16;
const MAX_HISTOGRAM_BINS = 256;

export interface Gate {
  fit: GaussianFit;
  threshold: number;
  layers: readonly string[];
  histogramBins: number;
  /** The classifier with the gate layers as extra outputs: one forward pass serves both. */
  combined: tf.LayersModel;
}

/** Classifier output first, then each named layer's activations. */
export function withLayerOutputs(model: tf.LayersModel, layers: readonly string[]): tf.LayersModel {
  const outputs = [...model.outputs, ...layers.map((name) => model.getLayer(name).output as tf.SymbolicTensor)];
  return tf.model({ inputs: model.inputs, outputs });
}

/**
 * Mean and standard deviation of every channel of every activation: low-level statistics
 * (texture, contrast) separate a brain MRI from a chest film far better than the last layer,
 * which a classifier trains to ignore everything but its own question. Call inside tidy.
 */
export function activationStatistics(activations: tf.Tensor[]): tf.Tensor2D {
  return tf.concat(activations.flatMap((a) => {
    const { mean, variance } = tf.moments(a, [1, 2]);
    return [mean, tf.sqrt(tf.add(variance, VARIANCE_EPSILON))];
  }), 1) as tf.Tensor2D;
}

/**
 * The fraction of input pixels in each of `bins` equal grey-level bins (inputs are 0..1).
 * A CT slice's flat soft tissue and empty corners fill a few bins where a film spreads over
 * many; the activation statistics alone let an axial chest CT pass. Call inside tidy.
 */
export function inputHistogram(input: tf.Tensor, bins: number): tf.Tensor2D {
  const n = input.shape[0] ?? 1;
  const bin = tf.cast(tf.clipByValue(tf.floor(tf.mul(tf.reshape(input, [-1]), bins)), 0, bins - 1), 'int32') as tf.Tensor1D;
  return tf.mean(tf.reshape(tf.cast(tf.oneHot(bin, bins), 'float32'), [n, -1, bins]), 1) as tf.Tensor2D;
}

/** What the gate measures: the activations' statistics, then the input's histogram if it has bins. Call inside tidy. */
export function gateFeatures(activations: tf.Tensor[], input: tf.Tensor, histogramBins: number): tf.Tensor2D {
  const statistics = activationStatistics(activations);
  return histogramBins > 0 ? tf.concat([statistics, inputHistogram(input, histogramBins)], 1) as tf.Tensor2D : statistics;
}

/** The gate of a gate.bin file (see gate-file.ts), checked against the classifier it measures. */
export function parseGate(bytes: ArrayBuffer, model: tf.LayersModel): Gate {
  let data: GateFileData;
  try {
    data = decodeGateFile(bytes);
  } catch (error) {
    throw new WorkerError('manifest-invalid', `the applicability gate file is malformed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { layers, threshold, histogramBins, dim } = data.header;
  const known = layers.every((name) => model.layers.some((l) => l.name === name));
  if (!known || !validBins(histogramBins) || statisticsSize(model, layers) + histogramBins !== dim) {
    throw new WorkerError('manifest-invalid', 'the applicability gate file is malformed: its features do not match the model\'s layers');
  }
  return { fit: { mean: data.mean, precision: data.precision, dim }, threshold, layers, histogramBins, combined: withLayerOutputs(model, layers) };
}

/** Length of activationStatistics for these layers: a mean and a deviation per channel. */
function statisticsSize(model: tf.LayersModel, layers: readonly string[]): number {
  return layers.reduce((sum, name) => {
    const shape = model.getLayer(name).outputShape;
    const channels = Array.isArray(shape[0]) ? undefined : (shape as (number | null)[]).at(-1);
    return sum + 2 * (channels ?? Number.NaN);
  }, 0);
}

export function validBins(bins: unknown): bins is number {
  return typeof bins === 'number' && Number.isInteger(bins) && bins >= 0 && bins <= MAX_HISTOGRAM_BINS;
}

/** Probabilities and applicability from one pass through the combined model. */
export async function predictWithGate(gate: Gate, input: tf.Tensor4D): Promise<{ probabilities: Float32Array; applicability: Applicability }> {
  const [probabilities, features] = tf.tidy(() => {
    const [first, ...activations] = gate.combined.predict(input) as tf.Tensor[];
    return [first as tf.Tensor, gateFeatures(activations, input, gate.histogramBins)];
  });
  try {
    const distance = mahalanobis(gate.fit, await features.data());
    return { probabilities: (await probabilities.data()) as Float32Array, applicability: { distance, threshold: gate.threshold, applies: distance <= gate.threshold } };
  } finally {
    tf.dispose([probabilities, features]);
  }
}
