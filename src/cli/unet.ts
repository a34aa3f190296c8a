/**
 * The U-Net both segmenters share: two 3x3 conv-BN-ReLU per level, max-pool down, 2x2/2
 * transposed convolution up (a single matMul on WASM with our input-gradient kernel), skip
 * connections by concatenation, one sigmoid channel out.
 *
 * `workSize` below `inputSize` averages the input down first and upsamples the logits back, so
 * the lung model takes 256x256 films but trains at the cost of a 128x128 network: lung borders
 * are smooth, and the 2-core training budget cannot afford a full-resolution first level.
 *
 * Batch normalisation is for training only: at publish each batch-norm layer is folded into the
 * convolution before it (foldBatchNorm), so the app runs one fused conv + bias + ReLU per
 * convolution, as for a U-Net trained without it.
 */
import * as tf from '@tensorflow/tfjs';

export interface UnetSpec {
  id: string;
  inputSize: number;
  workSize: number;
  widths: readonly number[];
  seed: number;
  /**
   * Batch normalisation after each conv. It makes a step on WASM about twice as long, and the
   * brain U-Net without it spent its first 13 of 30 epochs on a plateau.
   */
  batchNorm?: boolean;
}

/** The batch-norm layer after a conv layer, by the names convBlock gives them. */
function batchNormAfter(model: tf.LayersModel, convName: string): tf.layers.Layer | undefined {
  const match = /^(.+)_conv(\d)$/.exec(convName);
  return match ? model.layers.find((l) => l.name === `${match[1] ?? ''}_bn${match[2] ?? ''}`) : undefined;
}

function weightsByName(layer: tf.layers.Layer): Map<string, tf.Tensor> {
  const values = layer.getWeights();
  return new Map(layer.weights.map((w, i) => [w.originalName.split('/').pop() ?? '', values[i] as tf.Tensor]));
}

/**
 * The same U-Net without batch-norm layers, computing what `trained` computes at inference:
 * BN(conv(x, W)) = conv(x, W * g) + (beta - mean * g), with g = gamma / sqrt(variance + epsilon)
 * per output channel.
 */
export function foldBatchNorm(trained: tf.LayersModel, spec: UnetSpec): tf.LayersModel {
  const folded = buildUnet({ ...spec, batchNorm: false });
  for (const layer of folded.layers) {
    if (layer.weights.length === 0) continue;
    const source = trained.getLayer(layer.name);
    const bn = batchNormAfter(trained, layer.name);
    if (!bn) {
      layer.setWeights(source.getWeights());
      continue;
    }
    const epsilon = Number(bn.getConfig().epsilon);
    const stats = weightsByName(bn);
    const [kernel] = source.getWeights();
    const need = (name: string): tf.Tensor => {
      const value = stats.get(name);
      if (!value) throw new Error(`${bn.name} has no ${name}`);
      return value;
    };
    tf.tidy(() => {
      const gain = tf.mul(need('gamma'), tf.rsqrt(tf.add(need('moving_variance'), epsilon)));
      layer.setWeights([tf.mul(kernel as tf.Tensor, gain), tf.sub(need('beta'), tf.mul(need('moving_mean'), gain))]);
    });
  }
  return folded;
}

type Sym = tf.SymbolicTensor;
type Init = ReturnType<typeof tf.initializers.heNormal>;

function convBlock(x: Sym, filters: number, name: string, init: () => Init, batchNorm: boolean): Sym {
  let y = x;
  for (const part of [1, 2]) {
    y = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: !batchNorm, kernelInitializer: init(), name: `${name}_conv${part}` }).apply(y) as Sym;
    if (batchNorm) y = tf.layers.batchNormalization({ name: `${name}_bn${part}` }).apply(y) as Sym;
    y = tf.layers.reLU({ name: `${name}_relu${part}` }).apply(y) as Sym;
  }
  return y;
}

export function buildUnet(spec: UnetSpec): tf.LayersModel {
  let seed = spec.seed;
  const init = (): Init => tf.initializers.heNormal({ seed: seed++ });
  const input = tf.input({ shape: [spec.inputSize, spec.inputSize, 1], name: 'image' });
  const factor = spec.inputSize / spec.workSize;
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`inputSize ${spec.inputSize} must be a multiple of workSize ${spec.workSize}`);
  let x: Sym = factor > 1 ? tf.layers.averagePooling2d({ poolSize: factor, name: 'downsample' }).apply(input) as Sym : input;
  const skips: Sym[] = [];
  const deepest = spec.widths.length - 1;
  spec.widths.forEach((filters, level) => {
    x = convBlock(x, filters, level === deepest ? 'bottleneck' : `down${level + 1}`, init, spec.batchNorm ?? true);
    if (level < deepest) {
      skips.push(x);
      x = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${level + 1}` }).apply(x) as Sym;
    }
  });
  for (let level = deepest - 1; level >= 0; level--) {
    const filters = spec.widths[level] ?? 8;
    x = tf.layers.conv2dTranspose({ filters, kernelSize: 2, strides: 2, kernelInitializer: init(), name: `up${level + 1}_transpose` }).apply(x) as Sym;
    x = tf.layers.concatenate({ name: `up${level + 1}_skip` }).apply([x, skips[level] as Sym]) as Sym;
    x = convBlock(x, filters, `up${level + 1}`, init, spec.batchNorm ?? true);
  }
  x = tf.layers.conv2d({ filters: 1, kernelSize: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }), name: 'logits' }).apply(x) as Sym;
  if (factor > 1) x = tf.layers.upSampling2d({ size: [factor, factor], interpolation: 'bilinear', name: 'upsample' }).apply(x) as Sym;
  const output = tf.layers.activation({ activation: 'sigmoid', name: 'mask' }).apply(x) as Sym;
  return tf.model({ inputs: input, outputs: output, name: spec.id });
}
