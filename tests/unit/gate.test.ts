/**
 * The applicability gate's feature vector and file format on a tiny model: the input histogram
 * counts what it should, it is part of the distance (and left out of a gate of statistics
 * alone), and gate.bin files round-trip and refuse what is malformed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { inputHistogram, parseGate, predictWithGate } from '../../src/ml/worker/gate.ts';
import { VARIANCE_EPSILON } from '../../src/ml/worker/mean-std-pooling.ts';
import { decodeGateFile, encodeGateFile } from '../../src/ml/gate-file.ts';

/** Input 4x4x1 -> a 1x1 convolution `c` that copies it -> global mean: `c` has 1 channel, 2 statistics. */
function copyModel(): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 1] });
  const conv = tf.layers.conv2d({ name: 'c', filters: 1, kernelSize: 1, useBias: false, kernelInitializer: 'ones' });
  const output = tf.layers.globalAveragePooling2d({}).apply(conv.apply(input)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

interface Fit {
  layers: string[];
  histogramBins: number;
  threshold: number;
  mean: number[];
  precision: number[];
}
const file = ({ mean, precision, ...header }: Fit): ArrayBuffer => encodeGateFile(header, mean, precision).buffer as ArrayBuffer;
const identity = (n: number): number[] => Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));

// Half the pixels 0, a quarter 0.3, a quarter exactly 1 (the top bin, not past it).
const PIXELS = [0, 0, 0, 0, 0, 0, 0, 0, 0.3, 0.3, 0.3, 0.3, 1, 1, 1, 1];

describe('the applicability gate', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('counts the share of input pixels in each grey-level bin, image by image', () => {
    const batch = tf.tensor4d([...PIXELS, ...PIXELS.map(() => 0.6)], [2, 4, 4, 1]);
    const histogram = inputHistogram(batch, 4).arraySync();
    expect(histogram[0]).toEqual([0.5, 0.25, 0, 0.25]);
    expect(histogram[1]).toEqual([0, 0, 1, 0]);
    batch.dispose();
  });

  it('adds the histogram to the distance when the file has bins, and measures statistics alone when it has none', async () => {
    const model = copyModel();
    const x = tf.tensor4d(PIXELS, [1, 4, 4, 1]);
    const mean = PIXELS.reduce((s, v) => s + v, 0) / 16;
    const variance = PIXELS.reduce((s, v) => s + (v - mean) ** 2, 0) / 16;
    const statistics = mean ** 2 + variance + VARIANCE_EPSILON;
    const withBins = parseGate(file({ layers: ['c'], histogramBins: 4, threshold: 1, mean: [0, 0, 0, 0, 0, 0], precision: identity(6) }), model);
    const before = parseGate(file({ layers: ['c'], histogramBins: 0, threshold: 1, mean: [0, 0], precision: identity(2) }), model);
    const a = (await predictWithGate(withBins, x)).applicability;
    const b = (await predictWithGate(before, x)).applicability;
    expect(a.distance).toBeCloseTo(Math.sqrt(statistics + 0.5 ** 2 + 0.25 ** 2 + 0.25 ** 2), 5);
    expect(b.distance).toBeCloseTo(Math.sqrt(statistics), 5);
    expect(a.applies).toBe(a.distance <= 1);
    x.dispose();
    model.dispose();
  });

  it('refuses a file whose vector does not match its layers and bins', () => {
    const model = copyModel();
    const bad = [
      { layers: ['c'], histogramBins: 4, threshold: 1, mean: [0, 0], precision: identity(2) },
      { layers: ['c'], histogramBins: 0, threshold: 1, mean: [0, 0, 0], precision: identity(3) },
      { layers: ['c'], histogramBins: -1, threshold: 1, mean: [0], precision: identity(1) },
      { layers: ['nowhere'], histogramBins: 0, threshold: 1, mean: [0, 0], precision: identity(2) },
    ];
    for (const fit of bad) expect(() => parseGate(file(fit), model)).toThrow(/malformed/);
    const good = new Uint8Array(file({ layers: ['c'], histogramBins: 0, threshold: 1, mean: [0, 0], precision: identity(2) }));
    const damaged = [good.slice(0, good.length - 4), Uint8Array.from(good, (v, i) => (i === 0 ? 0 : v)), good.slice(0, 6)];
    const notFinite = good.slice();
    new DataView(notFinite.buffer).setFloat32(notFinite.length - 4, Number.NaN, true);
    for (const bytes of [...damaged, notFinite]) expect(() => parseGate(bytes.buffer as ArrayBuffer, model)).toThrow(/malformed: /);
    model.dispose();
  });

  it('keeps the mean and the symmetric precision matrix through gate.bin', () => {
    const precision = [2, 0.5, -1, 0.5, 3, 0.25, -1, 0.25, 4];
    const data = decodeGateFile(file({ layers: ['a', 'b'], histogramBins: 1, threshold: 27.5, mean: [0.1, -2, 3e-5], precision }));
    expect(data.header).toMatchObject({ layers: ['a', 'b'], histogramBins: 1, threshold: 27.5, dim: 3 });
    expect(Array.from(data.mean)).toEqual([0.1, -2, 3e-5].map(Math.fround));
    expect(Array.from(data.precision)).toEqual(precision);
    expect(() => encodeGateFile({ layers: [], histogramBins: 0, threshold: 1 }, [0, 0], [1, 0, 0])).toThrow(/precision matrix has 3 values, not 4/);
  });
});
