/**
 * 8x8 inverse DCT for the JPEG decoder, in the Arai-Agui-Nakajima factorisation: each 1-D
 * pass costs 5 multiplications instead of 64, because the per-frequency scale factors are
 * folded into the dequantisation table once per image (see scaledQuant).
 */

/** AAN scale per frequency: 1 for DC, cos(k pi / 16) * sqrt(2) otherwise. */
const AAN = Float64Array.from({ length: 8 }, (_, k) => (k === 0 ? 1 : Math.cos((k * Math.PI) / 16) * Math.SQRT2));

/**
 * The quantisation table (zig-zag order, as stored) turned into multipliers in natural order
 * with the AAN factors and the final 1/8 of the 2-D transform folded in.
 */
export function scaledQuant(table: Int32Array, zigzag: Uint8Array): Float64Array {
  const out = new Float64Array(64);
  for (let k = 0; k < 64; k++) {
    const at = zigzag[k] ?? 0;
    out[at] = ((table[k] ?? 1) * (AAN[at >> 3] ?? 1) * (AAN[at & 7] ?? 1)) / 8;
  }
  return out;
}

const R2 = Math.SQRT2;
const C6X2 = 2 * Math.cos((3 * Math.PI) / 8); // 0.765...
const C2X2 = 2 * Math.cos(Math.PI / 8); // 1.847...
const K1 = C2X2 - C6X2; // 1.082...
const K2 = C2X2 + C6X2; // 2.613...

/**
 * One 1-D pass over 8 values `step` apart in `v`, from `from` into `out` at `to` (same step).
 * Even part from inputs 0, 2, 4, 6; odd part from 1, 3, 5, 7; then butterflies.
 */
function pass(v: Float64Array, from: number, out: Float64Array, to: number, step: number): void {
  const a0 = v[from] as number;
  const a1 = v[from + step] as number;
  const a2 = v[from + 2 * step] as number;
  const a3 = v[from + 3 * step] as number;
  const a4 = v[from + 4 * step] as number;
  const a5 = v[from + 5 * step] as number;
  const a6 = v[from + 6 * step] as number;
  const a7 = v[from + 7 * step] as number;
  const e10 = a0 + a4;
  const e11 = a0 - a4;
  const e13 = a2 + a6;
  const e12 = (a2 - a6) * R2 - e13;
  const e0 = e10 + e13;
  const e3 = e10 - e13;
  const e1 = e11 + e12;
  const e2 = e11 - e12;
  const z13 = a5 + a3;
  const z10 = a5 - a3;
  const z11 = a1 + a7;
  const z12 = a1 - a7;
  const o7 = z11 + z13;
  const o11 = (z11 - z13) * R2;
  const z5 = (z10 + z12) * C2X2;
  const o10 = K1 * z12 - z5;
  const o12 = z5 - K2 * z10;
  const o6 = o12 - o7;
  const o5 = o11 - o6;
  const o4 = o10 + o5;
  out[to] = e0 + o7;
  out[to + 7 * step] = e0 - o7;
  out[to + step] = e1 + o6;
  out[to + 6 * step] = e1 - o6;
  out[to + 2 * step] = e2 + o5;
  out[to + 5 * step] = e2 - o5;
  out[to + 3 * step] = e3 - o4;
  out[to + 4 * step] = e3 + o4;
}

/** In place: `block` holds dequantised coefficients (natural order, scaled by scaledQuant), then samples (before level shift). */
export function idct8x8(block: Float64Array, work: Float64Array): void {
  for (let col = 0; col < 8; col++) pass(block, col, work, col, 8);
  for (let row = 0; row < 8; row++) pass(work, row * 8, block, row * 8, 1);
}
