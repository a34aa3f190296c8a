/**
 * Platt scaling: the fit recovers a known calibration, keeps every film's rank and verdict, and,
 * for the shipped classifier through the worker's own classify, makes the validation films'
 * percentages honest (lower calibration error) without moving any verdict.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { calibrated, calibrateScores, fitPlatt, logit } from '../../src/ml/calibration.ts';
import { expectedCalibrationError } from '../../src/ml/metrics.ts';
import { parseManifest } from '../../src/ml/manifest.ts';
import { classify } from '../../src/ml/worker/classify.ts';
import { getModel } from '../../src/ml/worker/registry.ts';
import { toModelInput } from '../../src/ml/worker/preprocess.ts';
import { readCsv } from '../../src/cli/kermany.ts';
import { readGreyPngImage } from '../../src/cli/png.ts';
import { seededRandom } from '../../src/ml/random.ts';
import { readFigures } from '../../src/cli/publish-pneumonia.ts';
import { serveModels } from '../helpers/models.ts';
import { dataPath, skipWithoutData } from '../helpers/data.ts';

/** Scores whose truth follows sigmoid(2 logit(p) - 1) exactly, so the fit must find a = 2, b = -1. */
function synthetic(n: number): { scores: Float32Array; labels: Uint8Array } {
  const random = seededRandom(7);
  const scores = new Float32Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = 0.02 + 0.96 * random();
    scores[i] = p;
    labels[i] = random() < 1 / (1 + Math.exp(-(2 * logit(p) - 1))) ? 1 : 0;
  }
  return { scores, labels };
}

describe('Platt scaling', () => {
  it('recovers the calibration that generated the labels, and lowers the calibration error', () => {
    const { scores, labels } = synthetic(20_000);
    const fit = fitPlatt(scores, labels);
    expect(Math.abs(fit.a - 2)).toBeLessThan(0.1);
    expect(Math.abs(fit.b + 1)).toBeLessThan(0.1);
    const after = expectedCalibrationError(scores.map((p) => calibrated(p, fit)), labels);
    expect(after).toBeLessThan(0.02);
    expect(after).toBeLessThan(expectedCalibrationError(scores, labels) / 3);
  });

  it('stays finite on validation scores the model separates perfectly', () => {
    const fit = fitPlatt([0.01, 0.02, 0.03, 0.97, 0.98, 0.99], [0, 0, 0, 1, 1, 1]);
    expect(fit.a).toBeGreaterThan(0);
    expect(Number.isFinite(fit.a) && Number.isFinite(fit.b)).toBe(true);
    expect(calibrated(0.99, fit)).toBeLessThan(1);
  });

  it('keeps the order of films, sums two classes to one, and leaves other models alone', () => {
    const fit = { method: 'platt' as const, a: 0.8, b: 3.5 };
    const ps = [0, 1e-9, 0.01, 0.06, 0.5, 0.9, 1];
    const shown = ps.map((p) => calibrated(p, fit));
    for (let i = 1; i < shown.length; i++) expect(shown[i]).toBeGreaterThanOrEqual(shown[i - 1] ?? 0);
    const [normal, pneumonia] = calibrateScores([0.94, 0.06], 1, fit);
    expect((normal ?? 0) + (pneumonia ?? 0)).toBeCloseTo(1, 12);
    expect(pneumonia).toBeCloseTo(calibrated(0.06, fit), 12);
    expect(calibrateScores([0.94, 0.06], 1, undefined)).toEqual([0.94, 0.06]);
    expect(calibrateScores([0.2, 0.3, 0.5], 1, fit)).toEqual([0.2, 0.3, 0.5]);
  });

  it('refuses one class, and a manifest whose calibration would reverse the ranking', () => {
    expect(() => fitPlatt([0.2, 0.4], [1, 1])).toThrow(/both classes/);
    const entry = (calibration: unknown): unknown => ({
      models: [{ id: 'm', name: 'M', version: '1', task: 'classification', labels: ['a', 'b'], positiveIndex: 1, calibration,
        input: { width: 8, height: 8, channels: 1, preprocessing: 'unit-range' }, files: [{ path: 'model.json', bytes: 1, sha256: '0'.repeat(64) }] }],
    });
    expect(() => parseManifest(entry({ method: 'platt', a: -1, b: 0 }))).toThrow(/increasing/);
    expect(parseManifest(entry({ method: 'platt', a: 0.8, b: 3.5 })).models[0]?.calibration).toEqual({ method: 'platt', a: 0.8, b: 3.5 });
  });
});

describe.skipIf(skipWithoutData)('the shipped classifier, calibrated', () => {
  serveModels();
  const ID = 'pneumonia-cxr';

  it('shows validation films percentages closer to their truth, and moves no verdict across the operating point', async () => {
    const { loaded } = await getModel(ID);
    const { calibration, operatingPoint } = loaded.entry;
    if (!calibration || operatingPoint === undefined) throw new Error('the shipped classifier has no calibration');
    const root = dataPath('cxr-pneumonia-kermany-128');
    // Every fourth validation film (130 of 517): the CPU backend takes about half a second a film.
    const rows = readCsv(join(root, 'labels.csv')).filter((r) => r.suggested_split === 'val').filter((_r, i) => i % 4 === 0);
    const raw: number[] = [];
    const shown: number[] = [];
    for (const row of rows) {
      const image = readGreyPngImage(join(root, row.path ?? ''));
      const result = await classify(ID, image);
      shown.push(result.scores[1]?.probability ?? Number.NaN);
      raw.push(tf.tidy(() => (loaded.model.predict(toModelInput(image, loaded.entry.input)) as tf.Tensor).dataSync()[1] ?? Number.NaN));
    }
    const labels = rows.map((r) => Number(r.label_id));
    expect(rows.length).toBe(130);
    expect(expectedCalibrationError(shown, labels)).toBeLessThan(0.08);
    expect(expectedCalibrationError(shown, labels)).toBeLessThan(expectedCalibrationError(raw, labels) / 2);
    // The raw cut chosen on validation, on the raw scale, against the shown cut on the shown scale.
    const rawCut = readFigures().threshold;
    const moved = raw.filter((p, i) => (p >= rawCut) !== ((shown[i] ?? 0) >= operatingPoint)).length;
    expect(moved).toBe(0);
  }, 300_000);
});
