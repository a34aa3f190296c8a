/**
 * The parts of TensorFlow.js the worker uses, as one namespace (`import * as tf from './tf.ts'`).
 * The all-in-one '@tensorflow/tfjs' bundle also carries the converter, tf.data and the CPU and
 * WebGL backends: about 2 MB the worker parsed and compiled before its first verdict, on a
 * drop the moment the page opens. The WebGPU, WebGL and CPU backends are imported in
 * backends.ts only when the chooser gets to them.
 */
// Tensor methods (x.reshape(), x.div()...) that '@tensorflow/tfjs' adds and tfjs-core alone does not.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
