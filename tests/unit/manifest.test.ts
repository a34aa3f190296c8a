import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '../../src/ml/manifest.ts';

const raw: unknown = JSON.parse(readFileSync('public/models/manifest.json', 'utf8'));

describe('models/manifest.json', () => {
  it('lists every shipped file with its true size and sha256', () => {
    const { models } = parseManifest(raw);
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) {
      for (const file of model.files) {
        const bytes = readFileSync(join('public/models', model.id, file.path));
        expect(bytes.length, file.path).toBe(file.bytes);
        expect(createHash('sha256').update(bytes).digest('hex'), file.path).toBe(file.sha256);
      }
      expect(model.sizeBytes).toBe(model.files.reduce((s, f) => s + f.bytes, 0));
    }
  });

  it('refuses entries that could reach outside the models folder or exhaust memory', () => {
    const base = (raw as { models: Record<string, unknown>[] }).models[0] ?? {};
    const withFile = (file: Record<string, unknown>): unknown => ({ models: [{ ...base, files: [file] }] });
    const good = { path: 'model.json', bytes: 10, sha256: 'a'.repeat(64) };
    expect(() => parseManifest(withFile({ ...good, path: '../../etc/passwd' }))).toThrow(/bad path/);
    expect(() => parseManifest(withFile({ ...good, path: 'https://evil.example/model.json' }))).toThrow(/bad path/);
    expect(() => parseManifest(withFile({ ...good, bytes: 1e12 }))).toThrow(/over the limit/);
    expect(() => parseManifest(withFile({ ...good, sha256: 'xyz' }))).toThrow(/bad sha256/);
    expect(() => parseManifest({ models: [base, base] })).toThrow(/duplicate/);
    expect(() => parseManifest({})).toThrow(/no models/);
  });

  it('reads a mask post-processing step only in the shape the worker and the page apply', () => {
    const base = (raw as { models: Record<string, unknown>[] }).models[0] ?? {};
    const withPost = (postprocess: unknown): unknown => ({ models: [{ ...base, postprocess }] });
    expect(parseManifest(withPost({ mirrorAverage: true, volumeRegionFraction: 0.3 })).models[0]?.postprocess).toEqual({ mirrorAverage: true, volumeRegionFraction: 0.3 });
    expect(() => parseManifest(withPost({ mirrorAverage: 'yes' }))).toThrow(/mirrorAverage/);
    expect(() => parseManifest(withPost({ volumeRegionFraction: 0 }))).toThrow(/volumeRegionFraction/);
    expect(() => parseManifest(withPost({ volumeRegionFraction: 2 }))).toThrow(/volumeRegionFraction/);
    expect(() => parseManifest(withPost([]))).toThrow(/bad postprocess/);
  });
});
