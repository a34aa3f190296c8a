import { describe, expect, it } from 'vitest';
import type { DeckCase, QuizTally } from '../../src/teach/deck.ts';
import { majority, modelVerdict, quizSummary, sameAnswer, vote } from '../../src/teach/quiz-summary.ts';

function deckCase(id: string, diagnosis: string): DeckCase {
  return { id, title: `Case ${id}`, notes: '', diagnosis, choices: ['Normal', 'Pneumonia'], files: [], frame: 0, models: {}, reveal: ['diagnosis', 'probability'] };
}

describe('quiz tally and summary', () => {
  it('counts votes up and down, never below zero, without changing the tally it was given', () => {
    const empty: QuizTally = { caseId: 'a', votes: {} };
    const two = vote(vote(empty, 'Normal', 1), 'Normal', 1);
    expect(two.votes).toEqual({ Normal: 2 });
    expect(empty.votes).toEqual({});
    expect(vote(vote(vote(two, 'Normal', -1), 'Normal', -1), 'Normal', -1).votes).toEqual({ Normal: 0 });
  });

  it('takes the majority, none on a tie or without votes, and matches answers regardless of case', () => {
    expect(majority({ Normal: 3, Pneumonia: 5 })).toBe('Pneumonia');
    expect(majority({ Normal: 4, Pneumonia: 4 })).toBeUndefined();
    expect(majority({ Normal: 0 })).toBeUndefined();
    expect(sameAnswer(' pneumonia ', 'Pneumonia')).toBe(true);
    expect(sameAnswer('TB', 'Normal')).toBe(false);
    expect(sameAnswer('Normal', 'Normal chest')).toBe(true);
    expect(sameAnswer('pneumonia', 'Pneumonia, right lower lobe')).toBe(true);
    expect(sameAnswer('pneumonia', 'No pneumonia')).toBe(false);
    expect(sameAnswer('Norm', 'Normal')).toBe(false);
    expect(sameAnswer('', 'Normal')).toBe(false);
  });

  it("reads the model's verdict at its operating point, or its top label without one", () => {
    const scores = [{ label: 'normal', probability: 0.7 }, { label: 'pneumonia', probability: 0.3 }];
    expect(modelVerdict(scores, 1, 0.25)).toEqual({ label: 'pneumonia', probability: 0.3 });
    expect(modelVerdict(scores, 1, 0.5)).toEqual({ label: 'normal', probability: 0.7 });
    expect(modelVerdict(scores, 1)).toEqual({ label: 'normal', probability: 0.7 });
    expect(modelVerdict([], 0)).toBeUndefined();
  });

  it('says per case who was right and totals it, leaving out cases without votes or model', () => {
    const cases = [deckCase('a', 'Pneumonia'), deckCase('b', 'Normal'), deckCase('c', 'Pneumonia'), deckCase('d', 'Normal')];
    const tallies: QuizTally[] = [
      { caseId: 'a', votes: { Normal: 2, Pneumonia: 7 }, model: { label: 'pneumonia', probability: 0.91 } },
      { caseId: 'b', votes: { Normal: 1, Pneumonia: 6 }, model: { label: 'pneumonia', probability: 0.62 } },
      { caseId: 'c', votes: { Normal: 3, Pneumonia: 3 }, model: { label: 'normal', probability: 0.8 } },
    ];
    const { rows, totals } = quizSummary(cases, tallies);
    expect(rows.map((r) => [r.caseId, r.room, r.roomRight, r.model?.label, r.modelRight, r.votes, r.tie])).toEqual([
      ['a', 'Pneumonia', true, 'pneumonia', true, 9, false],
      ['b', 'Pneumonia', false, 'pneumonia', false, 7, false],
      ['c', undefined, false, 'normal', false, 6, true],
      ['d', undefined, undefined, undefined, undefined, 0, false],
    ]);
    expect(totals).toEqual({ cases: 4, voted: 3, roomRight: 1, modelShown: 3, modelRight: 1, bothRight: 1, bothWrong: 2 });
  });
});
