import { describe, expect, it } from 'vitest';
import { START, keyAction, keyVote, navigate, type NavAction, type NavState } from '../../src/teach/present-nav.ts';

/** Three cases: 2 reveal steps, none, 4. */
const steps = [2, 0, 4];
const run = (actions: NavAction[], from: NavState = START): NavState => actions.reduce((s, a) => navigate(s, a, steps), from);

describe('presenter navigation', () => {
  it('walks reveal steps, then the next case, then the summary, and stops there', () => {
    expect(run(['next'])).toEqual({ position: 0, step: 1, blank: false });
    expect(run(['next', 'next'])).toEqual({ position: 0, step: 2, blank: false });
    expect(run(['next', 'next', 'next'])).toEqual({ position: 1, step: 0, blank: false });
    // The case with no reveal steps goes straight on.
    expect(run(['next', 'next', 'next', 'next'])).toEqual({ position: 2, step: 0, blank: false });
    const summary = run(Array<NavAction>(20).fill('next'));
    expect(summary).toEqual({ position: 3, step: 0, blank: false });
  });

  it('walks back one beat, landing on the previous case fully revealed, and stops at the start', () => {
    expect(run(['nextCase', 'nextCase', 'prev'])).toEqual({ position: 1, step: 0, blank: false });
    expect(run(['nextCase', 'prev'])).toEqual({ position: 0, step: 2, blank: false });
    expect(run(['summary', 'prev'])).toEqual({ position: 2, step: 4, blank: false });
    expect(run(['prev', 'prev'])).toEqual(START);
  });

  it('reveals only within the case, never past its last step or on the summary', () => {
    expect(run(['reveal', 'reveal', 'reveal'])).toEqual({ position: 0, step: 2, blank: false });
    expect(run(['nextCase', 'reveal'])).toEqual({ position: 1, step: 0, blank: false });
    expect(run(['summary', 'reveal'])).toEqual({ position: 3, step: 0, blank: false });
  });

  it('jumps by case, to the first and the last case (not the summary), and clamps a goto', () => {
    expect(run(['next', 'nextCase'])).toEqual({ position: 1, step: 0, blank: false });
    expect(run(['last'])).toEqual({ position: 2, step: 0, blank: false });
    expect(run(['last', 'next', 'first'])).toEqual(START);
    expect(run(['prevCase'])).toEqual(START);
    expect(run([{ goto: 99 }])).toEqual({ position: 3, step: 0, blank: false });
    expect(run([{ goto: -4 }])).toEqual(START);
  });

  it('blanks and restores with B, keeps the place, and any move restores the screen', () => {
    const blank = run(['next', 'blank']);
    expect(blank).toEqual({ position: 0, step: 1, blank: true });
    expect(navigate(blank, 'blank', steps)).toEqual({ position: 0, step: 1, blank: false });
    expect(navigate(blank, 'next', steps)).toEqual({ position: 0, step: 2, blank: false });
    expect(navigate({ ...START, blank: true }, 'prev', steps).blank).toBe(false);
  });

  it('maps keyboard and clicker keys, and number keys to choices the case has', () => {
    expect(['ArrowRight', 'PageDown', ' '].map(keyAction)).toEqual(['next', 'next', 'next']);
    expect(['ArrowLeft', 'PageUp'].map(keyAction)).toEqual(['prev', 'prev']);
    expect(['Home', 'End', 'b', 'B', '.', 'r', 'R', 'Escape'].map(keyAction)).toEqual(['first', 'last', 'blank', 'blank', 'blank', 'reveal', 'reveal', 'exit']);
    expect(keyAction('x')).toBeUndefined();
    expect(keyAction('toString')).toBeUndefined();
    expect([keyVote('1', 3), keyVote('3', 3), keyVote('4', 3), keyVote('0', 3), keyVote('a', 3)]).toEqual([0, 2, undefined, undefined, undefined]);
  });
});
