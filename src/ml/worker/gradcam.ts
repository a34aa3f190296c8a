/**
 * Grad-CAM (Selvaraju et al. 2017) for a classifier with a named feature layer: the feature
 * maps weighted by the spatial mean of the class score's gradient, rectified, normalised to
 * 0..1 and cropped back from the letterbox to the image's own aspect. The gradient is taken,
 * not read off the last layer's weights, so a fine-tuned head of any depth works too.
 */
import * as tf from '@tensorflow/tfjs';
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
  backbone: tf.LayersModel;
  /** The layers after the feature layer, applied in order: the classifier's head. */
  head: Layer[];
}

const splits = new WeakMap<tf.LayersModel, Split>();

/** The model cut at its feature layer; a head that branches is refused rather than misread. */
export function splitAtFeatures(model: tf.LayersModel): Split {
  const cached = splits.get(model);
  if (cached) return cached;
  const features = model.layers.findIndex((l) => l.name === FEATURE_LAYER);
  if (features < 0) throw new WorkerError('bad-input', `${model.name} has no layer named "${FEATURE_LAYER}", so no heatmap can be drawn`);
  const head = model.layers.slice(features + 1);
  const chained = head.every((layer, i) => layer.inboundNodes.length === 1 && layer.inboundNodes[0]?.inboundLayers[0] === model.layers[features + i]);
  if (!chained) throw new WorkerError('bad-input', `${model.name}'s head after "${FEATURE_LAYER}" is not a simple chain of layers`);
  const backbone = tf.model({ inputs: model.inputs, outputs: model.getLayer(FEATURE_LAYER).output as tf.SymbolicTensor });
  const split = { backbone, head };
  splits.set(model, split);
  return split;
}

/**
 * The class-activation map at the feature grid, [h, w], unnormalised, and the class
 * probability. The score differentiated is the class log-odds: the softmax output itself
 * saturates, and its gradient vanishes for a confident prediction. Call inside tf.tidy.
 */
export function classActivation(split: Split, x: tf.Tensor4D, classIndex: number): { cam: tf.Tensor2D; probability: tf.Scalar } {
  const features = split.backbone.predict(x) as tf.Tensor4D;
  const applyHead = (a: tf.Tensor): tf.Tensor2D => split.head.reduce((t, layer) => layer.apply(t, { training: false }) as tf.Tensor, a) as tf.Tensor2D;
  const score = (a: tf.Tensor): tf.Scalar => {
    const p = tf.squeeze(tf.slice(applyHead(a), [0, classIndex], [1, 1])) as tf.Scalar;
    return tf.sub(tf.log(tf.add(p, EPSILON)), tf.log(tf.add(tf.sub(1, p), EPSILON)));
  };
  const gradient = tf.grad(score)(features);
  const weights = tf.mean(gradient, [1, 2], true);
  const cam = tf.relu(tf.sum(tf.mul(features, weights), 3)).squeeze([0]) as tf.Tensor2D;
  const probability = tf.squeeze(tf.slice(applyHead(features), [0, classIndex], [1, 1])) as tf.Scalar;
  return { cam, probability };
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
