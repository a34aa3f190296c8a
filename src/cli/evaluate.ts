/**
 * `npm run cli -- evaluate --task <pneumonia|lungs|brain|ood> --data <folder> [--split name|all] [--model id] --json`
 * Runs a shipped model over a labelled folder through the app's own preprocessing and prints one
 * JSON object with 95% bootstrap intervals. Pneumonia (labels.csv: path, split, label_id): AUC,
 * accuracy, sensitivity, specificity at the card's operating point; lungs and brain: see
 * evaluate-segmentation.ts; ood: see evaluate-ood.ts.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readGreyPngImage } from './png.ts';
import { toModelInput } from '../ml/worker/preprocess.ts';
import { accuracy, auc, confusion } from '../ml/metrics.ts';
import { bootstrap, type Estimate } from '../ml/bootstrap.ts';
import type { ModelEntry } from '../ml/api.ts';
import { argValue } from './args.ts';
import { calibrated } from '../ml/calibration.ts';
import { readCsv, rowsOfSplit } from './kermany.ts';
import { loadShippedModel } from './load-model.ts';
import { evaluateSegmentation } from './evaluate-segmentation.ts';
import { evaluateOod } from './evaluate-ood.ts';


async function scoreAll(model: tf.LayersModel, entry: ModelEntry, paths: string[]): Promise<Float32Array> {
  const scores = new Float32Array(paths.length);
  for (let start = 0; start < paths.length; start += 32) {
    const batch = paths.slice(start, start + 32);
    const p = tf.tidy(() => {
      const x = tf.concat(batch.map((path) => toModelInput(readGreyPngImage(path), entry.input)));
      return (model.predict(x) as tf.Tensor).slice([0, entry.positiveIndex], [-1, 1]);
    });
    scores.set(await p.data(), start);
    p.dispose();
  }
  return scores;
}

export interface PneumoniaReport {
  task: 'pneumonia';
  model: string;
  split: string;
  n: number;
  threshold: number;
  auc: Estimate;
  accuracy: Estimate;
  sensitivity: Estimate;
  specificity: Estimate;
}

export function pneumoniaReport(scores: Float32Array, labels: number[], threshold: number, model: string, split: string): PneumoniaReport {
  const pick = (idx: number[]): [number[], number[]] => [idx.map((i) => scores[i] ?? 0), idx.map((i) => labels[i] ?? 0)];
  const at = (f: (c: ReturnType<typeof confusion>) => number) => (idx: number[]): number => f(confusion(...pick(idx), threshold));
  return {
    task: 'pneumonia', model, split, n: labels.length, threshold,
    auc: bootstrap(labels.length, (idx) => auc(...pick(idx))),
    accuracy: bootstrap(labels.length, at(accuracy)),
    sensitivity: bootstrap(labels.length, at((c) => c.tp / (c.tp + c.fn))),
    specificity: bootstrap(labels.length, at((c) => c.tn / (c.tn + c.fp))),
  };
}

const USAGE = 'usage: npm run cli -- evaluate --task <pneumonia|lungs|brain|ood> --data <folder> [--split name|all] [--model id] [--json]';
const DEFAULT_MODEL: Record<string, string> = { pneumonia: 'pneumonia-cxr', lungs: 'lungs-cxr', brain: 'brain-flair', ood: 'pneumonia-cxr' };
// The LGG folder's held-out patients are its 'val' split; the other folders have a 'test'.
const DEFAULT_SPLIT: Record<string, string> = { brain: 'val' };

async function report(task: string, data: string, split: string, modelId: string): Promise<object> {
  if (task === 'ood') return evaluateOod(data, split, modelId);
  const { entry, model } = await loadShippedModel(modelId);
  if (task === 'lungs' || task === 'brain') return evaluateSegmentation(task, model, entry, data, split);
  const rows = rowsOfSplit(readCsv(join(data, 'labels.csv')), split);
  const scores = await scoreAll(model, entry, rows.map((r) => join(data, r.path ?? '')));
  // The app's scale: calibrated when the manifest says so, against an operating point on that scale.
  const c = entry.calibration;
  const shown = c ? scores.map((p) => calibrated(p, c)) : scores;
  return pneumoniaReport(shown, rows.map((r) => Number(r.label_id)), entry.operatingPoint ?? 0.5, entry.id, split);
}

export async function evaluate(args: string[]): Promise<number> {
  const task = argValue('--task', args) ?? '';
  const data = argValue('--data', args);
  if (!(task in DEFAULT_MODEL) || !data) {
    console.error(USAGE);
    return 2;
  }
  await tf.setBackend('wasm');
  const split = argValue('--split', args) ?? DEFAULT_SPLIT[task] ?? 'test';
  try {
    const result = await report(task, data, split, argValue('--model', args) ?? DEFAULT_MODEL[task] ?? '');
    console.log(args.includes('--json') ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    return 0;
  } catch (error) {
    console.error(`evaluate: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
