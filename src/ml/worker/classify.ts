import * as tf from '@tensorflow/tfjs';
import type { Applicability, GreyImage, Score } from '../api.ts';
import { applicability } from './gate.ts';
import { getModel } from './registry.ts';
import { toModelInput, validateGreyImage } from './preprocess.ts';

export interface Classified {
  scores: Score[];
  applicability?: Applicability;
}

/** Class probabilities for one grey image and, when the model has a gate, whether it applies. */
export async function classify(modelId: string, image: GreyImage): Promise<Classified> {
  validateGreyImage(image);
  const { loaded } = await getModel(modelId);
  const x = tf.tidy(() => toModelInput(image, loaded.entry.input));
  const probabilities = tf.tidy(() => loaded.model.predict(x) as tf.Tensor);
  try {
    const values = await probabilities.data();
    const scores = loaded.entry.labels.map((label, i) => ({ label, probability: values[i] ?? Number.NaN }));
    return loaded.gate ? { scores, applicability: await applicability(loaded.gate, x) } : { scores };
  } finally {
    tf.dispose([x, probabilities]);
  }
}
