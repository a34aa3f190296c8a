/**
 * The fast (AAN) inverse DCT against the textbook definition, computed independently here:
 * f(x, y) = 1/4 sum_u sum_v C(u) C(v) F(u, v) cos((2x+1) u pi/16) cos((2y+1) v pi/16).
 */
import { describe, expect, it } from 'vitest';
import { idct8x8, scaledQuant } from '../../src/dicom/decoders/idct.ts';
import { seededRandom } from '../../src/ml/random.ts';

const IDENTITY_ORDER = Uint8Array.from({ length: 64 }, (_, i) => i);

function reference(F: Float64Array): Float64Array {
  const out = new Float64Array(64);
  const c = (k: number): number => (k === 0 ? Math.SQRT1_2 : 1);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      let sum = 0;
      for (let v = 0; v < 8; v++) for (let u = 0; u < 8; u++) sum += c(u) * c(v) * (F[v * 8 + u] ?? 0) * Math.cos(((2 * x + 1) * u * Math.PI) / 16) * Math.cos(((2 * y + 1) * v * Math.PI) / 16);
      out[y * 8 + x] = sum / 4;
    }
  }
  return out;
}

describe('AAN inverse DCT', () => {
  it('matches the definition on random blocks, sparse and dense', () => {
    const random = seededRandom(3);
    const quant = Int32Array.from({ length: 64 }, (_, i) => 1 + (i % 7));
    const scale = scaledQuant(quant, IDENTITY_ORDER);
    for (let trial = 0; trial < 50; trial++) {
      const coefficients = Float64Array.from({ length: 64 }, () => (random() < (trial % 2 ? 0.2 : 1) ? Math.round((random() - 0.5) * 400) : 0));
      const dequantised = coefficients.map((v, i) => v * (quant[i] ?? 1));
      const block = coefficients.map((v, i) => v * (scale[i] ?? 1));
      idct8x8(block, new Float64Array(64));
      const expected = reference(dequantised);
      for (let i = 0; i < 64; i++) expect(block[i]).toBeCloseTo(expected[i] ?? Number.NaN, 9);
    }
  });
});
