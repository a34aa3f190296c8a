/** The brush and eraser on masks whose answer can be counted by hand: discs, strokes, edges, undo patches. */
import { describe, expect, it } from 'vitest';
import { paintDisc, paintStroke, restorePatch, takePatch, unionBox, type MaskGrid } from '../../src/render/brush.ts';
import { connectedComponents } from '../../src/ml/mask-measure.ts';

const grid = (width: number, height: number, fill: 0 | 1 = 0): MaskGrid => ({ width, height, mask: new Uint8Array(width * height).fill(fill) });
const count = (g: MaskGrid): number => g.mask.reduce((n, v) => n + v, 0);

describe('brush', () => {
  it('paints a disc of pixel centres within the radius (Gauss circle counts)', () => {
    // Centred on a pixel centre: 5, 13, 29 and 81 pixels for radius 1, 2, 3 and 5.
    for (const [radius, pixels] of [[1, 5], [2, 13], [3, 29], [5, 81]] as const) {
      const g = grid(40, 40);
      const painted = paintDisc(g, [20.5, 20.5], radius, 1);
      expect(painted?.changed).toBe(pixels);
      expect(count(g)).toBe(pixels);
      expect(painted?.box).toEqual({ left: 20 - radius, top: 20 - radius, right: 21 + radius, bottom: 21 + radius });
    }
  });

  it('clips at the image edge', () => {
    const g = grid(10, 10);
    // Around the top-left corner only (0,0), (1,0) and (0,1) have centres within 2 px.
    expect(paintDisc(g, [0, 0], 2, 1)).toEqual({ box: { left: 0, top: 0, right: 2, bottom: 2 }, changed: 3 });
    expect(Array.from(g.mask.subarray(0, 2))).toEqual([1, 1]);
    expect(g.mask[10]).toBe(1);
    expect(g.mask[11]).toBe(0);
    expect(paintDisc(g, [-50, -50], 3, 1)).toBeUndefined();
  });

  it('paints a stroke as a capsule: a band plus two half-disc caps', () => {
    const g = grid(50, 30);
    // 21 columns of 5 pixels, and 4 pixels in each cap of a radius-2 disc: 113.
    const painted = paintStroke(g, [10.5, 10.5], [30.5, 10.5], 2, 1);
    expect(painted).toEqual({ box: { left: 8, top: 8, right: 33, bottom: 13 }, changed: 113 });
  });

  it('leaves no gap on a fast diagonal drag', () => {
    const g = grid(60, 60);
    // Only the two end points came as pointer events, 40 px apart. Diagonals k = x - y of
    // -1, 0, 1 are within 1 px of the line: 41 + 42 + 42 pixels, one connected region.
    expect(paintStroke(g, [5.5, 5.5], [45.5, 45.5], 1, 1)?.changed).toBe(125);
    expect(connectedComponents(g.mask, 60, 60).sizes).toEqual([125]);
    for (let i = 5; i <= 45; i++) expect(g.mask[i * 60 + i]).toBe(1);
  });

  it('counts only the pixels it changes: painting twice, and the eraser', () => {
    const g = grid(40, 40);
    paintDisc(g, [20.5, 20.5], 2, 1);
    expect(paintDisc(g, [20.5, 20.5], 2, 1)).toBeUndefined();
    // Radius 3 adds the 29 - 13 = 16 pixels of the ring.
    expect(paintDisc(g, [20.5, 20.5], 3, 1)?.changed).toBe(16);
    const full = grid(40, 40, 1);
    expect(paintDisc(full, [20.5, 20.5], 2, 0)?.changed).toBe(13);
    expect(count(full)).toBe(1600 - 13);
    expect(paintDisc(full, [20.5, 20.5], 2, 0)).toBeUndefined();
  });

  it('undoes a stroke from a patch of the changed box only', () => {
    const g = grid(40, 30);
    paintDisc(g, [10.5, 10.5], 4, 1);
    const before = g.mask.slice();
    const painted = paintStroke(g, [5, 20], [35, 5], 3, 1);
    const erased = paintStroke(g, [0, 10], [20, 10], 2, 0);
    const box = unionBox(painted?.box, erased?.box);
    if (!box) throw new Error('the stroke changed nothing');
    expect(g.mask).not.toEqual(before);
    const patch = takePatch(before, 40, box);
    expect(patch.bytes.length).toBe((box.right - box.left) * (box.bottom - box.top));
    expect(patch.bytes.length).toBeLessThan(40 * 30);
    restorePatch(g, patch);
    expect(g.mask).toEqual(before);
  });
});
