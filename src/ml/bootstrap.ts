/** 95% percentile-bootstrap intervals, deterministic (seeded) so reports repeat exactly. */
import { seededRandom } from './random.ts';

export interface Estimate {
  value: number;
  ci95: [number, number];
}

/**
 * `statistic` is computed on the full sample and on `rounds` resamples of the indices
 * (with replacement); resamples where it is undefined (NaN) are dropped.
 */
export function bootstrap(count: number, statistic: (indices: number[]) => number, rounds = 1000, seed = 7): Estimate {
  const value = statistic(Array.from({ length: count }, (_, i) => i));
  const random = seededRandom(seed);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const indices = Array.from({ length: count }, () => Math.floor(random() * count));
    const s = statistic(indices);
    if (Number.isFinite(s)) samples.push(s);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { value, ci95: [at(0.025), at(0.975)] };
}
