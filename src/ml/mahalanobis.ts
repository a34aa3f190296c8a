/**
 * Mahalanobis distance in a model's feature space: the applicability gate's measure of how far
 * an image is from the training images. Plain TypeScript (Float64), small dimensions (~128).
 */

export interface GaussianFit {
  mean: Float64Array;
  /** Inverse of the shrunk covariance, row-major d x d. */
  precision: Float64Array;
  dim: number;
}

/**
 * Mean and shrunk covariance (Ledoit-Wolf style blend towards a scaled identity with weight
 * `shrink`), inverted by Cholesky. Shrinkage keeps the inverse stable with few samples.
 */
export function fitGaussian(samples: readonly Float32Array[], shrink = 0.1): GaussianFit {
  const n = samples.length;
  const dim = samples[0]?.length ?? 0;
  if (n < 2 || dim === 0) throw new Error('need at least two feature vectors');
  const mean = new Float64Array(dim);
  for (const s of samples) for (let i = 0; i < dim; i++) mean[i] = (mean[i] as number) + (s[i] as number) / n;
  const cov = new Float64Array(dim * dim);
  for (const s of samples) {
    for (let i = 0; i < dim; i++) {
      const di = (s[i] as number) - (mean[i] as number);
      for (let j = 0; j <= i; j++) cov[i * dim + j] = (cov[i * dim + j] as number) + (di * ((s[j] as number) - (mean[j] as number))) / (n - 1);
    }
  }
  let trace = 0;
  for (let i = 0; i < dim; i++) trace += cov[i * dim + i] as number;
  const target = trace / dim;
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      const v = (1 - shrink) * (cov[i * dim + j] as number) + (i === j ? shrink * target : 0);
      cov[i * dim + j] = v;
      cov[j * dim + i] = v;
    }
  }
  return { mean, precision: invertSpd(cov, dim), dim };
}

/** Inverse of a symmetric positive-definite matrix through its Cholesky factor. */
export function invertSpd(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j] as number;
      for (let k = 0; k < j; k++) sum -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (sum <= 0) throw new Error('matrix is not positive definite');
        l[i * n + i] = Math.sqrt(sum);
      } else l[i * n + j] = sum / (l[j * n + j] as number);
    }
  }
  // Invert L (lower triangular), then A^-1 = L^-T L^-1.
  const li = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    li[i * n + i] = 1 / (l[i * n + i] as number);
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= (l[i * n + k] as number) * (li[k * n + j] as number);
      li[i * n + j] = sum / (l[i * n + i] as number);
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < n; k++) sum += (li[k * n + i] as number) * (li[k * n + j] as number);
      inv[i * n + j] = sum;
      inv[j * n + i] = sum;
    }
  }
  return inv;
}

export function mahalanobis(fit: GaussianFit, x: ArrayLike<number>): number {
  const d = fit.dim;
  const diff = new Float64Array(d);
  for (let i = 0; i < d; i++) diff[i] = (x[i] as number) - (fit.mean[i] as number);
  let sum = 0;
  for (let i = 0; i < d; i++) {
    let row = 0;
    for (let j = 0; j < d; j++) row += (fit.precision[i * d + j] as number) * (diff[j] as number);
    sum += (diff[i] as number) * row;
  }
  return Math.sqrt(Math.max(0, sum));
}
