/**
 * Trains the small plumbing model shipped with the app shell: a 6k-parameter CNN on
 * PneumoniaMNIST (28x28), with the app's own preprocessing, on the CPU backend.
 * Usage: npm run train:tiny [-- --data <shared data folder>] [--epochs N]
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { toModelInput } from '../ml/worker/preprocess.ts';
import { auc, accuracy, confusion } from '../ml/metrics.ts';
import { readNpz, type NpyArray } from './npz.ts';
import { MODELS_DIR, saveLayersModel, writeManifestEntry } from './model-files.ts';
import { seededRandom, shuffled } from '../ml/random.ts';
import { argValue, dataRoot } from './args.ts';

const ID = 'pneumonia-mnist-tiny';
const SIZE = 28;
const SEED = 1234;
const INPUT = { width: SIZE, height: SIZE, channels: 1, preprocessing: 'unit-range' } as const;

function toTensors(images: NpyArray, labels: NpyArray): { x: tf.Tensor4D; y: Int32Array } {
  const count = images.shape[0] ?? 0;
  const x = tf.tidy(() => tf.concat(Array.from({ length: count }, (_, i) => {
    const pixels = Float32Array.from(images.data.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE));
    return toModelInput({ width: SIZE, height: SIZE, pixels }, INPUT);
  })));
  return { x, y: Int32Array.from(labels.data) };
}

function buildModel(): tf.LayersModel {
  const init = (i: number): ReturnType<typeof tf.initializers.heNormal> => tf.initializers.heNormal({ seed: SEED + i });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [SIZE, SIZE, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(3), name: 'features' }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + 4 }) }));
  model.compile({ optimizer: tf.train.adam(0.004), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

function positiveScores(model: tf.LayersModel, x: tf.Tensor4D): Float32Array {
  return tf.tidy(() => (model.predict(x, { batchSize: 256 }) as tf.Tensor).slice([0, 1], [-1, 1]).dataSync() as Float32Array);
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const epochs = Number(argValue('--epochs') ?? 2);
  const npz = readNpz(join(dataRoot(), 'pneumoniamnist-28', 'pneumoniamnist_28_reconstructed.npz'));
  const get = (k: string): NpyArray => { const a = npz.get(k); if (!a) throw new Error(`npz has no ${k}`); return a; };
  const train = toTensors(get('train_images'), get('train_labels'));
  const val = toTensors(get('val_images'), get('val_labels'));
  const test = toTensors(get('test_images'), get('test_labels'));
  const model = buildModel();
  const random = seededRandom(SEED);
  const batch = 64;
  let best = { auc: 0, weights: [] as tf.Tensor[] };
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const start = Date.now();
    const order = shuffled(train.y.length, random);
    let lossSum = 0;
    let batches = 0;
    for (let b = 0; b < order.length; b += batch) {
      const idx = order.slice(b, b + batch);
      const [xs, ys] = tf.tidy(() => [tf.gather(train.x, idx), tf.tensor1d(idx.map((i) => train.y[i] ?? 0), 'float32')]);
      lossSum += Number(await model.trainOnBatch(xs as tf.Tensor, ys as tf.Tensor));
      batches++;
      tf.dispose([xs, ys] as tf.Tensor[]);
    }
    const valAuc = auc(positiveScores(model, val.x), val.y);
    if (valAuc > best.auc) {
      tf.dispose(best.weights);
      best = { auc: valAuc, weights: model.getWeights().map((w) => w.clone()) };
    }
    console.log(`epoch ${epoch}/${epochs} loss ${(lossSum / batches).toFixed(4)} val AUC ${valAuc.toFixed(4)} ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
  model.setWeights(best.weights);
  const threshold = 0.5;
  const valScores = positiveScores(model, val.x);
  const testScores = positiveScores(model, test.x);
  const figures = {
    valAuc: auc(valScores, val.y),
    testAuc: auc(testScores, test.y),
    testAccuracy: accuracy(confusion(testScores, test.y, threshold)),
    testConfusion: confusion(testScores, test.y, threshold),
    params: model.countParams(),
  };
  console.log(JSON.stringify(figures));
  await saveLayersModel(model, join(MODELS_DIR, ID));
  writeFileSync(join(MODELS_DIR, ID, 'card.md'), card(figures));
  writeManifestEntry({
    id: ID, name: 'Pneumonia (tiny, 28 px)', task: 'classification', version: '1.0.0', input: INPUT,
    labels: ['normal', 'pneumonia'], positiveIndex: 1, card: 'card.md',
    summary: `a ${figures.params.toLocaleString('en')}-parameter CNN on 28x28 chest X-rays; test AUC ${figures.testAuc.toFixed(3)}. It proves the pipeline; it is not a clinical model.`,
  }, ['model.json', 'weights.bin', 'card.md']);
}

type Figures = { valAuc: number; testAuc: number; testAccuracy: number; testConfusion: { tp: number; fp: number; tn: number; fn: number }; params: number };

function card(f: Figures): string {
  const c = f.testConfusion;
  return `# Pneumonia (tiny, 28 px)

**Intended use**: education and research, not for diagnosis. This model exists to prove Hilum's
model pipeline (manifest, checksums, worker, backends); it is not the clinical classifier.

| | |
|---|---|
| Task | chest X-ray, normal vs pneumonia (2 classes, softmax) |
| Architecture | 3 conv (8-16-32, 3x3, ReLU) with 2 max-pools, global average pool, dense 2 |
| Parameters | ${f.params} |
| Input | 28x28x1; the image's own min..max scaled to 0..1, bilinear resize |
| Training data | PneumoniaMNIST (MedMNIST v2), train split 4,708 images; best epoch chosen on val (524) |
| Test | official test split, 624 images, evaluated once |
| Test AUC | ${f.testAuc.toFixed(4)} (val AUC ${f.valAuc.toFixed(4)}) |
| Test accuracy at 0.5 | ${f.testAccuracy.toFixed(4)} (TP ${c.tp}, FP ${c.fp}, TN ${c.tn}, FN ${c.fn}) |
| Published anchor | MedMNIST v2 ResNet-18 at 28 px: AUC 0.944, ACC 0.854 |
| Reproduce | \`npm run train:tiny\` (CPU backend, seed ${SEED}) |

Known limits: 28 px loses almost all detail; trained on paediatric films only; the source images had
already been squashed to a square, so adult films and other aspect ratios are out of distribution.

Data licence: CC BY 4.0. Citations: Kermany DS et al., Cell 2018;172(5):1122-1131;
Yang J et al., MedMNIST v2, Scientific Data 10, 41 (2023).
`;
}

await main();
