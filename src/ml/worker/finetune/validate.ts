/**
 * Strict checks of a user model's files before anything is built or stored: an imported
 * model.json is someone else's JSON, so every field is bounded and typed, only the layer
 * classes Hilum's classifiers use are allowed, shapes are capped before tfjs allocates them,
 * and the weight specs must account for the weights buffer byte for byte.
 */
import type { UserModelMeta } from '../../api-finetune.ts';
import { WorkerError } from '../errors.ts';
import { CLASSIFIER_LAYER, HEAD_FEATURES_LAYER, fromBase64, type GateData } from './artifacts.ts';
import { MeanStdPooling2D } from '../mean-std-pooling.ts';
import { STATS_LAYERS } from './prepared.ts';
import { validBins } from '../gate.ts';

export const MAX_WEIGHT_BYTES = 20 * 1024 * 1024;
const MAX_JSON_CHARS = 4 * 1024 * 1024;
const MAX_LAYERS = 64;
const MAX_ELEMENTS = 4 * 1024 * 1024;
const MAX_CLASSES = 20;
const ALLOWED_LAYERS = new Set(['InputLayer', 'Conv2D', 'MaxPooling2D', 'GlobalAveragePooling2D', 'Dropout', 'Dense', MeanStdPooling2D.className, 'Concatenate']);
/** A layer may take several inputs only to concatenate them. */
const MAX_INBOUND = 8;
const LAYER_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;
const WEIGHT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}\/(kernel|bias)$/;
const MODEL_ID = /^[a-z0-9][a-z0-9._:-]{0,99}$/i;
/** Control characters would hide text or break lines in the list; everything else is kept as text. */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export type Json = Record<string, unknown>;

function refuse(message: string): never {
  throw new WorkerError('bad-input', `not a valid Hilum model: ${message}`);
}

export function record(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse(`${where} is not an object`);
  return value as Json;
}

export function text(value: unknown, where: string, max: number): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max || hasControl(value)) refuse(`${where} must be 1 to ${max} printable characters`);
  return value;
}

function count(value: unknown, where: string, max = 1e6): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) refuse(`${where} must be a whole number from 0 to ${max}`);
  return value;
}

function counts(value: unknown, where: string, length: number): number[] {
  if (!Array.isArray(value) || value.length !== length) refuse(`${where} must list one count per class`);
  return value.map((v, i) => count(v, `${where}[${i}]`));
}

export function classNames(value: unknown): string[] {
  if (!Array.isArray(value) || value.length < 2 || value.length > MAX_CLASSES) refuse(`classNames must list 2 to ${MAX_CLASSES} classes`);
  const names = value.map((v, i) => text(v, `classNames[${i}]`, 60));
  if (new Set(names).size !== names.length) refuse('two classes have the same name');
  return names;
}

function metrics(value: unknown): UserModelMeta['metrics'] {
  const m = record(value, 'metrics');
  if (Object.keys(m).length > 40) refuse('metrics has too many entries');
  const out: UserModelMeta['metrics'] = {};
  for (const [key, v] of Object.entries(m)) {
    text(key, 'a metric name', 60);
    const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
    if (finite(v)) out[key] = v;
    else if (Array.isArray(v) && v.length === 2 && finite(v[0]) && finite(v[1])) out[key] = [v[0], v[1]];
    else refuse(`metric "${key}" must be a number or an interval of two numbers`);
  }
  return out;
}

/** The fields the page may set on saving, and everything an import carries. */
export function validateMeta(value: unknown): UserModelMeta {
  const m = record(value, 'meta');
  const names = classNames(m.classNames);
  if (m.mode !== 'head' && m.mode !== 'last-block') refuse('mode must be "head" or "last-block"');
  const data = record(m.data, 'data');
  const meta: UserModelMeta = {
    id: typeof m.id === 'string' ? text(m.id, 'id', 120) : '',
    name: text(m.name, 'name', 120),
    createdAt: typeof m.createdAt === 'string' ? text(m.createdAt, 'createdAt', 40) : '',
    baseModelId: text(m.baseModelId, 'baseModelId', 100),
    baseModelVersion: text(m.baseModelVersion, 'baseModelVersion', 40),
    classNames: names,
    mode: m.mode,
    data: { train: counts(data.train, 'data.train', names.length), validation: counts(data.validation, 'data.validation', names.length) },
    metrics: metrics(m.metrics ?? {}),
  };
  if (!MODEL_ID.test(meta.baseModelId)) refuse('baseModelId has characters a model id cannot have');
  if (data.patients !== undefined) meta.data.patients = count(data.patients, 'data.patients');
  return meta;
}

function shape(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || value.length > 4) refuse(`${where} is not a shape`);
  const dims = value.map((d, i) => count(d, `${where}[${i}]`, 8192));
  if (dims.reduce((p, d) => p * d, 1) > MAX_ELEMENTS) refuse(`${where} is too large`);
  return dims;
}

type Expected = Map<string, number[]>;

/**
 * One layer: its class allowed, its config bounded, the weights it will allocate (computed
 * from the channels flowing in) added to `expected`. Returns the channels flowing out.
 */
function checkLayer(layer: Json, where: string, inbound: number[], units: number, expected: Expected): number {
  const className = layer.class_name;
  if (typeof className !== 'string' || !ALLOWED_LAYERS.has(className)) refuse(`${where} has the unknown layer class ${JSON.stringify(String(className)).slice(0, 60)}`);
  const name = layer.name as string;
  const config = record(layer.config, `${where}.config`);
  if (className === 'Concatenate') return inbound.reduce((a, b) => a + b, 0);
  if (inbound.length > 1) refuse(`${where} (${name}) takes ${inbound.length} inputs; only a concatenation may`);
  const channels = inbound[0] ?? 0;
  if (className === 'InputLayer') {
    if (JSON.stringify(config.batch_input_shape) !== '[null,128,128,1]') refuse('the input must be [null, 128, 128, 1]');
    return 1;
  }
  if (className === MeanStdPooling2D.className) return 2 * channels;
  if (className === 'Conv2D') {
    const filters = count(config.filters, `${where}.filters`, 512);
    const [kh = 0, kw = 0, ...more] = shape(config.kernel_size, `${where}.kernel_size`);
    if (more.length > 0 || kh < 1 || kh > 7 || kw < 1 || kw > 7) refuse(`${where}'s kernel must be 1 to 7 pixels a side`);
    if (config.use_bias !== true) refuse(`${where} must have a bias`);
    expected.set(`${name}/kernel`, [kh, kw, channels, filters]).set(`${name}/bias`, [filters]);
    return filters;
  }
  if (className === 'Dense') {
    const n = count(config.units, `${where}.units`, 1024);
    if (name === CLASSIFIER_LAYER && (n !== units || config.activation !== 'softmax')) refuse(`the classifier must be a softmax with ${units} units, one per class`);
    if (config.use_bias !== true) refuse(`${where} must have a bias`);
    expected.set(`${name}/kernel`, [channels, n]).set(`${name}/bias`, [n]);
    return n;
  }
  return channels;
}

/** The layers feeding one layer, each already seen (so the graph has no cycle and is in order). */
function inboundOf(layer: Json, where: string, seen: ReadonlyMap<string, number>): number[] {
  const nodes = layer.inbound_nodes;
  if (!Array.isArray(nodes) || nodes.length > 1) refuse(`${where} must be used once`);
  const node: unknown = nodes[0] ?? [];
  if (!Array.isArray(node) || node.length > MAX_INBOUND) refuse(`${where} has a bad input list`);
  return node.map((entry: unknown) => {
    const from: unknown = Array.isArray(entry) ? entry[0] : undefined;
    const channels = typeof from === 'string' ? seen.get(from) : undefined;
    if (channels === undefined || JSON.stringify(entry) !== JSON.stringify([from, 0, 0, {}])) refuse(`${where} (${String(layer.name)}) is not fed by a layer before it`);
    return channels;
  });
}

/** A graph of allowed layers in order, 128x128x1 in, the classifier out; returns the weights it needs. */
function checkTopology(topology: Json, units: number): Expected {
  if (topology.class_name !== 'Model' && topology.class_name !== 'Functional') refuse('the topology is not a functional model');
  const config = record(topology.config, 'modelTopology.config');
  const layers = config.layers;
  if (!Array.isArray(layers) || layers.length < 3 || layers.length > MAX_LAYERS) refuse(`a model has 3 to ${MAX_LAYERS} layers`);
  const expected: Expected = new Map();
  const seen = new Map<string, number>();
  let last = '';
  layers.forEach((value, i) => {
    const layer = record(value, `layer ${i}`);
    const where = `layer ${i}`;
    if (typeof layer.name !== 'string' || !LAYER_NAME.test(layer.name)) refuse(`${where} has a bad name`);
    if (seen.has(layer.name)) refuse('two layers have the same name');
    if ((i === 0) !== (layer.class_name === 'InputLayer')) refuse('the first layer, and only it, must be the input');
    if (i === 0 && JSON.stringify(layer.inbound_nodes) !== '[]') refuse('the input layer must have no inputs');
    const inbound = i === 0 ? [] : inboundOf(layer, where, seen);
    if (i > 0 && inbound.length === 0) refuse(`${where} (${layer.name}) has no input`);
    seen.set(layer.name, checkLayer(layer, where, i === 0 ? [] : inbound, units, expected));
    last = layer.name;
  });
  for (const needed of ['features', HEAD_FEATURES_LAYER]) if (!seen.has(needed)) refuse(`it has no "${needed}" layer`);
  if (last !== CLASSIFIER_LAYER || JSON.stringify(config.output_layers) !== JSON.stringify([[CLASSIFIER_LAYER, 0, 0]])) refuse('its last layer and one output must be the classifier');
  return expected;
}

/**
 * The head must be the one Hilum builds (artifacts.ts headTopology): mean and deviation of each
 * STATS_LAYERS map of the backbone, concatenated, then the classifier. Anything else could feed
 * the classifier from the raw image and bypass the backbone, and with it the applicability gate.
 */
function checkHead(topology: Json): void {
  const layers = record(topology.config, 'modelTopology.config').layers as Json[];
  const head = layers.slice(layers.length - STATS_LAYERS.length - 2);
  const want = [
    ...STATS_LAYERS.map((l) => ({ name: `stats_${l}`, class_name: MeanStdPooling2D.className, inbound_nodes: [[[l, 0, 0, {}]]] })),
    { name: HEAD_FEATURES_LAYER, class_name: 'Concatenate', inbound_nodes: [STATS_LAYERS.map((l) => [`stats_${l}`, 0, 0, {}])] },
    { name: CLASSIFIER_LAYER, class_name: 'Dense', inbound_nodes: [[[HEAD_FEATURES_LAYER, 0, 0, {}]]] },
  ];
  const got = head.map((l) => ({ name: l.name, class_name: l.class_name, inbound_nodes: l.inbound_nodes }));
  if (JSON.stringify(got) !== JSON.stringify(want)) refuse(`its head is not Hilum's (the statistics of ${STATS_LAYERS.join(', ')}, then the classifier): it would bypass the backbone`);
}

function checkWeights(manifest: unknown, bytes: number, expected: Expected): Json[] {
  if (!Array.isArray(manifest) || manifest.length !== 1) refuse('weightsManifest must have one group');
  const group = record(manifest[0], 'weightsManifest[0]');
  const specs = group.weights;
  if (!Array.isArray(specs) || specs.length !== expected.size) refuse(`the layers need ${expected.size} weight arrays, the weight list has ${Array.isArray(specs) ? specs.length : 'none'}`);
  let total = 0;
  const parsed = specs.map((s, i) => {
    const spec = record(s, `weight ${i}`);
    if (typeof spec.name !== 'string' || !WEIGHT_NAME.test(spec.name)) refuse(`weight ${i} has a bad name`);
    if (spec.dtype !== 'float32' || spec.quantization !== undefined) refuse(`weight ${spec.name} must be plain float32`);
    const dims = shape(spec.shape, `weight ${spec.name}`);
    if (JSON.stringify(dims) !== JSON.stringify(expected.get(spec.name))) refuse(`weight ${spec.name} has shape [${dims.join(', ')}], its layer needs [${(expected.get(spec.name) ?? []).join(', ')}]`);
    total += dims.reduce((p, d) => p * d, 1) * 4;
    return spec;
  });
  if (total !== bytes) refuse(`the weight list describes ${total} bytes but the weights file has ${bytes}`);
  return parsed;
}

function parseGateJson(value: unknown): GateData {
  const g = record(value, 'the gate');
  const layers = g.layers;
  if (!Array.isArray(layers) || layers.length === 0 || layers.length > 8 || !layers.every((l) => typeof l === 'string' && LAYER_NAME.test(l))) refuse('the gate names bad layers');
  if (typeof g.threshold !== 'number' || !(g.threshold > 0) || !Number.isFinite(g.threshold)) refuse('the gate threshold must be a positive number');
  // Models exported before the gate measured the input histogram carry no bins.
  const histogramBins = g.histogramBins ?? 0;
  if (!validBins(histogramBins)) refuse('the gate histogram bins must be a whole number from 0 to 256');
  if (typeof g.shrink !== 'number' || !(g.shrink >= 0 && g.shrink <= 1)) refuse('the gate shrinkage must be from 0 to 1');
  if (typeof g.mean !== 'string' || typeof g.precision !== 'string' || g.precision.length > 8 * 1024 * 1024) refuse('the gate arrays are malformed');
  const mean = fromBase64(g.mean);
  const precision = fromBase64(g.precision);
  if (mean.length <= histogramBins || mean.length > 2048 || precision.length !== mean.length * mean.length) refuse('the gate covariance does not match its mean');
  if (!mean.every(Number.isFinite) || !precision.every(Number.isFinite)) refuse('the gate holds values that are not numbers');
  return { layers: layers as string[], histogramBins, threshold: g.threshold, shrink: g.shrink, mean, precision };
}

export interface ParsedModelJson {
  modelTopology: Json;
  weightSpecs: Json[];
  gate?: GateData;
}

/** Everything in model.json checked against the meta's classes and the weights' size. */
export function validateModelJson(modelJson: unknown, weightBytes: number, units: number): ParsedModelJson {
  if (typeof modelJson !== 'string' || modelJson.length > MAX_JSON_CHARS) refuse(`model.json must be text under ${MAX_JSON_CHARS / 1024 / 1024} MB`);
  if (weightBytes > MAX_WEIGHT_BYTES) refuse(`the weights are over ${MAX_WEIGHT_BYTES / 1024 / 1024} MB`);
  let json: Json;
  try {
    json = record(JSON.parse(modelJson), 'model.json');
  } catch (error) {
    if (error instanceof WorkerError) throw error;
    refuse('model.json is not JSON');
  }
  if (json.format !== 'layers-model') refuse('model.json is not a tfjs layers model');
  const modelTopology = record(json.modelTopology, 'modelTopology');
  const expected = checkTopology(modelTopology, units);
  checkHead(modelTopology);
  const weightSpecs = checkWeights(json.weightsManifest, weightBytes, expected);
  const extra = json.userDefinedMetadata === undefined ? {} : record(json.userDefinedMetadata, 'userDefinedMetadata');
  const parsed: ParsedModelJson = { modelTopology, weightSpecs };
  if (extra.hilumGate !== undefined) parsed.gate = parseGateJson(extra.hilumGate);
  return parsed;
}

/** An imported model's files, all checked; the model is still to be built (see user-models.ts). */
export function validateFiles(files: unknown): { meta: UserModelMeta; parsed: ParsedModelJson; weights: ArrayBuffer } {
  const f = record(files, 'the files');
  if (!(f.weights instanceof ArrayBuffer)) refuse('the weights are not binary data');
  const meta = validateMeta(f.meta);
  if (typeof f.card !== 'string' || f.card.length > 64 * 1024) refuse('the card must be text under 64 KB');
  return { meta, parsed: validateModelJson(f.modelJson, f.weights.byteLength, meta.classNames.length), weights: f.weights };
}

