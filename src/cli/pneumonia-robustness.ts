/**
 * How the classifier's validation verdicts move when the same films are framed or focused
 * differently: zoomed in (the chest fills more of the frame), zoomed out (a black border), or
 * blurred. Another hospital's films differ in exactly these ways, and validation AUC alone
 * cannot see a model that reads the chest's size in the frame instead of the lungs.
 */
import * as tf from '@tensorflow/tfjs';
import { auc } from '../ml/metrics.ts';
import type { GreyStack } from './kermany.ts';
import { scoresOf } from './pneumonia-scores.ts';
import { binomialBlur } from './augment.ts';

export interface RobustnessRow {
  change: string;
  auc: number;
  /** Of the validation normals, how many the operating point calls pneumonia. */
  normalsCalled: number;
  pneumoniaCalled: number;
  normals: number;
  pneumonia: number;
}

type Change = (x: tf.Tensor4D) => tf.Tensor4D;

/** Zoom about the centre by `factor` (above 1 magnifies); uncovered pixels are black. */
function zoom(factor: number): Change {
  return (x) => {
    const [n, h, w] = x.shape;
    const a = 1 / factor;
    const row = [a, 0, (w / 2) * (1 - a), 0, a, (h / 2) * (1 - a), 0, 0];
    return tf.image.transform(x, tf.tensor2d(Array.from({ length: n }, () => row)), 'bilinear', 'constant', 0);
  };
}

/** The changes, each mild enough that a reader would give every film the same verdict. */
export const CHANGES: readonly [string, Change][] = [
  ['none', (x) => x],
  ['zoomed in 1.2x', zoom(1.2)],
  ['zoomed out 0.85x (black border)', zoom(0.85)],
  ['blurred (5x5 binomial, twice)', (x) => binomialBlur(binomialBlur(x))],
];

export interface Robustness {
  rows: RobustnessRow[];
  /**
   * AUC with every film under every change ranked together: a zoomed-in normal must still rank
   * below a zoomed-out pneumonia. Each row's own AUC cannot see a shift that moves all films alike.
   */
  pooledAuc: number;
}

export function robustness(model: tf.LayersModel, val: GreyStack, threshold: number): Robustness {
  const all: Float32Array[] = [];
  const rows = CHANGES.map(([change, apply]) => {
    const s = scoresOf(model, val, apply);
    all.push(s);
    const count = (label: number, cut: number): number => s.filter((p, i) => val.labels[i] === label && p >= cut).length;
    return {
      change, auc: auc(s, val.labels), normalsCalled: count(0, threshold), pneumoniaCalled: count(1, threshold),
      normals: count(0, -Infinity), pneumonia: count(1, -Infinity),
    };
  });
  const pooled = new Float32Array(all.length * val.count);
  all.forEach((s, i) => pooled.set(s, i * val.count));
  const labels = new Uint8Array(all.length * val.count).map((_, i) => val.labels[i % val.count] ?? 0);
  return { rows, pooledAuc: auc(pooled, labels) };
}
