/** Classification metrics, plain TypeScript so the worker, the CLI and tests share them. */

/** Area under the ROC curve by the rank (Mann-Whitney) statistic; ties count half. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (scores[a] ?? 0) - (scores[b] ?? 0));
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1] ?? 0] === scores[order[i] ?? 0]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k] ?? 0] === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface BinaryCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function confusion(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): BinaryCounts {
  const counts: BinaryCounts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < scores.length; i++) {
    const predicted = (scores[i] ?? 0) >= threshold;
    const actual = labels[i] === 1;
    if (predicted && actual) counts.tp++;
    else if (predicted) counts.fp++;
    else if (actual) counts.fn++;
    else counts.tn++;
  }
  return counts;
}

export function accuracy(c: BinaryCounts): number {
  return (c.tp + c.tn) / Math.max(1, c.tp + c.tn + c.fp + c.fn);
}

/** Expected calibration error: |accuracy - confidence| averaged over equal-width bins of p(positive). */
export function expectedCalibrationError(scores: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): number {
  const count = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  const positives = new Float64Array(bins);
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i] ?? 0;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b] = (count[b] ?? 0) + 1;
    confidence[b] = (confidence[b] ?? 0) + p;
    positives[b] = (positives[b] ?? 0) + (labels[i] === 1 ? 1 : 0);
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const n = count[b] ?? 0;
    if (n > 0) ece += (n / scores.length) * Math.abs((positives[b] ?? 0) / n - (confidence[b] ?? 0) / n);
  }
  return ece;
}
