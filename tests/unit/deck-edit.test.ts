import { describe, expect, it } from 'vitest';
import { addCase, emptyDeck, fromDraft, moveCase, removeCase, toDraft } from '../../src/teach/deck-edit.ts';
import { checkDeck } from '../../src/teach/deck-validate.ts';

const blob = (text: string): Blob => new Blob([text]);

function twoCases(): ReturnType<typeof addCase> {
  const first = addCase(emptyDeck('d1', ' Year 3 '), new Map(), { id: 'a', title: 'Chest', choices: ['normal', 'pneumonia'], models: { classifier: 'pneumonia-cxr' }, frame: 0, picked: [{ path: 'study/IM 1.dcm', file: blob('1') }] });
  return addCase(first.deck, first.files, { id: 'b', title: 'Brain', choices: [], models: { segmenter: 'brain-flair' }, frame: 3, picked: [{ path: 'mr/1.dcm', file: blob('2') }, { path: 'other/1.dcm', file: blob('3') }] });
}

describe('deck edits', () => {
  it('adds cases whose files are stored under their case, with safe unique names, and checks as a valid deck', () => {
    const { deck, files } = twoCases();
    expect(deck.title).toBe('Year 3');
    expect(deck.cases.map((c) => c.files)).toEqual([['files/a/IM_1.dcm'], ['files/b/1.dcm', 'files/b/2-1.dcm']]);
    expect(deck.cases.map((c) => c.reveal)).toEqual([['diagnosis', 'probability', 'heatmap'], ['diagnosis', 'outline']]);
    expect(checkDeck(deck, new Set(files.keys())).ok).toBe(true);
  });

  it('moves a case up and down, and not past either end', () => {
    const { deck } = twoCases();
    expect(moveCase(deck, 'b', -1).cases.map((c) => c.id)).toEqual(['b', 'a']);
    expect(moveCase(deck, 'b', 1).cases.map((c) => c.id)).toEqual(['a', 'b']);
    expect(moveCase(deck, 'a', -1)).toBe(deck);
  });

  it('deletes a case with its files and nothing else', () => {
    const { deck, files } = twoCases();
    const next = removeCase(deck, files, 'b');
    expect(next.deck.cases.map((c) => c.id)).toEqual(['a']);
    expect([...next.files.keys()]).toEqual(['files/a/IM_1.dcm']);
  });

  it('keeps only the reveal steps its models allow, and reads the choices line', () => {
    const { deck } = twoCases();
    const chest = deck.cases[0];
    if (!chest) throw new Error('no case');
    const draft = { ...toDraft(chest), classifier: '', segmenter: 'lungs-cxr', choices: ' TB, normal,,TB ', reveal: ['diagnosis', 'heatmap', 'outline'] as const, preset: 'lung', frame: 2.4 };
    const next = fromDraft(chest, { ...draft, reveal: [...draft.reveal] });
    expect(next).toMatchObject({ models: { segmenter: 'lungs-cxr' }, choices: ['TB', 'normal'], reveal: ['diagnosis', 'outline'], preset: 'lung', frame: 2 });
    expect(fromDraft(next, { ...toDraft(next), preset: '' }).preset).toBeUndefined();
  });
});
