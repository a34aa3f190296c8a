import { describe, expect, it } from 'vitest';
import { fitGaussian, invertSpd, mahalanobis } from '../../src/ml/mahalanobis.ts';
import { seededRandom } from '../../src/ml/random.ts';

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

describe('Mahalanobis distance', () => {
  it('inverts a symmetric positive-definite matrix', () => {
    const a = Float64Array.from([4, 2, 0.6, 2, 2, 0.5, 0.6, 0.5, 3]);
    const inv = invertSpd(a, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += (a[i * 3 + k] ?? 0) * (inv[k * 3 + j] ?? 0);
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });

  it('measures distance in units of the data spread, axis by axis', () => {
    const random = seededRandom(3);
    // x spread 10, y spread 1: a point 10 away along x is as near as 1 away along y.
    const samples = Array.from({ length: 4000 }, () => Float32Array.from([10 * normal(random), normal(random)]));
    const fit = fitGaussian(samples, 0);
    expect(mahalanobis(fit, [10, 0])).toBeCloseTo(1, 1);
    expect(mahalanobis(fit, [0, 1])).toBeCloseTo(1, 1);
    expect(mahalanobis(fit, [0, 5])).toBeGreaterThan(4.5);
  });
});
