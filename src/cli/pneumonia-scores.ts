/** The classifier's p(pneumonia) over a stack of films, for training, publishing and the framing probe alike. */
import * as tf from '@tensorflow/tfjs';
import { unitRangeBatch, type GreyStack } from './kermany.ts';

/** p(pneumonia) for every image of a stack, each batch changed first by `change` if given. */
export function scoresOf(model: tf.LayersModel, stack: GreyStack, change: (x: tf.Tensor4D) => tf.Tensor4D = (x) => x): Float32Array {
  const out = new Float32Array(stack.count);
  for (let start = 0; start < stack.count; start += 64) {
    const idx = Array.from({ length: Math.min(64, stack.count - start) }, (_, i) => start + i);
    const p = tf.tidy(() => (model.predict(change(tf.tensor4d(unitRangeBatch(stack, idx), [idx.length, stack.size, stack.size, 1]))) as tf.Tensor).slice([0, 1], [-1, 1]));
    out.set(p.dataSync(), start);
    p.dispose();
  }
  return out;
}
