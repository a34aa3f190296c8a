/**
 * Connected regions of a mask stacked over the slices of a series (see connectedComponents:
 * 6-connected across slices). A slice-by-slice model marks a tumour as one region through the
 * volume but also leaves specks on bright spots elsewhere; dropping regions much smaller than
 * the largest removes them. Plain arrays, no DOM and no tfjs: the page, the worklist and the
 * evaluation CLI share it.
 */
import { connectedComponents } from './mask-measure.ts';

/**
 * The slices' masks with only the regions of at least `fraction` of the largest region's
 * voxels kept, and each slice's pixel count (new arrays; the inputs are not changed). Slices
 * must share one size; a series whose slices differ is returned as it is.
 */
export function keepVolumeRegions(masks: readonly Uint8Array[], width: number, height: number, fraction: number): { masks: Uint8Array[]; pixels: number[] } {
  const plane = width * height;
  const count = (m: Uint8Array): number => m.reduce((n, v) => n + v, 0);
  if (masks.length === 0 || masks.some((m) => m.length !== plane)) return { masks: [...masks], pixels: masks.map(count) };
  const volume = new Uint8Array(plane * masks.length);
  masks.forEach((m, z) => volume.set(m, z * plane));
  const { labels, sizes } = connectedComponents(volume, width, height, masks.length);
  const largest = sizes.reduce((a, b) => Math.max(a, b), 0);
  // kept[label], label 0 being the background.
  const kept = [false, ...sizes.map((size) => size >= fraction * largest)];
  const out = masks.map((_, z) => {
    const slice = new Uint8Array(plane);
    for (let i = 0; i < plane; i++) slice[i] = kept[labels[z * plane + i] ?? 0] ? 1 : 0;
    return slice;
  });
  return { masks: out, pixels: out.map(count) };
}
