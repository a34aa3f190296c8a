import * as tf from './tf.ts';
import type { Applicability, GreyImage, Score } from '../api.ts';
import { predictWithGate } from './gate.ts';
import { getModel } from './registry.ts';
import { toModelInput, validateGreyImage } from './preprocess.ts';
import { WorkerError } from './errors.ts';
import { calibrateScores } from '../calibration.ts';

export interface Classified {
  scores: Score[];
  applicability?: Applicability;
}

/** Class probabilities for one grey image and, when the model has a gate, whether it applies. */
export async function classify(modelId: string, image: GreyImage): Promise<Classified> {
  validateGreyImage(image);
  const { loaded } = await getModel(modelId);
  if (loaded.entry.task !== 'classification') throw new WorkerError('bad-input', `${loaded.entry.name} segments images; it does not classify them`);
  const x = tf.tidy(() => toModelInput(image, loaded.entry.input));
  const { labels, positiveIndex, calibration } = loaded.entry;
  // Calibrated here, so every reader (panel, worklist, report, quiz) shows the same number.
  const toScores = (values: ArrayLike<number>): Score[] => {
    const shown = calibrateScores(values, positiveIndex, calibration);
    return labels.map((label, i) => ({ label, probability: shown[i] ?? Number.NaN }));
  };
  try {
    if (loaded.gate) {
      const { probabilities, applicability } = await predictWithGate(loaded.gate, x);
      return { scores: toScores(probabilities), applicability };
    }
    const probabilities = tf.tidy(() => loaded.model.predict(x) as tf.Tensor);
    try {
      return { scores: toScores(await probabilities.data()) };
    } finally {
      probabilities.dispose();
    }
  } finally {
    x.dispose();
  }
}
