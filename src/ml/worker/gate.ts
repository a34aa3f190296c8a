/**
 * The applicability gate in the worker: per-block activation statistics of the classifier,
 * their Mahalanobis distance from the training chest films, and the threshold set on
 * validation films (see src/cli/train-ood.ts and the model card).
 */
import * as tf from '@tensorflow/tfjs';
import type { Applicability } from '../api.ts';
import { mahalanobis, type GaussianFit } from '../mahalanobis.ts';
import { WorkerError } from './errors.ts';

export interface Gate {
  fit: GaussianFit;
  threshold: number;
  extractor: tf.LayersModel;
}

interface GateJson {
  layers: string[];
  threshold: number;
  mean: number[];
  precision: number[];
}

export function parseGate(bytes: ArrayBuffer, model: tf.LayersModel): Gate {
  const json = JSON.parse(new TextDecoder().decode(bytes)) as GateJson;
  const dim = json.mean.length;
  if (!Array.isArray(json.layers) || json.precision.length !== dim * dim || !(json.threshold > 0)) {
    throw new WorkerError('manifest-invalid', 'the applicability gate file is malformed');
  }
  const outputs = json.layers.map((name) => model.getLayer(name).output as tf.SymbolicTensor);
  return {
    fit: { mean: Float64Array.from(json.mean), precision: Float64Array.from(json.precision), dim },
    threshold: json.threshold,
    extractor: tf.model({ inputs: model.inputs, outputs }),
  };
}

/** Mean and standard deviation of every channel of every gate layer, for one input. */
export function gateFeatures(gate: Gate, input: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const outputs = gate.extractor.predict(input) as tf.Tensor[];
    return tf.concat(outputs.flatMap((o) => {
      const { mean, variance } = tf.moments(o, [1, 2]);
      return [mean, tf.sqrt(tf.add(variance, 1e-6))];
    }), 1) as tf.Tensor2D;
  });
}

export async function applicability(gate: Gate, input: tf.Tensor4D): Promise<Applicability> {
  const features = gateFeatures(gate, input);
  try {
    const distance = mahalanobis(gate.fit, await features.data());
    return { distance, threshold: gate.threshold, applies: distance <= gate.threshold };
  } finally {
    features.dispose();
  }
}
