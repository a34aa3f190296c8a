import { describe, expect, it } from 'vitest';
import type { EpochStats } from '../../src/ml/api-finetune.ts';
import { curvePaths } from '../../src/teach/curves.ts';

const stats = (epoch: number, loss: number, valLoss: number, accuracy = 0.5, valAccuracy = 0.5): EpochStats => ({ epoch, loss, valLoss, accuracy, valAccuracy, ms: 3 });
const box = { width: 210, height: 110, pad: 5 };

describe('training curves as SVG paths', () => {
  it('maps epochs across the planned width and loss onto the height, largest loss at the top', () => {
    const paths = curvePaths([stats(1, 2, 1), stats(2, 1, 0.5), stats(3, 0.5, 0.25)], 'loss', 3, box);
    expect(paths.yMax).toBe(2);
    expect(paths.train).toBe('M5,5L105,55L205,80');
    expect(paths.validation).toBe('M5,55L105,80L205,92.5');
  });

  it('draws accuracy on a 0..1 axis and marks the kept epoch', () => {
    const paths = curvePaths([stats(1, 1, 1, 0, 0.5), stats(2, 1, 1, 1, 0.75)], 'accuracy', 11, box, 2);
    expect(paths.yMax).toBe(1);
    expect(paths.train).toBe('M5,105L25,5');
    expect(paths.validation).toBe('M5,55L25,30');
    expect(paths.markX).toBe(25);
  });

  it('starts the axis at epoch 0 when the last-block mode reports its fitted head first', () => {
    const paths = curvePaths([stats(0, 1, 1), stats(1, 0.5, 0.5)], 'loss', 2, box, 0);
    expect(paths.train).toBe('M5,5L105,55');
    expect(paths.markX).toBe(5);
  });

  it('breaks the line at a non-finite loss instead of drawing it off the chart', () => {
    const paths = curvePaths([stats(1, 1, 1), stats(2, Number.NaN, 1), stats(3, 1, 1)], 'loss', 3, box);
    expect(paths.train).toBe('M5,5M205,5');
    expect(curvePaths([], 'loss', 10, box).train).toBe('');
  });
});
