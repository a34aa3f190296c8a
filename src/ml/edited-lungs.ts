/**
 * Lung areas of a hand-corrected mask. The model's own mask is cut to its two largest regions
 * (specks dropped); once a person has corrected it, every pixel they kept or painted counts,
 * so what is drawn is what is measured. Each region goes to the side of the whole mask's
 * centroid that its own centre lies on: the centroid of two lungs is a weighted mean of their
 * centres and so always lies between them, even when an eraser has cut one lung in two.
 */
import { area, connectedComponents, type LungMeasurement } from './mask-measure.ts';

export function measureEditedLungs(mask: Uint8Array, width: number, height: number, spacing?: readonly [number, number]): LungMeasurement {
  const { sizes, meanX } = connectedComponents(mask, width, height);
  const pixels = sizes.reduce((s, n) => s + n, 0);
  const total = area(pixels, spacing);
  // One region (or none) has no sides, as in measureLungs.
  if (sizes.length < 2) return { mask, total };
  const centre = sizes.reduce((s, n, i) => s + n * (meanX[i] ?? 0), 0) / pixels;
  const imageLeft = sizes.reduce((s, n, i) => ((meanX[i] ?? 0) < centre ? s + n : s), 0);
  if (imageLeft === 0 || imageLeft === pixels) return { mask, total };
  // The patient's right lung is on the image's left in a PA or AP film as displayed.
  return { mask, right: area(imageLeft, spacing), left: area(pixels - imageLeft, spacing), total };
}
