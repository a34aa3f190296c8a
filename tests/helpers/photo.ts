import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** A grey PNG film as if photographed under warm light: the shapes of a film, the colour of a photograph. */
export function photographed(path: string): Buffer {
  const grey = PNG.sync.read(readFileSync(path));
  const out = new PNG({ width: grey.width, height: grey.height });
  for (let i = 0; i < grey.width * grey.height; i++) {
    const v = grey.data[i * 4] ?? 0;
    out.data.set([v, Math.round(v * 0.8), Math.round(v * 0.6), 255], i * 4);
  }
  return PNG.sync.write(out);
}
