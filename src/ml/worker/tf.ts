/**
 * The parts of TensorFlow.js the worker uses, as one namespace (`import * as tf from './tf.ts'`).
 * The all-in-one '@tensorflow/tfjs' bundle also carries the converter, tf.data and the CPU and
 * WebGL backends: about 2 MB the worker parsed and compiled before its first verdict, on a
 * drop the moment the page opens. The WebGPU, WebGL and CPU backends are imported in
 * backends.ts only when the chooser gets to them.
 */
// The tensor methods (x.reshape(), x.div()...) that '@tensorflow/tfjs' adds are registered in
// the worker's entry (index.ts), not here: this module also runs in Node (the CLI), where that
// ES-module path does not resolve and '@tensorflow/tfjs' has already registered them.

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
