/**
 * Training curves as SVG path strings: the page draws loss and accuracy, training and
 * validation, while the worker trains. Pure, so the geometry is tested without a DOM.
 */
import type { EpochStats } from '../ml/api-finetune.ts';

export interface ChartBox {
  width: number;
  height: number;
  /** Room kept free on every side for the stroke. */
  pad: number;
}

export interface CurvePaths {
  train: string;
  validation: string;
  /** The top of the y axis (1 for accuracy; the largest finite loss seen for loss). */
  yMax: number;
  /** The x of the kept (best) epoch, when one is given and drawn. */
  markX?: number;
}

type Metric = 'loss' | 'accuracy';

const VALUE: Record<Metric, { train: (s: EpochStats) => number; validation: (s: EpochStats) => number }> = {
  loss: { train: (s) => s.loss, validation: (s) => s.valLoss },
  accuracy: { train: (s) => s.accuracy, validation: (s) => s.valAccuracy },
};

const round = (v: number): string => (Math.round(v * 100) / 100).toString();

/**
 * One path per series; a non-finite value (a diverged loss) breaks the line rather than
 * drawing it off the chart. The x axis spans the planned epochs from the first one (1, or 0
 * when the last-block mode reports its fitted head as epoch 0), so the line grows from left to
 * right as epochs arrive instead of rescaling.
 */
export function curvePaths(history: readonly EpochStats[], metric: Metric, epochs: number, box: ChartBox, bestEpoch?: number): CurvePaths {
  const pick = VALUE[metric];
  const finite = history.flatMap((s) => [pick.train(s), pick.validation(s)]).filter(Number.isFinite);
  const yMax = metric === 'accuracy' ? 1 : Math.max(1e-6, ...finite);
  const start = Math.min(1, history[0]?.epoch ?? 1);
  const span = Math.max(1, epochs - start);
  const x = (epoch: number): number => box.pad + ((epoch - start) / span) * (box.width - 2 * box.pad);
  const y = (value: number): number => box.height - box.pad - (Math.min(value, yMax) / yMax) * (box.height - 2 * box.pad);
  const path = (value: (s: EpochStats) => number): string => {
    let out = '';
    let pen = false;
    for (const s of history) {
      const v = value(s);
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      out += `${pen ? 'L' : 'M'}${round(x(s.epoch))},${round(y(v))}`;
      pen = true;
    }
    return out;
  };
  const result: CurvePaths = { train: path(pick.train), validation: path(pick.validation), yMax };
  if (bestEpoch !== undefined && history.some((s) => s.epoch === bestEpoch)) result.markX = x(bestEpoch);
  return result;
}
