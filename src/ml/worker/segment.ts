/** Segmentation inference shared by the worker and the Node evaluation: one grey image in, a foreground probability map out. */
import * as tf from '@tensorflow/tfjs';
import type { GreyImage, ModelInput } from '../api.ts';
import { toModelInput } from './preprocess.ts';

/**
 * Foreground probability per pixel, [height, width] of `size` (the image's own size unless
 * told otherwise, e.g. a reference mask stored at another resolution). Call inside tf.tidy.
 */
export function segmentationProbabilities(model: tf.LayersModel, image: GreyImage, input: ModelInput, size: { width: number; height: number } = image): tf.Tensor2D {
  const p = model.predict(toModelInput(image, input)) as tf.Tensor4D;
  const fitted = p.shape[1] === size.height && p.shape[2] === size.width ? p : tf.image.resizeBilinear(p, [size.height, size.width], true);
  return tf.reshape(fitted, [size.height, size.width]);
}
