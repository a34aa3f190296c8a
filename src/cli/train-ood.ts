/**
 * The applicability gate: Mahalanobis distance of an image's features (the mean and deviation
 * of four blocks' activations, and the input's grey-level histogram) from frontal chest X-rays
 * (Kermany and Shenzhen training images). The threshold is the 99.5th percentile on their
 * validation images; acceptance and rejection are then measured on held-out chest films, brain
 * MRI slices, and CT, MR, angiography and colour DICOM frames.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { GreyImage, ModelInput } from '../ml/api.ts';
import { toModelInput } from '../ml/worker/preprocess.ts';
import { fitGaussian, mahalanobis, type GaussianFit } from '../ml/mahalanobis.ts';
import { GATE_HISTOGRAM_BINS, GATE_LAYERS, gateFeatures } from '../ml/worker/gate.ts';
import { openDicom } from '../dicom/open.ts';
import { frameToGrey } from '../imaging/to-grey.ts';
import { readCsv } from './kermany.ts';
import { readGreyPngImage } from './png.ts';
import { walk } from './inspect.ts';
import { loadModelDir } from './load-model.ts';
import { MODELS_DIR, writeModelFigures } from './model-files.ts';
import { encodeGateFile } from '../ml/gate-file.ts';

/** The gate's file name beside its model, as the manifest lists it. */
export const GATE_FILE = 'gate.bin';
import { useNodeCodecs } from './node-codecs.ts';

const INPUT: ModelInput = { width: 128, height: 128, channels: 1, preprocessing: 'unit-range' };

async function features(extractor: tf.LayersModel, images: GreyImage[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < images.length; start += 32) {
    const batch = tf.tidy(() => {
      const x = tf.concat(images.slice(start, start + 32).map((im) => toModelInput(im, INPUT)));
      return gateFeatures(extractor.predict(x) as tf.Tensor[], x, GATE_HISTOGRAM_BINS);
    });
    const rows = (await batch.array()) as number[][];
    batch.dispose();
    out.push(...rows.map((r) => Float32Array.from(r)));
  }
  return out;
}

function pngs(root: string, csv: string, filter: (row: Record<string, string>) => boolean, column: string, limit = Infinity): GreyImage[] {
  return readCsv(join(root, csv)).filter(filter).slice(0, limit).map((row) => readGreyPngImage(join(root, row[column] ?? '')));
}

async function dicomFrames(root: string, keep: (modality: string, samples: number) => boolean): Promise<GreyImage[]> {
  const out: GreyImage[] = [];
  for (const file of walk([root])) {
    try {
      const image = await openDicom(new Uint8Array(readFileSync(file)));
      if (!keep(image.dataSet.string('x00080060') ?? '', image.info.samplesPerPixel)) continue;
      for (let i = 0; i < Math.min(image.info.frames, 4); i++) out.push(frameToGrey(await image.decodeFrame(i)));
    } catch {
      // not an image this gate is measured on
    }
  }
  return out;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export interface GateFile {
  modelId: string;
  layers: string[];
  histogramBins: number;
  shrink: number;
  threshold: number;
  mean: number[];
  precision: number[];
}

const SHRINK_CANDIDATES = [0.1, 0.01, 0.001, 0.0001];

interface Candidate {
  fit: GaussianFit;
  histogramBins: number;
  shrink: number;
  threshold: number;
  /** Share of the brain training slices rejected. */
  rejected: number;
  /** The nearest brain training slice's distance over the threshold: how far from passing it is. */
  margin: number;
}

/**
 * Features and shrinkage are chosen on data the report never sees: chest films from the
 * validation split set each candidate's threshold, and brain MRI slices of *training* patients
 * say how well it rejects; the report then uses validation patients' slices and the other
 * held-out sets. Of the candidates that reject at least 99.5% of those slices (a margin over
 * the 99% target), the one whose nearest slice lies farthest beyond its threshold wins; failing
 * any, the one that rejects most. (Until 1.1.0 the most regularised passing shrinkage won, which
 * stops at the first that clears easy negatives; see the card.)
 */
function candidate(fitFeatures: Float32Array[], valFeatures: Float32Array[], negatives: Float32Array[], histogramBins: number, shrink: number): Candidate {
  const fit = fitGaussian(fitFeatures, shrink);
  const threshold = percentile(valFeatures.map((f) => mahalanobis(fit, f)), 0.995);
  const distances = negatives.map((f) => mahalanobis(fit, f));
  const rejected = distances.filter((d) => d > threshold).length / negatives.length;
  return { fit, histogramBins, shrink, threshold, rejected, margin: Math.min(...distances) / threshold };
}

/** The statistics alone when a candidate has no histogram: the histogram is the last columns. */
function withBins(rows: Float32Array[], bins: number): Float32Array[] {
  return bins === GATE_HISTOGRAM_BINS ? rows : rows.map((r) => r.subarray(0, r.length - GATE_HISTOGRAM_BINS + bins));
}

function chooseFeatures(fitFeatures: Float32Array[], valFeatures: Float32Array[], negatives: Float32Array[]): { chosen: Candidate; candidates: Candidate[] } {
  // Each feature set is cut once, then fitted at every shrinkage.
  const candidates = [0, GATE_HISTOGRAM_BINS].flatMap((bins) => {
    const [fit, val, neg] = [fitFeatures, valFeatures, negatives].map((set) => withBins(set, bins)) as [Float32Array[], Float32Array[], Float32Array[]];
    return SHRINK_CANDIDATES.map((shrink) => candidate(fit, val, neg, bins, shrink));
  });
  const passing = candidates.filter((c) => c.rejected >= 0.995);
  const chosen = passing.length > 0 ? [...passing].sort((a, b) => b.margin - a.margin)[0] : [...candidates].sort((a, b) => b.rejected - a.rejected)[0];
  if (!chosen) throw new Error('no gate candidate');
  return { chosen, candidates };
}

async function measure(dataRoot: string, extractor: tf.LayersModel, { fit, threshold, histogramBins }: Candidate): Promise<Record<string, { n: number; rate: number }>> {
  const [kermany, shenzhen, lgg, dicom] = ['cxr-pneumonia-kermany-128', 'cxr-lung-seg-shenzhen-256', 'brain-mri-lgg-flair-128', 'dicom'].map((d) => join(dataRoot, d)) as [string, string, string, string];
  const test = (r: Record<string, string>): boolean => r.suggested_split === 'test';
  const distances = async (images: GreyImage[]): Promise<number[]> => withBins(await features(extractor, images), histogramBins).map((f) => mahalanobis(fit, f));
  const rate = async (images: GreyImage[] | Promise<GreyImage[]>, accept: boolean): Promise<{ n: number; rate: number }> => {
    const d = await distances(await images);
    return { n: d.length, rate: d.filter((x) => (x <= threshold) === accept).length / d.length };
  };
  return {
    acceptKermanyTest: await rate(pngs(kermany, 'labels.csv', test, 'path'), true),
    acceptShenzhenTest: await rate(pngs(shenzhen, 'index.csv', test, 'image'), true),
    rejectBrainMriValPatients: await rate(pngs(lgg, 'index.csv', (r) => r.patient_split === 'val', 'image'), false),
    rejectCtMrDicomFrames: await rate(dicomFrames(dicom, (m) => m === 'CT' || m === 'MR'), false),
    rejectAngiographyFrames: await rate(dicomFrames(dicom, (m) => m === 'XA'), false),
    rejectColourDicomFrames: await rate(dicomFrames(dicom, (_m, samples) => samples === 3), false),
    acceptChestDicomFrames: await rate(dicomFrames(dicom, (m) => m === 'CR' || m === 'DX'), true),
  };
}

export async function trainGate(dataRoot: string, modelId = 'pneumonia-cxr'): Promise<{ gate: GateFile; figures: Record<string, unknown> }> {
  await tf.setBackend('wasm');
  useNodeCodecs();
  const model = await loadModelDir(join(MODELS_DIR, modelId));
  const extractor = tf.model({ inputs: model.inputs, outputs: GATE_LAYERS.map((name) => model.getLayer(name).output as tf.SymbolicTensor) });
  const kermany = join(dataRoot, 'cxr-pneumonia-kermany-128');
  const shenzhen = join(dataRoot, 'cxr-lung-seg-shenzhen-256');
  const split = (name: string) => (r: Record<string, string>): boolean => r.suggested_split === name;
  const fitFeatures = await features(extractor, [...pngs(kermany, 'labels.csv', split('train'), 'path', 1500), ...pngs(shenzhen, 'index.csv', split('train'), 'image')]);
  const valFeatures = await features(extractor, [...pngs(kermany, 'labels.csv', split('val'), 'path'), ...pngs(shenzhen, 'index.csv', split('val'), 'image')]);
  const brainTrain = await features(extractor, pngs(join(dataRoot, 'brain-mri-lgg-flair-128'), 'index.csv', (r) => r.patient_split === 'train' && r.balanced_1000 === '1', 'image', 600));
  const { chosen, candidates } = chooseFeatures(fitFeatures, valFeatures, brainTrain);
  const { fit, histogramBins, shrink, threshold } = chosen;
  const figures = {
    histogramBins, shrink, threshold,
    selection: candidates.map((c) => ({ histogramBins: c.histogramBins, shrink: c.shrink, threshold: c.threshold, brainTrainRejected: c.rejected, brainTrainMargin: c.margin })),
    ...(await measure(dataRoot, extractor, chosen)),
  };
  const gate: GateFile = { modelId, layers: GATE_LAYERS, histogramBins, shrink, threshold, mean: Array.from(fit.mean), precision: Array.from(fit.precision) };
  return { gate, figures };
}

/** Writes the gate next to its model: gate.bin (float32, see gate-file.ts) and gate-figures.json. */
export async function publishGate(dataRoot: string, modelId = 'pneumonia-cxr'): Promise<Record<string, unknown>> {
  const { gate, figures } = await trainGate(dataRoot, modelId);
  const { mean, precision, ...header } = gate;
  writeFileSync(join(MODELS_DIR, modelId, GATE_FILE), encodeGateFile(header, mean, precision));
  // The JSON form of earlier versions.
  rmSync(join(MODELS_DIR, modelId, 'gate.json'), { force: true });
  writeModelFigures(modelId, figures, 'gate-figures.json');
  return figures;
}
