import * as tf from '@tensorflow/tfjs';
import type { GreyImage, Score } from '../api.ts';
import { getModel } from './registry.ts';
import { toModelInput, validateGreyImage } from './preprocess.ts';

/** Class probabilities for one grey image, all tensor work inside tidy. */
export async function classify(modelId: string, image: GreyImage): Promise<Score[]> {
  validateGreyImage(image);
  const { loaded } = await getModel(modelId);
  const probabilities = tf.tidy(() => {
    const x = toModelInput(image, loaded.entry.input);
    return loaded.model.predict(x) as tf.Tensor;
  });
  try {
    const values = await probabilities.data();
    return loaded.entry.labels.map((label, i) => ({ label, probability: values[i] ?? Number.NaN }));
  } finally {
    probabilities.dispose();
  }
}
