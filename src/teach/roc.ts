/** The ROC curve of one positive class: points from the scores, and the SVG path the metrics page draws. */

export interface RocPoint {
  /** False-positive rate (1 - specificity). */
  fpr: number;
  /** True-positive rate (sensitivity). */
  tpr: number;
}

/**
 * Every distinct score is a threshold, highest first; tied scores move the curve diagonally
 * in one step, which is what makes its area equal the rank AUC (ties counted half).
 */
export function rocPoints(scores: readonly number[], positive: readonly boolean[]): RocPoint[] {
  const order = scores.map((s, i) => ({ s, p: positive[i] === true })).sort((a, b) => b.s - a.s);
  const positives = order.filter((o) => o.p).length;
  const negatives = order.length - positives;
  const points: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  if (positives === 0 || negatives === 0) return points;
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; ) {
    const score = order[i]?.s;
    while (i < order.length && order[i]?.s === score) {
      if (order[i]?.p) tp++;
      else fp++;
      i++;
    }
    points.push({ fpr: fp / negatives, tpr: tp / positives });
  }
  return points;
}

/** Trapezoid area under the points; equals the Mann-Whitney AUC for points from rocPoints. */
export function rocArea(points: readonly RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a && b) area += ((b.fpr - a.fpr) * (a.tpr + b.tpr)) / 2;
  }
  return area;
}

/** The curve in a square of `size` pixels, y up, as an SVG path. */
export function rocPath(points: readonly RocPoint[], size: number): string {
  const r = (v: number): string => (Math.round(v * 100) / 100).toString();
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(p.fpr * size)},${r(size - p.tpr * size)}`).join('');
}
