/**
 * Real images from the shared data folder (never copied into the repo). In CI the folder
 * must exist; elsewhere a test that needs it fails with a message saying where to get it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DATA_ROOT = resolve(process.env.HILUM_DATA ?? '../shared/data');
export const hasData = existsSync(DATA_ROOT);

/** In CI the data must be there; elsewhere tests that need it are skipped. */
export const skipWithoutData = !hasData && process.env.CI !== 'true';

export function dataPath(...parts: string[]): string {
  const path = join(DATA_ROOT, ...parts);
  if (!existsSync(path)) throw new Error(`missing ${path}: set HILUM_DATA to the shared data folder`);
  return path;
}

/** The first pneumonia chest X-ray of the Kermany test split. */
export function sampleChestPng(label: 'PNEUMONIA' | 'NORMAL' = 'PNEUMONIA'): string {
  const dir = dataPath('cxr-pneumonia-kermany-128', 'test', label);
  const first = readdirSync(dir).filter((f) => f.endsWith('.png')).sort()[0];
  if (!first) throw new Error(`no PNG in ${dir}`);
  return join(dir, first);
}
