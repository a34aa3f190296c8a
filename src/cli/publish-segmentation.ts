/**
 * After a U-Net is trained: fold its batch norm into the convolutions, compare float32 and
 * float16 weights on validation, evaluate once on the held-out split through the evaluation
 * CLI's own code, and write figures, the card and the manifest entry.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { ModelEntry } from '../ml/api.ts';
import type { ModelScope } from '../ml/scope.ts';
import { loadModelDir } from './load-model.ts';
import { MODELS_DIR, halveWeights, readModelFigures, saveLayersModel, writeManifestEntry, writeModelFigures } from './model-files.ts';
import { evaluateSegmentation, type SegmentationReport } from './evaluate-segmentation.ts';
import { segmentationCard, type CardText } from './segmentation-card.ts';
import type { SegmentationEpoch } from './train-segmentation.ts';
import { foldBatchNorm, type UnetSpec } from './unet.ts';
import type { PostprocessChoice } from './choose-postprocess.ts';

export interface SegmentationPublish {
  task: 'lungs' | 'brain';
  spec: UnetSpec;
  name: string;
  /** Raised when what the user sees changes (weights, threshold, post-processing): reports and DICOM SEG exports record it. */
  version: string;
  labels: [string, string];
  folder: string;
  testSplit: string;
  scope: ModelScope;
  /** Mean validation Dice of a model (the measure that picked the epoch). */
  validate: (model: tf.LayersModel) => number;
  /** Threshold and mask clean-up chosen on validation (otherwise p >= 0.5, as trained). */
  choosePostprocess?: (model: tf.LayersModel, entry: ModelEntry) => Promise<PostprocessChoice>;
  text: CardText;
}

export interface SegmentationFigures {
  params: number;
  valDice: number;
  test: Omit<SegmentationReport, 'perCase'>;
  float32: { valDice: number; bytes: number };
  float16: { valDice: number; bytes: number; shipped: boolean };
  history: SegmentationEpoch[];
  trainingMinutes: number;
  postprocess?: PostprocessChoice;
}

const THRESHOLD = 0.5;

function halved(dir: string): boolean {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  return json.weightsManifest.some((g) => g.weights.some((w) => w.quantization?.dtype === 'float16'));
}

/** Replace a trained U-Net that still has batch-norm layers by its folded float32 twin. */
async function foldSaved(spec: UnetSpec, dir: string): Promise<void> {
  const trained = await loadModelDir(dir);
  if (trained.layers.some((l) => l.getClassName() === 'BatchNormalization')) {
    const folded = foldBatchNorm(trained, spec);
    await saveLayersModel(folded, dir);
    folded.dispose();
  }
  trained.dispose();
}

/** Float32 against float16 on validation; a second publish finds float16 weights and keeps the first comparison. */
async function chooseWeights(p: SegmentationPublish, dir: string): Promise<{ model: tf.LayersModel; float32: SegmentationFigures['float32']; float16: SegmentationFigures['float16'] }> {
  const bytes = (d: string): number => readFileSync(join(d, 'weights.bin')).length;
  if (halved(dir)) {
    const before = savedFigures(p.spec.id).figures;
    return { model: await loadModelDir(dir), float32: before.float32, float16: before.float16 };
  }
  const full = await loadModelDir(dir);
  const trial = mkdtempSync(join(tmpdir(), 'hilum-f16-'));
  cpSync(dir, trial, { recursive: true });
  halveWeights(trial);
  const half = await loadModelDir(trial);
  const valFull = p.validate(full);
  const valHalf = p.validate(half);
  // Half-precision weights ship only if validation Dice moves by less than 0.005.
  const shipHalf = Math.abs(valFull - valHalf) < 0.005;
  const float32 = { valDice: valFull, bytes: bytes(dir) };
  const float16 = { valDice: valHalf, bytes: bytes(trial), shipped: shipHalf };
  if (shipHalf) cpSync(trial, dir, { recursive: true });
  return { model: shipHalf ? half : full, float32, float16 };
}

/** The manifest entry, less its files, with the post-processing chosen on validation if any. */
function entryOf(p: SegmentationPublish, postprocess?: PostprocessChoice): Omit<ModelEntry, 'files' | 'sizeBytes'> {
  const entry: Omit<ModelEntry, 'files' | 'sizeBytes'> = {
    id: p.spec.id, name: p.name, task: 'segmentation', version: p.version,
    input: { width: p.spec.inputSize, height: p.spec.inputSize, channels: 1, preprocessing: 'unit-range' },
    labels: p.labels, positiveIndex: 1, operatingPoint: THRESHOLD, card: 'card.md', summary: '', scope: p.scope,
  };
  if (postprocess) Object.assign(entry, { operatingPoint: postprocess.chosen.operatingPoint, postprocess: postprocess.chosen.postprocess });
  return entry;
}

type PerCase = SegmentationReport['perCase'];

function writeCardAndEntry(p: SegmentationPublish, figures: SegmentationFigures, perCase: PerCase): void {
  const dir = join(MODELS_DIR, p.spec.id);
  writeFileSync(join(dir, 'card.md'), segmentationCard(p, figures));
  writeModelFigures(p.spec.id, { ...figures, perCase });
  const unit = p.task === 'brain' ? 'per-patient' : '';
  const summary = `a ${figures.params.toLocaleString('en')}-parameter U-Net trained by Hilum; test ${unit} Dice ${figures.test.diceMean.value.toFixed(3)}.`.replace('  ', ' ');
  writeManifestEntry({ ...entryOf(p, figures.postprocess), summary }, ['model.json', 'weights.bin', 'card.md']);
}

/** The figures and per-case list the last publish wrote. */
export function savedFigures(id: string): { figures: SegmentationFigures; perCase: PerCase } {
  const { perCase, ...figures } = readModelFigures<SegmentationFigures & { perCase: PerCase }>(id);
  return { figures, perCase };
}

/**
 * `train --task <lungs|brain> --card-only`: the card and manifest entry rewritten from the saved
 * figures after the card's text changed, without scoring the test split again or touching weights.
 */
export function rewriteCard(p: SegmentationPublish): SegmentationFigures {
  const { figures, perCase } = savedFigures(p.spec.id);
  writeCardAndEntry(p, figures, perCase);
  return figures;
}

export async function publishSegmentation(p: SegmentationPublish, dataRoot: string, history: SegmentationEpoch[], trainingMinutes: number): Promise<SegmentationFigures> {
  const dir = join(MODELS_DIR, p.spec.id);
  // Publishing may run on its own (train --publish-only), before anything chose a backend.
  if (tf.getBackend() !== 'wasm' && !(await tf.setBackend('wasm'))) throw new Error('the WASM backend did not start');
  await foldSaved(p.spec, dir);
  const { model: shipped, float32, float16 } = await chooseWeights(p, dir);
  const postprocess = await p.choosePostprocess?.(shipped, { ...entryOf(p), files: [], sizeBytes: 0 });
  const { perCase, ...test } = await evaluateSegmentation(p.task, shipped, { ...entryOf(p, postprocess), files: [], sizeBytes: 0 }, join(dataRoot, p.folder), p.testSplit);
  const figures: SegmentationFigures = {
    params: shipped.countParams(), valDice: float16.shipped ? float16.valDice : float32.valDice, test,
    float32, float16, history, trainingMinutes, ...(postprocess ? { postprocess } : {}),
  };
  writeCardAndEntry(p, figures, perCase);
  return figures;
}
