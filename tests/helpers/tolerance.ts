/** Largest difference between two arrays, relative to the larger of 1 and the reference's largest magnitude. */
export function maxRelativeError(actual: Float32Array, reference: Float32Array): number {
  const scale = Math.max(1, ...Array.from(reference, Math.abs));
  return Math.max(...Array.from(actual, (v, i) => Math.abs(v - (reference[i] ?? Number.NaN)) / scale));
}
