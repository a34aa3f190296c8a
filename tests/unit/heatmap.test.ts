import { describe, expect, it } from 'vitest';
import { heatOverlay } from '../../src/render/heatmap.ts';

describe('heatmap overlay', () => {
  it('leaves cold pixels transparent, paints hot ones red and opaque in proportion to the opacity', () => {
    const rgba = heatOverlay([0, 0.1, 0.5, 1], 2, 2, 0.8);
    expect(Array.from(rgba.slice(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(rgba.slice(12, 16))).toEqual([230, 30, 30, 204]);
    const mid = rgba[11] ?? 0;
    expect(mid).toBeGreaterThan(0);
    expect(mid).toBeLessThan(204);
  });

  it('draws nothing at opacity 0', () => {
    expect(heatOverlay([1, 1], 2, 1, 0).every((v, i) => i % 4 !== 3 || v === 0)).toBe(true);
  });
});
