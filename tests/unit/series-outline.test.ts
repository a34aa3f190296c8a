/** A tumour volume from per-slice masks: counted pixels x spacing x thickness, and its largest slice. */
import { describe, expect, it } from 'vitest';
import { seriesVolume, uniformSize, type SliceMask } from '../../src/state/series-outline.ts';

const slice = (frame: number, pixels: number): SliceMask => ({ ref: { key: `IM${frame}`, frame: 0 }, width: 10, height: 10, mask: new Uint8Array(100), pixels });

describe('series volume', () => {
  it('sums slices in mL and finds the largest', () => {
    const v = seriesVolume([slice(0, 0), slice(1, 400), slice(2, 1000), slice(3, 200)], [0.5, 0.5], 5);
    // 1,600 pixels x 0.25 mm² x 5 mm = 2,000 mm³ = 2 mL
    expect(v.millilitres).toBeCloseTo(2, 10);
    expect(v.largest).toEqual({ position: 2, pixels: 1000 });
  });

  it('says what is missing instead of inventing a unit', () => {
    expect(seriesVolume([slice(0, 10)], undefined, 5)).toEqual({ largest: { position: 0, pixels: 10 }, missing: 'the files give no Pixel Spacing' });
    expect(seriesVolume([slice(0, 10)], [1, 1], undefined).missing).toBe('the files give no Slice Thickness');
    expect(seriesVolume([slice(0, 0)], [1, 1], 1)).toEqual({ millilitres: 0 });
  });
});

describe('uniformSize', () => {
  it('gives the size all slices share, and nothing for an empty series or mixed sizes of equal area', () => {
    expect(uniformSize([{ width: 4, height: 2 }, { width: 4, height: 2 }])).toEqual({ width: 4, height: 2 });
    expect(uniformSize([{ width: 4, height: 2 }, { width: 2, height: 4 }])).toBeUndefined();
    expect(uniformSize([])).toBeUndefined();
  });
});
