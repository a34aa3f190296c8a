/**
 * The held-out figures the metrics page shows, from true labels and class probabilities:
 * accuracy, sensitivity, specificity and AUC with 95% bootstrap intervals, the ROC curve and
 * the confusion matrix, plus the warnings that say when the figures cannot be trusted. The
 * same code grades a fresh fine-tune and any model run over a labelled folder.
 */
import { auc } from '../ml/metrics.ts';
import { bootstrap, type Estimate } from '../ml/bootstrap.ts';
import { rocPoints, type RocPoint } from './roc.ts';

export interface Graded {
  label: number;
  probabilities: readonly number[];
}

export interface ClassCurve {
  classIndex: number;
  auc: Estimate;
  roc: RocPoint[];
}

export interface Evaluation {
  classNames: string[];
  count: number;
  perClass: number[];
  /** confusion[true][predicted]. */
  confusion: number[][];
  accuracy: Estimate;
  /** Two classes: the class the user calls the finding. */
  positive?: number;
  sensitivity?: Estimate;
  specificity?: Estimate;
  /** Two classes: one curve for `positive`. More: one-vs-rest per class. */
  curves: ClassCurve[];
  warnings: string[];
}

/** Fewer images than these and the interval is too wide to mean much. */
export const MIN_TOTAL = 20;
export const MIN_PER_CLASS = 5;

export function argmax(values: readonly number[]): number {
  let best = 0;
  values.forEach((v, i) => {
    if (v > (values[best] ?? -Infinity)) best = i;
  });
  return best;
}

function estimate(rows: readonly Graded[], statistic: (picked: Graded[]) => number, rounds: number): Estimate {
  return bootstrap(rows.length, (indices) => statistic(indices.flatMap((i) => rows[i] ?? [])), rounds);
}

function curveFor(rows: readonly Graded[], classIndex: number, rounds: number): ClassCurve {
  const score = (r: Graded): number => r.probabilities[classIndex] ?? 0;
  const value = estimate(rows, (picked) => auc(picked.map(score), picked.map((r) => (r.label === classIndex ? 1 : 0))), rounds);
  return { classIndex, auc: value, roc: rocPoints(rows.map(score), rows.map((r) => r.label === classIndex)) };
}

/** A rate over the rows of one true class; NaN when that class is absent (the bootstrap drops those). */
function recall(picked: readonly Graded[], classIndex: number): number {
  const own = picked.filter((r) => r.label === classIndex);
  return own.length === 0 ? Number.NaN : own.filter((r) => argmax(r.probabilities) === classIndex).length / own.length;
}

export function warningsFor(classNames: readonly string[], perClass: readonly number[], predicted: readonly number[]): string[] {
  const warnings: string[] = [];
  const count = predicted.length;
  const distinct = new Set(predicted);
  if (count > 0 && distinct.size === 1) {
    const only = classNames[predicted[0] ?? 0] ?? 'one class';
    warnings.push(`The model predicts only "${only}", for all ${count} images graded: it does not tell the classes apart (often it has learned only the most common class), whatever the accuracy says.`);
  }
  const small = classNames.map((name, i) => ({ name, n: perClass[i] ?? 0 })).filter((c) => c.n < MIN_PER_CLASS);
  if (count < MIN_TOTAL || small.length > 0) {
    const detail = small.map((c) => `${c.name} has ${c.n}`).join(', ');
    warnings.push(`Too few images to trust these figures: ${count} in all${detail ? ` (${detail})` : ''}; at least ${MIN_TOTAL} in all and ${MIN_PER_CLASS} per class are needed, and intervals stay wide until far more.`);
  }
  return warnings;
}

/** `positive` picks the finding when there are two classes (default class 1). */
export function evaluate(classNames: readonly string[], rows: readonly Graded[], positive = 1, rounds = 1000): Evaluation {
  const k = classNames.length;
  const perClass = Array.from({ length: k }, (_, c) => rows.filter((r) => r.label === c).length);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const predicted = rows.map((r) => argmax(r.probabilities));
  rows.forEach((r, i) => {
    const row = confusion[r.label];
    const p = predicted[i] ?? 0;
    if (row) row[p] = (row[p] ?? 0) + 1;
  });
  const accuracy = estimate(rows, (picked) => (picked.length ? picked.filter((r) => argmax(r.probabilities) === r.label).length / picked.length : Number.NaN), rounds);
  const result: Evaluation = { classNames: [...classNames], count: rows.length, perClass, confusion, accuracy, curves: [], warnings: warningsFor(classNames, perClass, predicted) };
  if (k === 2) {
    const negative = 1 - positive;
    result.positive = positive;
    result.sensitivity = estimate(rows, (picked) => recall(picked, positive), rounds);
    result.specificity = estimate(rows, (picked) => recall(picked, negative), rounds);
    result.curves = [curveFor(rows, positive, rounds)];
  } else {
    result.curves = classNames.map((_, c) => curveFor(rows, c, rounds));
  }
  return result;
}

/** The figures a saved model keeps in its meta (and card): values and intervals, plain numbers. */
export function metricsRecord(e: Evaluation): Record<string, number | [number, number]> {
  const out: Record<string, number | [number, number]> = { images: e.count, accuracy: e.accuracy.value, accuracyCi95: e.accuracy.ci95 };
  if (e.sensitivity) Object.assign(out, { sensitivity: e.sensitivity.value, sensitivityCi95: e.sensitivity.ci95 });
  if (e.specificity) Object.assign(out, { specificity: e.specificity.value, specificityCi95: e.specificity.ci95 });
  for (const c of e.curves) {
    const name = e.curves.length === 1 ? 'auc' : `auc_${e.classNames[c.classIndex] ?? c.classIndex}`;
    out[name] = c.auc.value;
    out[`${name}Ci95`] = c.auc.ci95;
  }
  return out;
}
