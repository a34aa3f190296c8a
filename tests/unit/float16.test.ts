import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { fromHalf, toHalf, toHalfArray } from '../../src/ml/float16.ts';

describe('float16', () => {
  it('round-trips exactly representable values and rounds others to nearest', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 2 ** -14, 2 ** -24]) expect(fromHalf(toHalf(v))).toBe(v);
    expect(fromHalf(toHalf(1 + 2 ** -11))).toBe(1); // a tie rounds to even
    expect(Math.abs(fromHalf(toHalf(0.1)) - 0.1)).toBeLessThan(1e-4);
    expect(fromHalf(toHalf(1e6))).toBe(Infinity);
  });

  it('is read back by tfjs as the weights we wrote', async () => {
    const values = Float32Array.from([0.1, -3.5, 1e-3, 42]);
    const half = toHalfArray(values);
    const decoded = tf.io.decodeWeights(half.buffer as ArrayBuffer, [{ name: 'w', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } }]);
    const got = await decoded.w?.data();
    expect(Array.from(got ?? [])).toEqual(Array.from(half, fromHalf));
  });
});
