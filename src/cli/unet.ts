/**
 * The U-Net both segmenters share: two 3x3 conv-BN-ReLU per level, max-pool down, 2x2/2
 * transposed convolution up (a single matMul on WASM with our input-gradient kernel), skip
 * connections by concatenation, one sigmoid channel out.
 *
 * `workSize` below `inputSize` averages the input down first and upsamples the logits back, so
 * the lung model takes 256x256 films but trains at the cost of a 128x128 network: lung borders
 * are smooth, and the 2-core training budget cannot afford a full-resolution first level.
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
