import { describe, expect, it } from 'vitest';
import { auc } from '../../src/ml/metrics.ts';
import { evaluate, metricsRecord, type Graded } from '../../src/teach/evaluation.ts';
import { evaluationCsv } from '../../src/teach/evaluation-csv.ts';
import { rocArea, rocPath, rocPoints } from '../../src/teach/roc.ts';
import { seededRandom } from '../../src/ml/random.ts';

/** Two noisy classes: class 1's score is shifted up, so AUC is high but not perfect. */
function binary(count: number, seed = 2): Graded[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const label = i % 3 === 0 ? 1 : 0;
    const p = Math.min(1, Math.max(0, 0.35 + 0.3 * label + (random() - 0.5) * 0.6));
    return { label, probabilities: [1 - p, p] };
  });
}

describe('ROC curve', () => {
  it('has the same area as the rank AUC, ties included', () => {
    const rows = binary(90);
    const scores = rows.map((r) => Number((r.probabilities[1] ?? 0).toFixed(1)));
    const positive = rows.map((r) => r.label === 1);
    const points = rocPoints(scores, positive);
    expect(points[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(points.at(-1)).toEqual({ fpr: 1, tpr: 1 });
    expect(rocArea(points)).toBeCloseTo(auc(scores, positive.map(Number)), 10);
    expect(rocPath([{ fpr: 0, tpr: 0 }, { fpr: 0.5, tpr: 1 }], 100)).toBe('M0,100L50,0');
  });
});

describe('held-out evaluation', () => {
  it('gives accuracy, sensitivity, specificity and AUC with intervals around the value', () => {
    const rows = binary(150);
    const e = evaluate(['normal', 'tb'], rows);
    const tp = rows.filter((r) => r.label === 1 && (r.probabilities[1] ?? 0) > 0.5).length;
    expect(e.sensitivity?.value).toBeCloseTo(tp / 50, 10);
    expect(e.confusion[1]?.[1]).toBe(tp);
    expect(e.confusion.flat().reduce((a, b) => a + b, 0)).toBe(150);
    const curve = e.curves[0];
    expect(curve?.auc.value).toBeCloseTo(auc(rows.map((r) => r.probabilities[1] ?? 0), rows.map((r) => r.label)), 10);
    for (const est of [e.accuracy, e.sensitivity, e.specificity, curve?.auc]) {
      expect(est?.ci95[0]).toBeLessThanOrEqual(est?.value ?? Number.NaN);
      expect(est?.ci95[1]).toBeGreaterThanOrEqual(est?.value ?? Number.NaN);
      expect((est?.ci95[1] ?? 0) - (est?.ci95[0] ?? 0)).toBeGreaterThan(0);
    }
    expect(e.warnings).toEqual([]);
    expect(metricsRecord(e).auc).toBe(curve?.auc.value);
  });

  it('swaps sensitivity and specificity when the user names the other class the finding', () => {
    const rows = binary(60);
    const a = evaluate(['normal', 'tb'], rows, 1, 50);
    const b = evaluate(['normal', 'tb'], rows, 0, 50);
    expect(b.sensitivity?.value).toBe(a.specificity?.value);
    // Scores and labels both flip, so the ranking and its AUC are unchanged.
    expect(b.curves[0]?.auc.value).toBeCloseTo(a.curves[0]?.auc.value ?? 0, 10);
    expect(b.curves[0]?.classIndex).toBe(0);
  });

  it('warns loudly when the model predicts only the majority class, and when validation is small', () => {
    const rows: Graded[] = Array.from({ length: 12 }, (_, i) => ({ label: i < 9 ? 0 : 1, probabilities: [0.7, 0.3] }));
    const e = evaluate(['normal', 'tb'], rows, 1, 20);
    expect(e.accuracy.value).toBe(0.75);
    expect(e.warnings[0]).toContain('predicts only "normal", for all 12 images graded');
    expect(e.warnings[1]).toContain('12 in all (tb has 3)');
  });

  it('grades three classes one-vs-rest, and writes one CSV row per image plus the summary', () => {
    const rows: Graded[] = Array.from({ length: 30 }, (_, i) => {
      const label = i % 3;
      const p = [0.2, 0.2, 0.2];
      p[label] = i % 5 === 0 ? 0.1 : 0.6;
      return { label, probabilities: p };
    });
    const e = evaluate(['a', 'b', 'c'], rows, 1, 20);
    expect(e.curves.map((c) => c.classIndex)).toEqual([0, 1, 2]);
    expect(e.sensitivity).toBeUndefined();
    const csv = evaluationCsv('my model', e, rows.map((r, i) => ({ file: `x,${i}.png`, ...r })));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('file,true_class,predicted_class,p_a,p_b,p_c');
    expect(lines[2]).toBe('"x,1.png",b,b,0.200000,0.600000,0.200000');
    expect(lines).toContain(`accuracy,${e.accuracy.value.toFixed(4)},${e.accuracy.ci95[0].toFixed(4)},${e.accuracy.ci95[1].toFixed(4)}`);
    expect(lines.filter((l) => l.startsWith('auc ('))).toHaveLength(3);
  });
});
