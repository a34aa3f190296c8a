/**
 * A fine-tuned model as tfjs artifacts and as files: the base model's layers up to `features`,
 * the mean and deviation of each STATS_LAYERS map (MeanStdPooling2D), concatenated, then a new
 * softmax `classifier`; Grad-CAM (`features`) and the gate (GATE_LAYERS) find the layers they expect. Weights are float32. A refitted applicability
 * gate travels inside model.json (userDefinedMetadata), so export and import carry it.
 */
import * as tf from '../tf.ts';
import { WorkerError } from '../errors.ts';
import { STATS_LAYERS } from './prepared.ts';
import { MeanStdPooling2D } from '../mean-std-pooling.ts';

export const CLASSIFIER_LAYER = 'classifier';
export const WEIGHTS_PATH = 'weights.bin';

/** A Gaussian fitted to a user model's own activation statistics (last-block mode). */
export interface GateData {
  layers: string[];
  /** Bins of the input histogram after the statistics; 0 in models exported before it. */
  histogramBins: number;
  threshold: number;
  shrink: number;
  mean: Float32Array;
  precision: Float32Array;
}

interface LayerJson {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: unknown[];
}

interface TopologyJson {
  class_name: string;
  config: { name: string; layers: LayerJson[]; input_layers: unknown; output_layers: unknown };
  [key: string]: unknown;
}

const FEATURES_LAYER = 'features';
/** The concatenated statistics the classifier reads. */
export const HEAD_FEATURES_LAYER = 'head_features';
const statsName = (layer: string): string => `stats_${layer}`;

function denseJson(units: number): LayerJson {
  const zeros = { class_name: 'Zeros', config: {} };
  return {
    name: CLASSIFIER_LAYER,
    class_name: 'Dense',
    config: {
      units, activation: 'softmax', use_bias: true, kernel_initializer: zeros, bias_initializer: zeros,
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
      name: CLASSIFIER_LAYER, trainable: true, dtype: 'float32',
    },
    inbound_nodes: [[[HEAD_FEATURES_LAYER, 0, 0, {}]]],
  };
}

/** Mean and deviation of each STATS_LAYERS map, concatenated in that order: the prepared features. */
function statsJson(): LayerJson[] {
  const pools = STATS_LAYERS.map((layer): LayerJson => ({
    name: statsName(layer), class_name: MeanStdPooling2D.className, config: { name: statsName(layer), trainable: true, dtype: 'float32' }, inbound_nodes: [[[layer, 0, 0, {}]]],
  }));
  const concat: LayerJson = {
    name: HEAD_FEATURES_LAYER, class_name: 'Concatenate', config: { axis: -1, name: HEAD_FEATURES_LAYER, trainable: true, dtype: 'float32' },
    inbound_nodes: [STATS_LAYERS.map((layer) => [statsName(layer), 0, 0, {}])],
  };
  return [...pools, concat];
}

/** The base's topology cut after `features`, with statistics pooling and a new classifier of `units` classes. */
export function headTopology(base: tf.LayersModel, units: number): TopologyJson {
  const json = base.toJSON(null, false) as unknown as TopologyJson;
  const layers = json.config.layers;
  const cut = layers.findIndex((l) => l.name === FEATURES_LAYER);
  if (cut < 0) throw new WorkerError('bad-input', `${base.name} has no "${FEATURES_LAYER}" layer`);
  return {
    ...json,
    config: { ...json.config, name: 'hilum-user-model', layers: [...layers.slice(0, cut + 1), ...statsJson(), denseJson(units)], output_layers: [[CLASSIFIER_LAYER, 0, 0]] },
  };
}

/** The base's weights up to `features` (as float32) and the new head's, in topology order. */
export async function headArtifacts(base: tf.LayersModel, kernel: Float32Array, bias: Float32Array, units: number): Promise<tf.io.ModelArtifacts> {
  const topology = headTopology(base, units);
  const keep = new Set(topology.config.layers.map((l) => l.name));
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const layer of base.layers) {
    if (!keep.has(layer.name) || layer.name === CLASSIFIER_LAYER) continue;
    for (const weight of layer.weights) {
      specs.push({ name: weight.originalName, shape: weight.shape.map((d) => d ?? 0), dtype: 'float32' });
      buffers.push(Float32Array.from(await weight.read().data()).buffer);
    }
  }
  const dim = kernel.length / units;
  specs.push({ name: `${CLASSIFIER_LAYER}/kernel`, shape: [dim, units], dtype: 'float32' }, { name: `${CLASSIFIER_LAYER}/bias`, shape: [units], dtype: 'float32' });
  buffers.push(Float32Array.from(kernel).buffer, Float32Array.from(bias).buffer);
  return { modelTopology: topology as unknown as tf.io.ModelArtifacts['modelTopology'], weightSpecs: specs, weightData: tf.io.concatenateArrayBuffers(buffers) };
}

/** A trained model's own artifacts (float32), without writing anywhere. */
export async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((artifacts) => {
    saved = artifacts;
    return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
  }));
  if (!saved) throw new WorkerError('internal', 'the model could not be serialised');
  return saved;
}

function toBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function fromBase64(text: string): Float32Array {
  const binary = atob(text);
  if (binary.length % 4 !== 0) throw new WorkerError('bad-input', 'a gate array is not a whole number of float32 values');
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

/** model.json text and the weights buffer, as the files a user downloads. */
export function toModelJson(artifacts: tf.io.ModelArtifacts, gate?: GateData): { modelJson: string; weights: ArrayBuffer } {
  const data = artifacts.weightData;
  const weights = data instanceof ArrayBuffer ? data : tf.io.concatenateArrayBuffers(data ?? []);
  const json: Record<string, unknown> = {
    format: 'layers-model',
    generatedBy: 'Hilum fine-tuning',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_PATH], weights: artifacts.weightSpecs ?? [] }],
  };
  if (gate) {
    json.userDefinedMetadata = {
      hilumGate: { layers: gate.layers, histogramBins: gate.histogramBins, threshold: gate.threshold, shrink: gate.shrink, mean: toBase64(gate.mean), precision: toBase64(gate.precision) },
    };
  }
  return { modelJson: JSON.stringify(json), weights };
}
