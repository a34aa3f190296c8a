/**
 * Stochastic weight averaging: the uniform mean of a model's weights, one sample after every
 * training step. The mean of the weights along the end of a run sits in a wider, flatter part of
 * the loss surface than any one step's weights, which tends to hold up better on films collected
 * apart from the training ones (Izmailov et al. 2018; Cha et al. 2021 for domain shift).
 * The network has no batch norm, so the mean needs no recalibration pass.
 */
import * as tf from '@tensorflow/tfjs';

export class WeightAverage {
  private mean: tf.Variable[] = [];
  private count = 0;

  /** Add the model's current weights to the mean. */
  add(model: tf.LayersModel): void {
    const weights = model.getWeights();
    this.count += 1;
    if (this.mean.length === 0) {
      this.mean = weights.map((w) => tf.variable(w, false));
      return;
    }
    const k = this.count;
    tf.tidy(() => this.mean.forEach((m, i) => {
      const w = weights[i];
      if (w) m.assign(m.add(w.sub(m).div(k)));
    }));
  }

  get samples(): number {
    return this.count;
  }

  /** Run `score` with the mean in the model's place, then put the model's own weights back. */
  withMean<T>(model: tf.LayersModel, score: () => T): T {
    const own = model.getWeights().map((w) => w.clone());
    this.copyTo(model);
    try {
      return score();
    } finally {
      model.setWeights(own);
      tf.dispose(own);
    }
  }

  /** Put the mean in the model's place for good. */
  copyTo(model: tf.LayersModel): void {
    model.setWeights(this.mean);
  }

  dispose(): void {
    tf.dispose(this.mean);
    this.mean = [];
    this.count = 0;
  }
}
