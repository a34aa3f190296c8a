/**
 * Training augmentation moves films the way another hospital's would, and nothing else:
 * a zoom magnifies about the centre, a stretch widens one axis only, blur keeps the grey level.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_AUGMENT, affine, intensity, type AugmentOptions } from '../../src/cli/augment.ts';
import { CHANGES } from '../../src/cli/pneumonia-robustness.ts';

const STILL: AugmentOptions = { maxRotation: 0, maxScale: 0, maxShift: 0, maxGamma: 0, maxContrast: 0, noise: 0 };

/** A 32x32 film, black but for a white bar across columns 12..19 at every row. */
function bar(): tf.Tensor4D {
  const data = Array.from({ length: 32 * 32 }, (_, i) => (i % 32 >= 12 && i % 32 < 20 ? 1 : 0));
  return tf.tensor4d(data, [1, 32, 32, 1]);
}

/** The width of the bar along the middle row. */
function barWidth(x: tf.Tensor4D): number {
  const row = x.slice([0, 16, 0, 0], [1, 1, 32, 1]).dataSync();
  return Array.from(row).filter((v) => v > 0.5).length;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('augmentation', () => {
  it('leaves a film untouched when every range is zero', () => {
    const x = bar();
    const out = intensity(affine(x, Math.random, { ...STILL, logScale: 0, maxAspect: 0 }), Math.random, STILL);
    const before = x.dataSync();
    // Gamma lifts black to 1e-4 (it clips before the power); nothing else moves.
    out.dataSync().forEach((v, i) => expect(Math.abs(v - (before[i] ?? 0))).toBeLessThan(2e-4));
  });

  it('zooms log-uniformly: the bar widens or narrows about the centre, never both ways at once', () => {
    const widths = Array.from({ length: 40 }, (_, i) => {
      let draws = 0;
      // rotation, zoom, shift x, shift y: the zoom draw sweeps 0..1, the others sit at the middle.
      const random = (): number => (draws++ % 4 === 1 ? i / 39 : 0.5);
      return barWidth(affine(bar(), random, { ...STILL, logScale: 0.4 }));
    });
    expect(Math.min(...widths)).toBeLessThanOrEqual(6);
    expect(Math.max(...widths)).toBeGreaterThanOrEqual(11);
    // Zooming in widens the centred bar; the sweep goes from narrowest to widest.
    expect(widths[0]).toBeLessThan(widths[39] ?? 0);
  });

  it('stretches one axis against the other', () => {
    let draws = 0;
    // rotation, zoom, stretch (at its maximum), shift x, shift y.
    const random = (): number => (draws++ % 5 === 2 ? 1 : 0.5);
    const x = bar();
    const rotated = tf.transpose(x, [0, 2, 1, 3]) as tf.Tensor4D;
    const o = { ...STILL, logScale: 0, maxAspect: 0.3 };
    expect(barWidth(affine(x, random, o))).toBeGreaterThan(8);
    draws = 0;
    // The same stretch narrows the bar turned across the other axis.
    const across = affine(rotated, random, o);
    expect(barWidth(tf.transpose(across, [0, 2, 1, 3]) as tf.Tensor4D)).toBeLessThan(8);
  });

  it('fills what a zoom-out uncovers with black when asked, as the app letterboxes, else with the edge', () => {
    const white = tf.fill([1, 32, 32, 1], 1) as tf.Tensor4D;
    let draws = 0;
    // rotation, zoom (at its smallest), shift x, shift y.
    const random = (): number => (draws++ % 4 === 1 ? 0 : 0.5);
    const black = affine(white, random, { ...STILL, logScale: 0.3, fill: 'constant' }).dataSync();
    expect(black[0]).toBe(0);
    expect(black[16 * 32 + 16]).toBeCloseTo(1, 5);
    draws = 0;
    expect(affine(white, random, { ...STILL, logScale: 0.3 }).dataSync()[0]).toBeCloseTo(1, 5);
  });

  it('blurs without darkening the edges: a flat grey film stays flat grey', () => {
    const grey = tf.fill([2, 32, 32, 1], 0.6) as tf.Tensor4D;
    const out = intensity(grey, () => 0.9 * Math.random(), { ...STILL, blur: 1 }).dataSync();
    for (const v of out) expect(v).toBeCloseTo(0.6, 5);
    const sharp = bar();
    const soft = intensity(sharp, () => 0.999, { ...STILL, blur: 1 });
    // The bar's edge is softened: a pixel just outside it is no longer black.
    expect(soft.slice([0, 16, 11, 0], [1, 1, 1, 1]).dataSync()[0]).toBeGreaterThan(0.1);
  });

  it('keeps the segmenters\' defaults free of the new ranges', () => {
    expect(DEFAULT_AUGMENT.logScale).toBeUndefined();
    expect(DEFAULT_AUGMENT.maxAspect).toBeUndefined();
    expect(DEFAULT_AUGMENT.blur).toBeUndefined();
  });
});

describe('robustness changes', () => {
  const change = (name: string, x: tf.Tensor4D): tf.Tensor4D => {
    const found = CHANGES.find(([n]) => n.startsWith(name));
    if (!found) throw new Error(name);
    return found[1](x);
  };

  it('zooms out with a black border', () => {
    const out = change('zoomed out', tf.fill([1, 32, 32, 1], 1) as tf.Tensor4D).dataSync();
    expect(out[0]).toBe(0);
    expect(out[16 * 32 + 16]).toBeCloseTo(1, 5);
  });

  it('zooms in by magnifying the centre: the 8-pixel bar grows to about 9.6', () => {
    const width = barWidth(change('zoomed in', bar()));
    expect(width).toBeGreaterThanOrEqual(9);
    expect(width).toBeLessThanOrEqual(10);
  });
});
