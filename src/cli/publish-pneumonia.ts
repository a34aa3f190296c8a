/**
 * After training: choose the operating point on validation, evaluate once on the official
 * test split, try float16 weights, and write the card and the manifest entry.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelScope } from '../ml/scope.ts';
import { auc, expectedCalibrationError } from '../ml/metrics.ts';
import { loadKermany, type GreyStack } from './kermany.ts';
import { loadModelDir } from './load-model.ts';
import { MODELS_DIR, halveWeights, readModelFigures, writeManifestEntry, writeModelFigures } from './model-files.ts';
import { pneumoniaReport, type PneumoniaReport } from './evaluate.ts';
import { PNEUMONIA_ID, youdenThreshold, type EpochRecord, type Ending } from './train-pneumonia.ts';
import { scoresOf } from './pneumonia-scores.ts';
import { pneumoniaCard } from './pneumonia-card.ts';
import { GATE_FILE, publishGate } from './train-ood.ts';
import { robustness, type Robustness } from './pneumonia-robustness.ts';
import { calibrationFigures, type CalibrationFigures } from './pneumonia-calibration.ts';

/** Frontal chest radiographs, by their DICOM tags. */
export const CHEST_FILMS: ModelScope = { modalities: ['CR', 'DX'], bodyParts: ['CHEST'], viewPositions: ['PA', 'AP'] };

export interface PublishFigures {
  params: number;
  threshold: number;
  valAuc: number;
  test: PneumoniaReport;
  ece: number;
  float32: { valAuc: number; testAuc: number; bytes: number };
  float16: { valAuc: number; testAuc: number; bytes: number; shipped: boolean };
  history: EpochRecord[];
  /** How the run's best epoch and weight mean were weighed (absent before 1.3.0). */
  ending?: Ending;
  /** Validation AUC and calls with the films zoomed or blurred (absent in figures of 1.0.0). */
  robustness?: Robustness;
  gate?: Record<string, unknown>;
  /** Platt scaling on validation (absent in figures before it shipped). */
  calibration?: CalibrationFigures;
}

/**
 * 1.1.0: trained with wider zoom, stretch and blur (see PNEUMONIA_AUGMENT). 1.1.1: the same weights,
 * probabilities calibrated. 1.2.0: 16 epochs, and the weight mean of the second half ships.
 * 1.3.0: the same run's best epoch, which beat the mean on pooled validation AUC.
 */
const VERSION = '1.3.0';

async function measure(model: tf.LayersModel, val: GreyStack, test: GreyStack): Promise<{ val: Float32Array; test: Float32Array }> {
  return { val: scoresOf(model, val), test: scoresOf(model, test) };
}

export async function publishPneumonia(dataRoot: string, history: EpochRecord[], ending?: Ending): Promise<PublishFigures> {
  const dir = join(MODELS_DIR, PNEUMONIA_ID);
  const root = join(dataRoot, 'cxr-pneumonia-kermany-128');
  const val = loadKermany(root, 'val');
  const test = loadKermany(root, 'test');
  const model = await loadModelDir(dir);
  const full = await measure(model, val, test);
  const threshold = youdenThreshold(full.val, val.labels);
  // Half-precision weights ship only if validation AUC moves by less than 0.005.
  const trial = mkdtempSync(join(tmpdir(), 'hilum-f16-'));
  cpSync(dir, trial, { recursive: true });
  halveWeights(trial);
  const halfModel = await loadModelDir(trial);
  const half = await measure(halfModel, val, test);
  const drop = auc(full.val, val.labels) - auc(half.val, val.labels);
  const shipHalf = Math.abs(drop) < 0.005;
  const shipped = shipHalf ? half : full;
  const bytes = (d: string): number => readFileSync(join(d, 'weights.bin')).length;
  const figures: PublishFigures = {
    params: model.countParams(), threshold, valAuc: auc(full.val, val.labels),
    test: pneumoniaReport(shipped.test, Array.from(test.labels), threshold, PNEUMONIA_ID, 'test'),
    ece: expectedCalibrationError(shipped.test, test.labels),
    float32: { valAuc: auc(full.val, val.labels), testAuc: auc(full.test, test.labels), bytes: bytes(dir) },
    float16: { valAuc: auc(half.val, val.labels), testAuc: auc(half.test, test.labels), bytes: bytes(trial), shipped: shipHalf },
    history,
    ...(ending ? { ending } : {}),
    robustness: robustness(shipHalf ? halfModel : model, val, threshold),
    calibration: calibrationFigures({ scores: shipped.val, labels: val.labels }, { scores: shipped.test, labels: test.labels }, threshold),
  };
  if (shipHalf) cpSync(trial, dir, { recursive: true });
  // The gate is fitted on the weights that ship.
  figures.gate = await publishGate(dataRoot, PNEUMONIA_ID);
  writeCardAndEntry(figures);
  return figures;
}

/** The figures the last publish wrote, for a step that redoes only part of it. */
export const readFigures = (): PublishFigures => readModelFigures<PublishFigures>(PNEUMONIA_ID);

/** `npm run train -- --task ood`: refit the gate of the shipped weights, then the card and manifest with it. */
export async function republishGate(dataRoot: string): Promise<Record<string, unknown>> {
  const figures = readFigures();
  figures.gate = await publishGate(dataRoot, PNEUMONIA_ID);
  writeCardAndEntry(figures);
  return figures.gate;
}

/** `npm run train -- --task pneumonia --card-only`: the card and manifest entry again, after their text changed; nothing is scored. */
export function rewritePneumoniaCard(): PublishFigures {
  const figures = readFigures();
  writeCardAndEntry(figures);
  return figures;
}

/** `npm run train -- --task calibrate`: refit the Platt scaling of the shipped weights, then the card and manifest. */
export async function recalibrate(dataRoot: string): Promise<CalibrationFigures> {
  await tf.setBackend('wasm');
  const figures = readFigures();
  const root = join(dataRoot, 'cxr-pneumonia-kermany-128');
  const val = loadKermany(root, 'val');
  const test = loadKermany(root, 'test');
  const scored = await measure(await loadModelDir(join(MODELS_DIR, PNEUMONIA_ID)), val, test);
  figures.calibration = calibrationFigures({ scores: scored.val, labels: val.labels }, { scores: scored.test, labels: test.labels }, figures.threshold);
  writeCardAndEntry(figures);
  return figures.calibration;
}

function writeCardAndEntry(figures: PublishFigures): void {
  const dir = join(MODELS_DIR, PNEUMONIA_ID);
  writeFileSync(join(dir, 'card.md'), pneumoniaCard(figures));
  writeModelFigures(PNEUMONIA_ID, figures);
  writeManifestEntry({
    id: PNEUMONIA_ID, name: 'Pneumonia (chest X-ray, 128 px)', task: 'classification', version: VERSION,
    input: { width: 128, height: 128, channels: 1, preprocessing: 'unit-range' }, labels: ['normal', 'pneumonia'], positiveIndex: 1,
    operatingPoint: figures.calibration?.operatingPoint ?? figures.threshold, card: 'card.md',
    ...(figures.calibration ? { calibration: figures.calibration.fit } : {}), gate: GATE_FILE, scope: CHEST_FILMS,
    summary: `a ${figures.params.toLocaleString('en')}-parameter CNN trained by Hilum on paediatric chest X-rays; test AUC ${figures.test.auc.value.toFixed(3)}.`,
  }, ['model.json', 'weights.bin', 'card.md', GATE_FILE]);
}
