/**
 * Draws Hilum's app icons (two lung fields on a dark disc) so they come from code, not a
 * design tool: `npx tsx src/cli/make-icons.ts` rewrites public/icons/.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { PNG } from 'pngjs';

function inEllipse(x: number, y: number, cx: number, cy: number, rx: number, ry: number): boolean {
  return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
}

function draw(size: number): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / size;
      const v = y / size;
      const lung = inEllipse(u, v, 0.36, 0.52, 0.13, 0.27) || inEllipse(u, v, 0.64, 0.52, 0.13, 0.27);
      const spine = Math.abs(u - 0.5) < 0.025 && v > 0.18 && v < 0.86;
      const [r, g, b] = lung ? [95, 179, 255] : spine ? [232, 237, 243] : [16, 20, 26];
      const o = (y * size + x) * 4;
      png.data[o] = r;
      png.data[o + 1] = g;
      png.data[o + 2] = b;
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

mkdirSync('public/icons', { recursive: true });
for (const size of [192, 512]) writeFileSync(`public/icons/icon-${size}.png`, draw(size));
console.log('wrote public/icons/icon-192.png and icon-512.png');
