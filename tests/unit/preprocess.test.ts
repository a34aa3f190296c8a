/** The model input keeps a film's aspect ratio (letterboxing) and maps a mask back onto it. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { placement, toModelInput } from '../../src/ml/worker/preprocess.ts';
import type { ModelInput } from '../../src/ml/api.ts';

const INPUT: ModelInput = { width: 128, height: 128, channels: 1, preprocessing: 'unit-range' };

describe('model input', () => {
  it('centres a tall image and pads its sides', () => {
    expect(placement({ width: 100, height: 200 }, INPUT)).toEqual({ top: 0, left: 32, width: 64, height: 128 });
    expect(placement({ width: 128, height: 128 }, INPUT)).toEqual({ top: 0, left: 0, width: 128, height: 128 });
  });

  it('scales to 0..1 inside and leaves the padding at 0', async () => {
    await tf.setBackend('cpu');
    const pixels = Float32Array.from({ length: 100 * 200 }, (_, i) => 1000 + (i % 100));
    const x = tf.tidy(() => toModelInput({ width: 100, height: 200, pixels }, INPUT));
    const values = await x.data();
    x.dispose();
    const at = (row: number, col: number): number => values[row * 128 + col] ?? Number.NaN;
    expect(at(64, 0)).toBe(0);
    expect(at(64, 127)).toBe(0);
    // Left edge of the image is its minimum (0), right edge its maximum (1), after resizing.
    expect(at(64, 32)).toBeCloseTo(0, 1);
    expect(at(64, 95)).toBeGreaterThan(0.95);
    expect(tf.memory().numTensors).toBe(0);
  });
});
