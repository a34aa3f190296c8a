/**
 * Connected regions of a mask stacked over the slices of a series (6-connected: a voxel
 * touches the ones beside it in its slice and the same pixel in the slices above and below).
 * A slice-by-slice model marks a tumour as one region through the volume but also leaves
 * specks on bright spots elsewhere; dropping regions much smaller than the largest removes
 * them. Plain arrays, no DOM and no tfjs: the page, the worklist and the evaluation CLI share it.
 */

/** Label each foreground voxel of `mask` (width x height x depth, slice after slice) with its region, 1-based. */
export function labelVolume(mask: Uint8Array, width: number, height: number): { labels: Int32Array; sizes: number[] } {
  const plane = width * height;
  const labels = new Int32Array(mask.length);
  const sizes: number[] = [0];
  const stack = new Int32Array(mask.length);
  for (let seed = 0; seed < mask.length; seed++) {
    if (mask[seed] === 0 || labels[seed] !== 0) continue;
    const label = sizes.length;
    let size = 0;
    let top = 0;
    stack[top++] = seed;
    labels[seed] = label;
    while (top > 0) {
      const at = stack[--top] ?? 0;
      size++;
      const x = at % width;
      const inPlane = at % plane;
      // Neighbours in the slice, then across slices; each pushed once, when first labelled.
      const around = [x > 0 ? at - 1 : -1, x < width - 1 ? at + 1 : -1, inPlane >= width ? at - width : -1, inPlane < plane - width ? at + width : -1, at - plane, at + plane];
      for (const next of around) {
        if (next < 0 || next >= mask.length || mask[next] === 0 || labels[next] !== 0) continue;
        labels[next] = label;
        stack[top++] = next;
      }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/**
 * The slices' masks with only the regions of at least `fraction` of the largest region's
 * voxels kept (new arrays; the inputs are not changed). Slices must share one size; a series
 * whose slices differ is returned as it is.
 */
export function keepVolumeRegions(masks: readonly Uint8Array[], width: number, height: number, fraction: number): Uint8Array[] {
  const plane = width * height;
  if (masks.length === 0 || masks.some((m) => m.length !== plane)) return [...masks];
  const volume = new Uint8Array(plane * masks.length);
  masks.forEach((m, z) => volume.set(m, z * plane));
  const { labels, sizes } = labelVolume(volume, width, height);
  const largest = sizes.reduce((a, b) => Math.max(a, b), 0);
  const kept = sizes.map((size) => size > 0 && size >= fraction * largest);
  return masks.map((_, z) => {
    const out = new Uint8Array(plane);
    for (let i = 0; i < plane; i++) out[i] = kept[labels[z * plane + i] ?? 0] ? 1 : 0;
    return out;
  });
}
