/**
 * The quiz across a deck: the room's votes per case, the model's verdict, and the summary of
 * who was right. Pure, so the counts on the projector can be checked without a browser.
 */
import type { DeckCase, QuizTally } from './deck.ts';

/** One more (or one fewer) vote for a choice; never below zero. */
export function vote(tally: QuizTally, choice: string, delta: 1 | -1): QuizTally {
  const next = Math.max(0, (tally.votes[choice] ?? 0) + delta);
  return { ...tally, votes: { ...tally.votes, [choice]: next } };
}

/**
 * Whether an answer names the truth: whatever the case and spacing ("Pneumonia" is the model's
 * "pneumonia"), and as its first words, since a teacher writes the truth more fully than the
 * quiz's choices ("Normal" names "Normal chest"; "pneumonia" does not name "No pneumonia").
 */
export function sameAnswer(answer: string, truth: string): boolean {
  const norm = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();
  const [a, t] = [norm(answer), norm(truth)];
  if (a === '' || t === '') return false;
  const [short, long] = a.length <= t.length ? [a, t] : [t, a];
  return long === short || (long.startsWith(short) && /^[\s,;:.(-]/.test(long.slice(short.length)));
}

/** The choice with the most votes; undefined with no votes or when the top is a tie. */
export function majority(votes: Readonly<Record<string, number>>): string | undefined {
  const ranked = Object.entries(votes).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const [top, second] = ranked;
  if (!top || (second && second[1] === top[1])) return undefined;
  return top[0];
}

/**
 * The model's verdict as its card reads it: with two labels the positive one when its
 * probability reaches the operating point (as the AI panel says it), else the most probable.
 */
export function modelVerdict(scores: readonly { label: string; probability: number }[], positiveIndex: number, operatingPoint?: number): { label: string; probability: number } | undefined {
  const positive = scores[positiveIndex];
  if (scores.length === 2 && positive && operatingPoint !== undefined) {
    const other = scores[1 - positiveIndex];
    return positive.probability >= operatingPoint || !other ? { ...positive } : { ...other };
  }
  const top = [...scores].sort((a, b) => b.probability - a.probability)[0];
  return top ? { ...top } : undefined;
}

export interface SummaryRow {
  caseId: string;
  title: string;
  truth: string;
  votes: number;
  /** The room's majority answer; undefined with no votes or a tie. */
  room?: string;
  tie: boolean;
  /** undefined when the room gave no votes: not counted either way. */
  roomRight?: boolean;
  model?: { label: string; probability: number };
  modelRight?: boolean;
}

export interface SummaryTotals {
  cases: number;
  /** Cases the room voted on, and those where its majority was the truth (a tie is not). */
  voted: number;
  roomRight: number;
  /** Cases whose model result was revealed, and those where its verdict was the truth. */
  modelShown: number;
  modelRight: number;
  /** Cases where both answered and both were right, or both wrong. */
  bothRight: number;
  bothWrong: number;
}

export interface QuizSummary {
  rows: SummaryRow[];
  totals: SummaryTotals;
}

function row(c: DeckCase, tally: QuizTally | undefined): SummaryRow {
  const votes = Object.values(tally?.votes ?? {}).reduce((n, v) => n + v, 0);
  const room = majority(tally?.votes ?? {});
  const out: SummaryRow = { caseId: c.id, title: c.title, truth: c.diagnosis, votes, tie: votes > 0 && room === undefined };
  if (room !== undefined) out.room = room;
  if (votes > 0) out.roomRight = room !== undefined && sameAnswer(room, c.diagnosis);
  if (tally?.model) {
    out.model = tally.model;
    out.modelRight = sameAnswer(tally.model.label, c.diagnosis);
  }
  return out;
}

export function quizSummary(cases: readonly DeckCase[], tallies: readonly QuizTally[]): QuizSummary {
  const rows = cases.map((c) => row(c, tallies.find((t) => t.caseId === c.id)));
  const count = (test: (r: SummaryRow) => boolean): number => rows.filter(test).length;
  return {
    rows,
    totals: {
      cases: rows.length,
      voted: count((r) => r.roomRight !== undefined),
      roomRight: count((r) => r.roomRight === true),
      modelShown: count((r) => r.modelRight !== undefined),
      modelRight: count((r) => r.modelRight === true),
      bothRight: count((r) => r.roomRight === true && r.modelRight === true),
      bothWrong: count((r) => r.roomRight === false && r.modelRight === false),
    },
  };
}
