/** The segmentation loss shared by training (src/cli) and fine-tuning in the worker. */
import * as tf from './tf.ts';

/**
 * Binary cross-entropy plus (1 - soft Dice). 'image' averages Dice over the images of a batch:
 * right when every image holds the structure (lungs). 'batch' pools the batch into one Dice:
 * with tumour absent from many slices, per-image Dice would reward empty masks on each of them
 * and pull the whole network towards predicting nothing.
 */
export function segmentationLoss(truth: tf.Tensor4D, predicted: tf.Tensor4D, dice: 'image' | 'batch' = 'image'): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(predicted, 1e-6, 1 - 1e-6);
    const bce = tf.neg(tf.mean(tf.add(tf.mul(truth, tf.log(p)), tf.mul(tf.sub(1, truth), tf.log(tf.sub(1, p))))));
    const axes = dice === 'image' ? [1, 2, 3] : [0, 1, 2, 3];
    const overlap = tf.sum(tf.mul(truth, p), axes);
    const total = tf.add(tf.sum(truth, axes), tf.sum(p, axes));
    const score = tf.div(tf.add(tf.mul(overlap, 2), 1), tf.add(total, 1));
    return tf.add(bce, tf.sub(1, tf.mean(score))) as tf.Scalar;
  });
}
