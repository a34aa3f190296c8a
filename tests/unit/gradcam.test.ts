/**
 * Grad-CAM of the shipped pneumonia classifier in Node on WASM, through the worker's own code:
 * the taken gradient equals the closed form for a global-average-pooled softmax head, the map
 * is faithful (hiding its hottest pixels lowers the pneumonia probability more than hiding as
 * many random pixels), and no tensor leaks.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { classActivation, gradCam, splitAtFeatures } from '../../src/ml/worker/gradcam.ts';
import { classify } from '../../src/ml/worker/classify.ts';
import { getModel } from '../../src/ml/worker/registry.ts';
import { toModelInput } from '../../src/ml/worker/preprocess.ts';
import { readGreyPngImage } from '../../src/cli/png.ts';
import { seededRandom, shuffled } from '../../src/ml/random.ts';
import type { GreyImage } from '../../src/ml/api.ts';
import { dataPath, skipWithoutData } from '../helpers/data.ts';
import { serveModels } from '../helpers/models.ts';

const ID = 'pneumonia-cxr';

function testFilms(label: 'PNEUMONIA' | 'NORMAL', count: number): GreyImage[] {
  const dir = dataPath('cxr-pneumonia-kermany-128', 'test', label);
  return readdirSync(dir).filter((f) => f.endsWith('.png')).sort().slice(0, count).map((f) => readGreyPngImage(join(dir, f)));
}

/** The image with the chosen pixels set to the image's mean: the evidence there removed. */
function hide(image: GreyImage, chosen: readonly number[]): GreyImage {
  const mean = image.pixels.reduce((s, v) => s + v, 0) / image.pixels.length;
  const pixels = Float32Array.from(image.pixels);
  for (const i of chosen) pixels[i] = mean;
  return { ...image, pixels };
}

async function pneumonia(image: GreyImage): Promise<number> {
  return (await classify(ID, image)).scores[1]?.probability ?? Number.NaN;
}

describe.skipIf(skipWithoutData)('Grad-CAM of the pneumonia classifier', () => {
  serveModels('wasm');

  it('takes the same map as the closed form of a pooled softmax head', async () => {
    const { model } = (await getModel(ID)).loaded;
    const [image] = testFilms('PNEUMONIA', 1);
    if (!image) throw new Error('no test film');
    const [taken, expected] = tf.tidy(() => {
      const split = splitAtFeatures(model);
      const x = toModelInput(image, { width: 128, height: 128, channels: 1, preprocessing: 'unit-range' });
      const { cam } = classActivation(split, x, 1);
      // d(log-odds)/dA = (w1 - w0) / (h w) at every position for GAP then a 2-way softmax.
      const features = split.backbone.predict(x) as tf.Tensor4D;
      const [kernel] = model.getLayer('classifier').getWeights();
      if (!kernel) throw new Error('the classifier has no kernel');
      const [, h = 1, w = 1] = features.shape;
      const delta = tf.sub(tf.slice(kernel, [0, 1], [-1, 1]), tf.slice(kernel, [0, 0], [-1, 1])).reshape([1, 1, 1, -1]);
      const closed = tf.relu(tf.sum(tf.mul(features, tf.div(delta, h * w)), 3)).squeeze([0]);
      return [cam.arraySync() as number[][], closed.arraySync() as number[][]];
    });
    const peak = Math.max(...expected.flat());
    expect(peak).toBeGreaterThan(0);
    const worst = Math.max(...taken.flat().map((v, i) => Math.abs(v - (expected.flat()[i] ?? 0))));
    expect(worst / peak).toBeLessThan(1e-4);
  });

  it('is faithful: hiding the hottest tenth lowers the pneumonia probability more than a random tenth, leaking no tensors', async () => {
    await getModel(ID);
    const films = testFilms('PNEUMONIA', 16);
    const random = seededRandom(7);
    const before = tf.memory().numTensors;
    let hotDrop = 0;
    let randomDrop = 0;
    for (const film of films) {
      const map = await gradCam(ID, film);
      expect(map.width / map.height).toBeCloseTo(film.width / film.height, 1);
      expect(Math.max(...map.heat)).toBeCloseTo(1, 5);
      expect(Math.min(...map.heat)).toBeGreaterThanOrEqual(0);
      // The map is at most the model's 128 px; the film here is 128 px too, so pixels match.
      const order = Array.from(map.heat.keys()).sort((a, b) => (map.heat[b] ?? 0) - (map.heat[a] ?? 0));
      const tenth = Math.round(order.length / 10);
      const anywhere = shuffled(order.length, random);
      const base = await pneumonia(film);
      hotDrop += base - (await pneumonia(hide(film, order.slice(0, tenth))));
      randomDrop += base - (await pneumonia(hide(film, anywhere.slice(0, tenth))));
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(hotDrop / films.length).toBeGreaterThan(randomDrop / films.length + 0.05);
  });

  it('refuses a segmenter with a reason', async () => {
    const [film] = testFilms('NORMAL', 1);
    if (!film) throw new Error('no test film');
    await expect(gradCam('lungs-cxr', film)).rejects.toThrow(/heatmaps are drawn for classifiers/);
  });
});
