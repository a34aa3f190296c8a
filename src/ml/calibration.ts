/**
 * Platt scaling of a binary classifier's probability: p' = sigmoid(a * logit(p) + b), with a and b
 * fitted on validation films. It is monotone (a > 0), so it moves no film across the operating
 * point and leaves the AUC alone; it only makes "70%" mean about 70 in 100 on films like the
 * validation ones. No DOM, so the worker, the CLI and the tests share it.
 */

export interface Calibration {
  method: 'platt';
  a: number;
  b: number;
}

/** Keeps logit finite for the 0 and 1 that float32 softmax outputs can round to. */
const EPS = 1e-7;

export const logit = (p: number): number => {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
};

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function calibrated(p: number, c: Calibration): number {
  return sigmoid(c.a * logit(p) + c.b);
}

/**
 * Newton's method on the log-loss, with Platt's smoothed targets ((n+ + 1) / (n+ + 2) for
 * positives, 1 / (n- + 2) for negatives): a validation set the model nearly separates would
 * otherwise drive a towards infinity.
 */
export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number>, iterations = 100): Calibration {
  const n = scores.length;
  if (n === 0 || labels.length !== n) throw new Error('fitPlatt: scores and labels must be non-empty and of one length');
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] === 1 ? 1 : 0;
  if (positives === 0 || positives === n) throw new Error('fitPlatt: both classes are needed');
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (n - positives + 2);
  const x = Float64Array.from({ length: n }, (_, i) => logit(scores[i] ?? 0.5));
  const t = Float64Array.from({ length: n }, (_, i) => (labels[i] === 1 ? high : low));
  let a = 1;
  let b = 0;
  let loss = logLoss(x, t, a, b);
  for (let k = 0; k < iterations; k++) {
    const step = newtonStep(x, t, a, b);
    // Halve the step until the loss falls: a full Newton step overshoots on near-separable data.
    let scale = 1;
    while (scale > 1e-6 && logLoss(x, t, a - scale * step.da, b - scale * step.db) > loss) scale /= 2;
    a -= scale * step.da;
    b -= scale * step.db;
    const next = logLoss(x, t, a, b);
    if (loss - next < 1e-12) break;
    loss = next;
  }
  if (!(a > 0) || !Number.isFinite(b)) throw new Error(`fitPlatt: no increasing fit (a ${a}, b ${b})`);
  return { method: 'platt', a, b };
}

/** Mean cross-entropy of sigmoid(a x + b) against the smoothed targets, computed stably. */
function logLoss(x: Float64Array, t: Float64Array, a: number, b: number): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const z = a * (x[i] ?? 0) + b;
    // log(1 + e^z) - t z, without overflow for large |z|.
    sum += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - (t[i] ?? 0) * z;
  }
  return sum / x.length;
}

/** One Newton step for (a, b): the gradient and Hessian of the mean log-loss, solved 2x2. */
function newtonStep(x: Float64Array, t: Float64Array, a: number, b: number): { da: number; db: number } {
  let ga = 0;
  let gb = 0;
  let haa = 1e-9;
  let hab = 0;
  let hbb = 1e-9;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] ?? 0;
    const p = sigmoid(a * xi + b);
    const r = p - (t[i] ?? 0);
    const w = p * (1 - p);
    ga += r * xi;
    gb += r;
    haa += w * xi * xi;
    hab += w * xi;
    hbb += w;
  }
  const det = haa * hbb - hab * hab;
  return { da: (hbb * ga - hab * gb) / det, db: (haa * gb - hab * ga) / det };
}

/** Calibrated class probabilities of a two-class softmax; more classes pass through unchanged. */
export function calibrateScores(probabilities: ArrayLike<number>, positiveIndex: number, c: Calibration | undefined): number[] {
  const values = Array.from(probabilities);
  if (!c || values.length !== 2) return values;
  const p = calibrated(values[positiveIndex] ?? 0, c);
  return values.map((_, i) => (i === positiveIndex ? p : 1 - p));
}
