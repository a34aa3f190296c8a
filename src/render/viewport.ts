/** Viewport arithmetic: fitting, zoom about a point, screen to image coordinates, lengths in mm. */

export interface View {
  /** Screen pixels per image pixel. */
  scale: number;
  /** Screen position of the image's top-left corner. */
  x: number;
  y: number;
}

export function fitView(imageWidth: number, imageHeight: number, screenWidth: number, screenHeight: number): View {
  const scale = Math.min(screenWidth / imageWidth, screenHeight / imageHeight);
  return { scale, x: (screenWidth - imageWidth * scale) / 2, y: (screenHeight - imageHeight * scale) / 2 };
}

export function oneToOne(imageWidth: number, imageHeight: number, screenWidth: number, screenHeight: number): View {
  return { scale: 1, x: (screenWidth - imageWidth) / 2, y: (screenHeight - imageHeight) / 2 };
}

/** Zoom by `factor` keeping the image point under (sx, sy) where it is. */
export function zoomAt(view: View, factor: number, sx: number, sy: number): View {
  const scale = Math.min(64, Math.max(0.05, view.scale * factor));
  const k = scale / view.scale;
  return { scale, x: sx - (sx - view.x) * k, y: sy - (sy - view.y) * k };
}

export function toImage(view: View, sx: number, sy: number): [number, number] {
  return [(sx - view.x) / view.scale, (sy - view.y) / view.scale];
}

/** Length of a line in image pixels, in mm when the row and column spacing are known. */
export function lineLength(a: [number, number], b: [number, number], spacing?: [number, number]): { value: number; unit: 'mm' | 'px' } {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  if (!spacing) return { value: Math.hypot(dx, dy), unit: 'px' };
  // Pixel Spacing is (row spacing, column spacing): y distances use the first, x the second.
  return { value: Math.hypot(dx * spacing[1], dy * spacing[0]), unit: 'mm' };
}
