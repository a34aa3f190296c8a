/** Dice and volume overlap, checked on masks whose answer can be counted by hand. */
import { describe, expect, it } from 'vitest';
import { addOverlap, dice, diceOf, median, overlapCounts } from '../../src/ml/overlap.ts';

describe('mask overlap', () => {
  it('computes Dice from counted pixels', () => {
    // predicted 4 pixels, truth 2 pixels, 2 shared: 2*2/(4+2)
    expect(dice([1, 1, 1, 1, 0, 0], [0, 1, 1, 0, 0, 0])).toBeCloseTo(4 / 6, 12);
    expect(dice([0, 0, 0], [0, 0, 0])).toBe(1);
    expect(dice([1, 0, 0], [0, 0, 1])).toBe(0);
  });

  it('sums slices into a volume before dividing, as per-patient Dice requires', () => {
    const slices = [overlapCounts([1, 1], [1, 0]), overlapCounts([0, 0], [1, 1])];
    const volume = slices.reduce(addOverlap);
    expect(volume).toEqual({ intersection: 1, predicted: 2, truth: 3 });
    expect(diceOf(volume)).toBeCloseTo(2 / 5, 12);
    // The mean of per-slice Dice would be (2/3 + 0) / 2: a different number.
    expect(diceOf(volume)).not.toBeCloseTo((diceOf(slices[0] ?? volume) + diceOf(slices[1] ?? volume)) / 2, 3);
  });

  it('refuses masks of different sizes instead of reading past one', () => {
    expect(() => overlapCounts([1, 1], [1, 1, 1])).toThrow(/2 and 3 pixels/);
  });

  it('takes medians of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
