import { describe, expect, it } from 'vitest';
import { accuracy, auc, confusion } from '../../src/ml/metrics.ts';

describe('auc', () => {
  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it('counts ties as half, as the Mann-Whitney statistic does', () => {
    // Pairs (pos, neg): (0.5 vs 0.5) tie = 0.5, (0.5 vs 0.1) = 1, (0.9 vs 0.5) = 1, (0.9 vs 0.1) = 1 -> 3.5 / 4.
    expect(auc([0.5, 0.1, 0.5, 0.9], [0, 0, 1, 1])).toBeCloseTo(0.875, 10);
  });

  it('is undefined (NaN) with one class only', () => {
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
  });
});

describe('confusion and accuracy', () => {
  it('counts each outcome at the threshold', () => {
    const c = confusion([0.9, 0.6, 0.4, 0.1, 0.7], [1, 0, 1, 0, 1], 0.5);
    expect(c).toEqual({ tp: 2, fp: 1, tn: 1, fn: 1 });
    expect(accuracy(c)).toBeCloseTo(0.6, 10);
  });
});
