/** What the head and last-block trainers share: settings, labelled data, progress, cancel, metrics. */
import * as tf from '../tf.ts';
import type { FineTuneProgress } from '../../api-finetune.ts';

export interface TrainSettings {
  classes: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
  patience: number;
  augment: boolean;
  seed: number;
}

export interface Labelled<T> {
  items: T[];
  labels: number[];
}

/** Set by cancelFineTune; the trainers read it between steps. */
export interface Cancel {
  cancelled: boolean;
}

export type Progress = (progress: FineTuneProgress) => void;

/** Keeps log(p) finite when a probability rounds to 0 in float32. */
const EPSILON = 1e-7;

/** One macrotask turn, so a cancel message queued behind the training loop is handled. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function oneHot(labels: readonly number[], classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d([...labels], 'int32'), classes).toFloat() as tf.Tensor2D);
}

/** Mean cross-entropy and accuracy (arg max) of class probabilities against labels. */
export function probabilityStats(probabilities: readonly (readonly number[])[], labels: readonly number[]): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  probabilities.forEach((p, i) => {
    const label = labels[i] ?? 0;
    loss -= Math.log(Math.max(EPSILON, p[label] ?? 0));
    let arg = 0;
    p.forEach((v, c) => { if (v > (p[arg] ?? -Infinity)) arg = c; });
    if (arg === label) correct++;
  });
  const n = Math.max(1, probabilities.length);
  return { loss: loss / n, accuracy: correct / n };
}
