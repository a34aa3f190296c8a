/**
 * Measurements on a predicted mask, plain TypeScript for the page, the worker and tests:
 * connected components, and lung areas in cm² from Pixel Spacing.
 */

export interface Components {
  /** Component number per pixel (1..count), 0 outside the mask. */
  labels: Int32Array;
  /** Pixel count and mean column of each component, index = label - 1. */
  sizes: number[];
  meanX: number[];
}

/**
 * 4-connected components by a breadth-first walk over an explicit queue: no recursion. With
 * `depth` > 1 the mask is that many slices stacked (a series), and a pixel also touches the
 * same pixel in the slices above and below (6-connected).
 */
export function connectedComponents(mask: ArrayLike<number>, width: number, height: number, depth = 1): Components {
  const plane = width * height;
  const neighbours = depth > 1 ? 6 : 4;
  const labels = new Int32Array(plane * depth);
  const queue = new Int32Array(plane * depth);
  const sizes: number[] = [];
  const meanX: number[] = [];
  for (let start = 0; start < labels.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = sizes.length + 1;
    let head = 0;
    let tail = 0;
    let sumX = 0;
    queue[tail++] = start;
    labels[start] = label;
    while (head < tail) {
      const at = queue[head++] as number;
      const x = at % width;
      const inPlane = at % plane;
      sumX += x;
      // The neighbours in the slice, then across slices when there are any (a single slice,
      // as every lung outline and its re-measure after an edit is, skips those two), without
      // an array per pixel.
      for (let k = 0; k < neighbours; k++) {
        const n = k === 0 ? (x > 0 ? at - 1 : -1)
          : k === 1 ? (x < width - 1 ? at + 1 : -1)
          : k === 2 ? (inPlane >= width ? at - width : -1)
          : k === 3 ? (inPlane < plane - width ? at + width : -1)
          : k === 4 ? at - plane : at + plane;
        if (n < 0 || n >= labels.length || !mask[n] || labels[n]) continue;
        labels[n] = label;
        queue[tail++] = n;
      }
    }
    sizes.push(tail);
    meanX.push(sumX / tail);
  }
  return { labels, sizes, meanX };
}

export interface Area {
  value: number;
  unit: 'cm²' | 'px';
}

export interface LungMeasurement {
  /** The two largest components only: specks the model marks elsewhere are dropped. */
  mask: Uint8Array;
  /** The patient's right lung is on the image's left in a PA or AP film as displayed. */
  right?: Area;
  left?: Area;
  total: Area;
}

/** Pixels as an area: cm² when Pixel Spacing [row, column] in mm is known, else pixels. */
export function area(pixels: number, spacing: readonly [number, number] | undefined): Area {
  return spacing ? { value: (pixels * spacing[0] * spacing[1]) / 100, unit: 'cm²' } : { value: pixels, unit: 'px' };
}

/** Lung-field models report two lungs and keep only the two largest regions of their mask. */
export function measuresLungs(entry: { labels: readonly string[] } | undefined): boolean {
  return entry?.labels[1] === 'lung';
}

interface Kept {
  mask: Uint8Array;
  /** The kept components, largest first. */
  parts: { size: number; x: number }[];
}

/** The `count` largest connected regions of a mask; specks elsewhere are dropped. */
export function keepLargest(mask: ArrayLike<number>, width: number, height: number, count: number): Kept {
  const { labels, sizes, meanX } = connectedComponents(mask, width, height);
  const largest = sizes.map((size, i) => ({ size, label: i + 1, x: meanX[i] ?? 0 })).sort((a, b) => b.size - a.size).slice(0, count);
  const kept = new Uint8Array(width * height);
  const keep = new Set(largest.map((c) => c.label));
  for (let i = 0; i < kept.length; i++) if (keep.has(labels[i] ?? 0)) kept[i] = 1;
  return { mask: kept, parts: largest };
}

/** Lung areas of a lung-field mask; `spacing` is Pixel Spacing [row, column] in mm. */
export function measureLungs(mask: ArrayLike<number>, width: number, height: number, spacing?: readonly [number, number]): LungMeasurement {
  const { mask: kept, parts } = keepLargest(mask, width, height, 2);
  const total = area(parts.reduce((s, c) => s + c.size, 0), spacing);
  if (parts.length < 2) return { mask: kept, total };
  const [imageLeft, imageRight] = [...parts].sort((a, b) => a.x - b.x);
  return { mask: kept, right: area(imageLeft?.size ?? 0, spacing), left: area(imageRight?.size ?? 0, spacing), total };
}
