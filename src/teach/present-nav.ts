/**
 * Where a presentation stands, as a pure reducer: which case (or the summary after the last),
 * how many of its reveal steps the room has seen, and whether the screen is blanked. Keys and
 * clicker buttons become actions here, so the room window and the notes window move the same way.
 */

export interface NavState {
  /** 0-based case; equal to the number of cases for the summary that follows the last. */
  position: number;
  /** How many of the case's reveal steps are shown: 0 is the quiz (the image only). */
  step: number;
  blank: boolean;
}

export type NavAction =
  | 'next' | 'prev' | 'reveal' | 'nextCase' | 'prevCase' | 'first' | 'last' | 'summary' | 'blank'
  | { goto: number };

/** The deck as the reducer needs it: the number of reveal steps of each case, in order. */
export type StepCounts = readonly number[];

export const START: NavState = { position: 0, step: 0, blank: false };

const stepsAt = (steps: StepCounts, position: number): number => steps[position] ?? 0;

function at(steps: StepCounts, position: number, step = 0): NavState {
  const p = Math.max(0, Math.min(steps.length, position));
  return { position: p, step: Math.max(0, Math.min(stepsAt(steps, p), step)), blank: false };
}

/**
 * "Next" walks the lecture one beat at a time, as slide builds do with a clicker: the next
 * reveal step while the case has one, then the next case; "prev" walks back, landing on the
 * previous case fully revealed. Any move restores a blanked screen, so the room never misses it.
 */
export function navigate(state: NavState, action: NavAction, steps: StepCounts): NavState {
  const total = steps.length;
  if (typeof action === 'object') return at(steps, action.goto);
  switch (action) {
    case 'blank':
      return { ...state, blank: !state.blank };
    case 'next':
      if (state.position < total && state.step < stepsAt(steps, state.position)) return { ...state, step: state.step + 1, blank: false };
      return at(steps, state.position + 1);
    case 'prev':
      if (state.step > 0) return { ...state, step: state.step - 1, blank: false };
      if (state.position === 0) return { ...state, blank: false };
      return at(steps, state.position - 1, stepsAt(steps, state.position - 1));
    case 'reveal':
      if (state.position >= total) return { ...state, blank: false };
      return { ...state, step: Math.min(stepsAt(steps, state.position), state.step + 1), blank: false };
    case 'nextCase':
      return at(steps, state.position + 1);
    case 'prevCase':
      return at(steps, state.position - 1);
    case 'first':
      return at(steps, 0);
    case 'last':
      // The last case, not the summary: the summary gives every answer away.
      return at(steps, Math.max(0, total - 1));
    case 'summary':
      return at(steps, total);
  }
}

/** Presentation clickers send PageDown/PageUp (some "." or "b" for black); keyboards the rest. */
const KEYS: Readonly<Record<string, NavAction | 'exit'>> = {
  ArrowRight: 'next', PageDown: 'next', ' ': 'next',
  ArrowLeft: 'prev', PageUp: 'prev',
  Home: 'first', End: 'last',
  b: 'blank', B: 'blank', '.': 'blank',
  r: 'reveal', R: 'reveal',
  Escape: 'exit',
};

export function keyAction(key: string): NavAction | 'exit' | undefined {
  return Object.hasOwn(KEYS, key) ? KEYS[key] : undefined;
}

/** Number keys 1-9 add a vote for that choice (0-based index), when the case has it. */
export function keyVote(key: string, choices: number): number | undefined {
  if (!/^[1-9]$/.test(key)) return undefined;
  const index = Number(key) - 1;
  return index < choices ? index : undefined;
}
