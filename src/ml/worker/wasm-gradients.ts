/**
 * Gradient kernels the WASM backend lacks (tfjs 4.22), built from kernels it has, so that
 * convolutions train on WASM in Node and in browsers without WebGPU.
 *
 * - Conv2DBackpropFilter is missing altogether. The filter gradient is itself a convolution:
 *   the padded input with batch and channels swapped, convolved with dy as the filter,
 *   dilated by the forward stride.
 * - WASM's own Conv2DBackpropInput is a plain loop, 8-12x slower than Conv2D; the input
 *   gradient is a convolution of the zero-dilated dy with the flipped, channel-swapped filter.
 * - Batch norm's gradient is replaced too (batchnorm-gradient.ts): tfjs's own spends most of its
 *   time in WASM's slow Tile.
 */
import * as tf from './tf.ts';
import { registerBatchNormGradient } from './batchnorm-gradient.ts';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function pair(value: [number, number] | number): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

function padInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs): { top: number; bottom: number; left: number; right: number } {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, 1, attrs.pad, attrs.dimRoundingMode,
  );
  return info.padInfo;
}

/** dW[kh, kw, cin, cout] for x[n, h, w, cin] and dy[n, oh, ow, cout]. */
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], attrs: ConvAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filterShape;
    const [sh, sw] = pair(attrs.strides);
    const p = padInfo(x.shape, filterShape, attrs);
    const padded = tf.pad(x, [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]]);
    const xT = tf.transpose(padded, [3, 1, 2, 0]);
    const dyT = tf.transpose(dy, [1, 2, 0, 3]);
    const full = tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', [sh, sw]);
    return tf.transpose(tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]), [1, 2, 0, 3]);
  });
}

/** dx[n, h, w, cin] for dy[n, oh, ow, cout] and the filter W[kh, kw, cin, cout]. */
export function conv2dInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: [number, number, number, number], attrs: ConvAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = inputShape;
    const [kh, kw] = filter.shape;
    const [sh, sw] = pair(attrs.strides);
    const [, oh, ow, cout] = dy.shape;
    let dilated: tf.Tensor4D = dy;
    if (sh > 1 || sw > 1) {
      // Interleave stride-1 zeros between the rows and columns of dy.
      const spread = tf.pad(tf.reshape(dy, [n, oh, 1, ow, 1, cout]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
      dilated = tf.slice(tf.reshape(spread, [n, oh * sh, ow * sw, cout]), [0, 0, 0, 0], [-1, (oh - 1) * sh + 1, (ow - 1) * sw + 1, -1]) as tf.Tensor4D;
    }
    const p = padInfo(inputShape, filter.shape, attrs);
    const top = kh - 1 - p.top;
    const left = kw - 1 - p.left;
    const bottom = h + kh - 1 - dilated.shape[1] - top;
    const right = w + kw - 1 - dilated.shape[2] - left;
    const padded = tf.pad(dilated, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]);
    const cropped = tf.slice(padded, [0, Math.max(0, -top), Math.max(0, -left), 0], [-1, padded.shape[1] - Math.max(0, -top) - Math.max(0, -bottom), padded.shape[2] - Math.max(0, -left) - Math.max(0, -right), -1]);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    return tf.conv2d(cropped, flipped, 1, 'valid');
  });
}

type Shape4 = [number, number, number, number];
type Kernel = (inputs: Record<string, tf.Tensor4D>, attrs: ConvAttrs & { filterShape: Shape4; inputShape: Shape4 }) => tf.Tensor4D;

const KERNELS: Record<string, Kernel> = {
  Conv2DBackpropFilter: (i, a) => conv2dFilterGradient(i.x as tf.Tensor4D, i.dy as tf.Tensor4D, a.filterShape, a),
  Conv2DBackpropInput: (i, a) => conv2dInputGradient(i.dy as tf.Tensor4D, i.filter as tf.Tensor4D, a.inputShape, a),
};

/** Register both kernels for 'wasm', replacing any existing ones (a later tfjs may ship its own). */
export function registerWasmGradients(): void {
  registerBatchNormGradient();
  for (const [kernelName, kernel] of Object.entries(KERNELS)) {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => kernel(inputs as Record<string, tf.Tensor4D>, attrs as unknown as Parameters<Kernel>[1]),
    });
  }
}
