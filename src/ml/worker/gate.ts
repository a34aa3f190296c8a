/**
 * The applicability gate in the worker: per-block activation statistics of the classifier,
 * their Mahalanobis distance from the training chest films, and the threshold set on
 * validation films (see src/cli/train-ood.ts and the model card).
 */
import * as tf from '@tensorflow/tfjs';
import type { Applicability } from '../api.ts';
import { mahalanobis, type GaussianFit } from '../mahalanobis.ts';
import { WorkerError } from './errors.ts';
import { VARIANCE_EPSILON } from './mean-std-pooling.ts';

/** The layers whose statistics the gate measures; the trainer and the worker share them. */
export const GATE_LAYERS = ['block1_conv2', 'block2_conv2', 'block3_conv2', 'features'];

export interface Gate {
  fit: GaussianFit;
  threshold: number;
  /** The classifier with the gate layers as extra outputs: one forward pass serves both. */
  combined: tf.LayersModel;
}

interface GateJson {
  layers: string[];
  threshold: number;
  mean: number[];
  precision: number[];
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

export function parseGate(bytes: ArrayBuffer, model: tf.LayersModel): Gate {
  const json = JSON.parse(new TextDecoder().decode(bytes)) as GateJson;
  const dim = json.mean.length;
  if (!Array.isArray(json.layers) || json.precision.length !== dim * dim || !(json.threshold > 0)) {
    throw new WorkerError('manifest-invalid', 'the applicability gate file is malformed');
  }
  return {
    fit: { mean: Float64Array.from(json.mean), precision: Float64Array.from(json.precision), dim },
    threshold: json.threshold,
    combined: withLayerOutputs(model, json.layers),
  };
}

/** Probabilities and applicability from one pass through the combined model. */
export async function predictWithGate(gate: Gate, input: tf.Tensor4D): Promise<{ probabilities: Float32Array; applicability: Applicability }> {
  const [probabilities, features] = tf.tidy(() => {
    const [first, ...activations] = gate.combined.predict(input) as tf.Tensor[];
    return [first as tf.Tensor, activationStatistics(activations)];
  });
  try {
    const distance = mahalanobis(gate.fit, await features.data());
    return { probabilities: (await probabilities.data()) as Float32Array, applicability: { distance, threshold: gate.threshold, applies: distance <= gate.threshold } };
  } finally {
    tf.dispose([probabilities, features]);
  }
}
