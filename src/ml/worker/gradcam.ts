/**
 * Grad-CAM (Selvaraju et al. 2017) for a classifier with a named feature layer: the feature
 * maps weighted by the spatial mean of the class score's gradient, rectified, normalised to
 * 0..1 and cropped back from the letterbox to the image's own aspect. The gradient is taken,
 * not read off the last layer's weights, so a fine-tuned head of any depth works too.
 */
import * as tf from './tf.ts';
import type { GreyImage, ModelEntry } from '../api.ts';
import { placement, toModelInput, validateGreyImage } from './preprocess.ts';
import { getModel } from './registry.ts';
import { WorkerError } from './errors.ts';

/** Every Hilum classifier names its last convolution so; fine-tuning keeps the name. */
export const FEATURE_LAYER = 'features';

/** Keeps log(p) finite when a probability saturates at 0 or 1 in float32. */
const EPSILON = 1e-7;

export interface Heatmap {
  /** The heatmap's own size: the image's aspect at the model's input resolution. */
  width: number;
  height: number;
  /** Row by row, 0..1 (1 where the evidence for the class is strongest). */
  heat: Float32Array;
  /** The label the evidence is for. */
  label: string;
  /** The class probability at the forward pass the map was taken from. */
  probability: number;
}

type Layer = ReturnType<tf.LayersModel['getLayer']>;

interface Split {
  /** The model with, as outputs, each earlier layer the head reads and then the feature layer. */
  backbone: tf.LayersModel;
  taps: string[];
  /** The layers after the feature layer, in order: a chain (GAP, dense) or a graph (statistics of several blocks, concatenated). */
  head: Layer[];
}

const splits = new WeakMap<tf.LayersModel, Split>();

/** The layers feeding a head layer; a layer used twice is refused rather than misread. */
function inputsOf(layer: Layer, model: tf.LayersModel): string[] {
  if (layer.inboundNodes.length !== 1) throw new WorkerError('bad-input', `${model.name}'s layer ${layer.name} is used more than once, so no heatmap can be drawn`);
  return (layer.inboundNodes[0]?.inboundLayers ?? []).map((l) => l.name);
}

/** The model cut at its feature layer, with what the head needs from before it. */
export function splitAtFeatures(model: tf.LayersModel): Split {
  const cached = splits.get(model);
  if (cached) return cached;
  const at = model.layers.findIndex((l) => l.name === FEATURE_LAYER);
  if (at < 0) throw new WorkerError('bad-input', `${model.name} has no layer named "${FEATURE_LAYER}", so no heatmap can be drawn`);
  const head = model.layers.slice(at + 1);
  const before = new Set(model.layers.slice(0, at).map((l) => l.name));
  const earlier = [...new Set(head.flatMap((layer) => inputsOf(layer, model)).filter((name) => before.has(name)))];
  const taps = [...earlier, FEATURE_LAYER];
  const backbone = tf.model({ inputs: model.inputs, outputs: taps.map((name) => model.getLayer(name).output as tf.SymbolicTensor) });
  const split = { backbone, taps, head };
  splits.set(model, split);
  return split;
}

/** The head's output for feature maps `a`, the earlier taps held at `fixed`. Call inside tidy. */
function applyHead(split: Split, fixed: readonly tf.Tensor[], a: tf.Tensor): tf.Tensor2D {
  const known = new Map<string, tf.Tensor>(split.taps.slice(0, -1).map((name, i) => [name, fixed[i] as tf.Tensor]));
  known.set(FEATURE_LAYER, a);
  let out = a;
  for (const layer of split.head) {
    const inputs = (layer.inboundNodes[0]?.inboundLayers ?? []).map((l) => known.get(l.name));
    if (inputs.some((t) => t === undefined)) throw new WorkerError('bad-input', `${layer.name} reads a layer the heatmap cannot follow`);
    out = layer.apply(inputs.length === 1 ? (inputs[0] as tf.Tensor) : (inputs as tf.Tensor[]), { training: false }) as tf.Tensor;
    known.set(layer.name, out);
  }
  return out as tf.Tensor2D;
}

/**
 * The class-activation map at the feature grid, [h, w], unnormalised, and the class
 * probability. The score differentiated is the class log-odds: the softmax output itself
 * saturates, and its gradient vanishes for a confident prediction. Statistics the head reads
 * from earlier blocks are held fixed: the map is where the feature layer's evidence lies.
 * Call inside tf.tidy.
 */
export function classActivation(split: Split, x: tf.Tensor4D, classIndex: number): { cam: tf.Tensor2D; probability: tf.Scalar } {
  const outputs = [split.backbone.predict(x)].flat() as tf.Tensor[];
  const features = outputs[outputs.length - 1] as tf.Tensor4D;
  const fixed = outputs.slice(0, -1);
  const classProbability = (a: tf.Tensor): tf.Scalar => tf.squeeze(tf.slice(applyHead(split, fixed, a), [0, classIndex], [1, 1])) as tf.Scalar;
  const score = (a: tf.Tensor): tf.Scalar => {
    const p = classProbability(a);
    return tf.sub(tf.log(tf.add(p, EPSILON)), tf.log(tf.add(tf.sub(1, p), EPSILON)));
  };
  const gradient = tf.grad(score)(features);
  const weights = tf.mean(gradient, [1, 2], true);
  const cam = tf.relu(tf.sum(tf.mul(features, weights), 3)).squeeze([0]) as tf.Tensor2D;
  return { cam, probability: classProbability(features) };
}

/** The map upsampled to the model's input, the letterbox padding dropped, scaled to 0..1. Call inside tf.tidy. */
function toImageHeat(cam: tf.Tensor2D, image: GreyImage, entry: ModelEntry): tf.Tensor2D {
  const { input } = entry;
  const place = placement(image, input);
  const full = tf.image.resizeBilinear(cam.expandDims(2) as tf.Tensor3D, [input.height, input.width], true);
  const inside = tf.slice(full, [place.top, place.left, 0], [place.height, place.width, 1]).squeeze([2]) as tf.Tensor2D;
  const peak = tf.max(inside);
  // A map with no positive evidence stays all zero rather than dividing by zero.
  return tf.div(inside, tf.maximum(peak, 1e-12)) as tf.Tensor2D;
}

/** The heatmap of one grey image for a label (by default the model's positive finding). */
export async function gradCam(modelId: string, image: GreyImage, classIndex?: number): Promise<Heatmap> {
  validateGreyImage(image);
  const { loaded } = await getModel(modelId);
  const { entry, model } = loaded;
  if (entry.task !== 'classification') throw new WorkerError('bad-input', `${entry.name} outlines structures; heatmaps are drawn for classifiers`);
  const target = classIndex ?? entry.positiveIndex;
  if (!Number.isInteger(target) || target < 0 || target >= entry.labels.length) throw new WorkerError('bad-input', `${entry.name} has no label ${String(classIndex)}`);
  const split = splitAtFeatures(model);
  const [heat, probability] = tf.tidy(() => {
    const { cam, probability: p } = classActivation(split, toModelInput(image, entry.input), target);
    return [toImageHeat(cam, image, entry), p];
  });
  try {
    const [height = 0, width = 0] = heat.shape;
    return { width, height, heat: (await heat.data()) as Float32Array, label: entry.labels[target] ?? '', probability: (await probability.data())[0] ?? Number.NaN };
  } finally {
    heat.dispose();
    probability.dispose();
  }
}
