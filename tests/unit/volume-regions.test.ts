import { describe, expect, it } from 'vitest';
import { keepVolumeRegions, labelVolume } from '../../src/ml/volume-regions.ts';

/** A width x height slice with the given pixels (x, y) set. */
function slice(width: number, height: number, on: [number, number][]): Uint8Array {
  const m = new Uint8Array(width * height);
  for (const [x, y] of on) m[y * width + x] = 1;
  return m;
}

describe('labelVolume', () => {
  it('joins voxels through the slices above and below, not diagonally, and never across a row edge', () => {
    // 4x3 slices. Slice 0: a voxel at (0,0) and one at (3,0); slice 1: (0,0) again, so the
    // first column joins through the slices. (3,0) and (0,1) are neighbours in memory only.
    const a = slice(4, 3, [[0, 0], [3, 0], [1, 2]]);
    const b = slice(4, 3, [[0, 0], [0, 1], [2, 2]]);
    const { labels, sizes } = labelVolume(new Uint8Array([...a, ...b]), 4, 3);
    expect(sizes.slice(1).sort()).toEqual([1, 1, 1, 3]);
    expect(labels[0]).toBe(labels[12]); // (0,0) in both slices
    expect(labels[12 + 4]).toBe(labels[12]); // (0,1) below it in slice 1
    expect(labels[3]).not.toBe(labels[4]); // (3,0) and (0,1): adjacent in memory, not in space
    expect(labels[2 * 4 + 1]).not.toBe(labels[12 + 2 * 4 + 2]); // (1,2) and (2,2) of the next slice: diagonal
  });
});

describe('keepVolumeRegions', () => {
  it('keeps the regions of at least the fraction of the largest one and drops the specks', () => {
    const big: [number, number][] = [[1, 1], [2, 1], [1, 2], [2, 2]];
    const masks = [slice(5, 5, [...big, [4, 4]]), slice(5, 5, [...big]), slice(5, 5, [[4, 0], [4, 1], [4, 2]])];
    // Regions: 8 voxels (the block over two slices), 1 (the speck), 3 (the bar in slice 2).
    const kept = keepVolumeRegions(masks, 5, 5, 0.3);
    expect(kept.map((m) => m.reduce((n, v) => n + v, 0))).toEqual([4, 4, 3]);
    expect(kept[0]?.[4 * 5 + 4]).toBe(0);
    expect(keepVolumeRegions(masks, 5, 5, 1).map((m) => m.reduce((n, v) => n + v, 0))).toEqual([4, 4, 0]);
    // The inputs are untouched.
    expect(masks[0]?.[4 * 5 + 4]).toBe(1);
  });

  it('leaves an empty series empty and a series of mixed sizes as it was', () => {
    expect(keepVolumeRegions([new Uint8Array(9), new Uint8Array(9)], 3, 3, 0.3).every((m) => m.every((v) => v === 0))).toBe(true);
    const mixed = [slice(3, 3, [[0, 0]]), new Uint8Array(16)];
    expect(keepVolumeRegions(mixed, 3, 3, 0.3)).toEqual(mixed);
  });
});
