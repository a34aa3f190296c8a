/**
 * A 0..1 heatmap as an RGBA overlay: a perceptual ramp (dark blue, cyan, yellow, red) whose
 * alpha grows with the heat, so cold regions leave the film visible rather than tinting it all.
 */

/** Ramp stops at heat 0, 1/3, 2/3 and 1. */
const STOPS: readonly (readonly [number, number, number])[] = [
  [20, 40, 160],
  [0, 200, 220],
  [250, 220, 40],
  [230, 30, 30],
];

/** Below this the overlay is fully transparent: the weakest evidence is noise, not a finding. */
const FLOOR = 0.15;

function ramp(heat: number): [number, number, number] {
  const t = Math.max(0, Math.min(1, heat)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(t));
  const f = t - i;
  const a = STOPS[i] ?? [0, 0, 0];
  const b = STOPS[i + 1] ?? a;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export function heatOverlay(heat: ArrayLike<number>, width: number, height: number, opacity: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(width * height * 4);
  const strength = Math.max(0, Math.min(1, opacity));
  for (let i = 0; i < width * height; i++) {
    const h = heat[i] ?? 0;
    if (h <= FLOOR) continue;
    const [r, g, b] = ramp(h);
    const o = i * 4;
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = 255 * strength * Math.min(1, (h - FLOOR) / (1 - FLOOR) + 0.25);
  }
  return out;
}
