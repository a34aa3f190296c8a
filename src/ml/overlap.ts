/** Mask overlap, plain TypeScript for the worker, the CLI and tests. A mask is non-zero = inside. */

export interface Overlap {
  intersection: number;
  predicted: number;
  truth: number;
}

/** Counts over two masks of the same size; sums across slices make a volume. */
export function overlapCounts(predicted: ArrayLike<number>, truth: ArrayLike<number>): Overlap {
  if (predicted.length !== truth.length) throw new Error(`masks of ${predicted.length} and ${truth.length} pixels cannot be compared`);
  let intersection = 0;
  let p = 0;
  let t = 0;
  for (let i = 0; i < truth.length; i++) {
    const a = (predicted[i] ?? 0) > 0;
    const b = (truth[i] ?? 0) > 0;
    if (a) p++;
    if (b) t++;
    if (a && b) intersection++;
  }
  return { intersection, predicted: p, truth: t };
}

export function addOverlap(a: Overlap, b: Overlap): Overlap {
  return { intersection: a.intersection + b.intersection, predicted: a.predicted + b.predicted, truth: a.truth + b.truth };
}

/** Dice = 2|P and T| / (|P| + |T|); two empty masks agree perfectly (1). */
export function diceOf(o: Overlap): number {
  const total = o.predicted + o.truth;
  return total === 0 ? 1 : (2 * o.intersection) / total;
}

export function dice(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  return diceOf(overlapCounts(predicted, truth));
}

export function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
