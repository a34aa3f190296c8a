import { describe, expect, it } from 'vitest';
import { connectedComponents } from '../../src/ml/mask-measure.ts';
import { keepVolumeRegions } from '../../src/ml/volume-regions.ts';

/** A width x height slice with the given pixels (x, y) set. */
function slice(width: number, height: number, on: [number, number][]): Uint8Array {
  const m = new Uint8Array(width * height);
  for (const [x, y] of on) m[y * width + x] = 1;
  return m;
}

const total = (m: Uint8Array): number => m.reduce((n, v) => n + v, 0);

describe('connectedComponents over stacked slices', () => {
  it('joins voxels through the slices above and below, not diagonally, and never across a row or slice edge', () => {
    // 4x3 slices. Slice 0: (3,0) and (0,1), neighbours in memory only (indices 3 and 4), and
    // (1,2). Slice 1: (0,1) again, joining slice 0's (0,1) through the slices, and (2,2),
    // diagonal to slice 0's (1,2). Slice 0's last pixel (3,2) and slice 1's first (0,0), which
    // joins its (0,1), are neighbours in memory only too.
    const a = slice(4, 3, [[3, 0], [0, 1], [1, 2], [3, 2]]);
    const b = slice(4, 3, [[0, 0], [0, 1], [2, 2]]);
    const { labels, sizes } = connectedComponents(new Uint8Array([...a, ...b]), 4, 3, 2);
    expect(sizes.slice().sort()).toEqual([1, 1, 1, 1, 3]);
    expect(labels[4]).toBe(labels[12 + 4]); // (0,1) in both slices
    expect(labels[3]).not.toBe(labels[4]); // (3,0) and (0,1)
    expect(labels[11]).not.toBe(labels[12]); // slice 0's (3,2) and slice 1's (0,0)
    expect(labels[2 * 4 + 1]).not.toBe(labels[12 + 2 * 4 + 2]); // (1,2) and the next slice's (2,2)
  });

  it('is the plain 4-connected labelling on one slice', () => {
    const { sizes } = connectedComponents(slice(3, 3, [[0, 0], [1, 0], [2, 2], [0, 2]]), 3, 3);
    expect(sizes.slice().sort()).toEqual([1, 1, 2]);
  });
});

describe('keepVolumeRegions', () => {
  it('keeps the regions of at least the fraction of the largest one and drops the specks', () => {
    const big: [number, number][] = [[1, 1], [2, 1], [1, 2], [2, 2]];
    const masks = [slice(5, 5, [...big, [4, 4]]), slice(5, 5, [...big]), slice(5, 5, [[4, 0], [4, 1], [4, 2]])];
    // Regions: 8 voxels (the block over two slices), 1 (the speck), 3 (the bar in slice 2).
    const kept = keepVolumeRegions(masks, 5, 5, 0.3);
    expect(kept.pixels).toEqual([4, 4, 3]);
    expect(kept.masks.map(total)).toEqual([4, 4, 3]);
    expect(kept.masks[0]?.[4 * 5 + 4]).toBe(0);
    expect(keepVolumeRegions(masks, 5, 5, 1).pixels).toEqual([4, 4, 0]);
    // The inputs are untouched.
    expect(masks[0]?.[4 * 5 + 4]).toBe(1);
  });

  it('leaves an empty series empty and a series of mixed sizes as it was', () => {
    expect(keepVolumeRegions([new Uint8Array(9), new Uint8Array(9)], 3, 3, 0.3).pixels).toEqual([0, 0]);
    const mixed = [slice(3, 3, [[0, 0]]), new Uint8Array(16)];
    expect(keepVolumeRegions(mixed, 3, 3, 0.3)).toEqual({ masks: mixed, pixels: [1, 0] });
  });
});
