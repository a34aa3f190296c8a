/**
 * The edits a teacher makes to a deck, as pure functions from a deck and its files to the next
 * ones: the Decks panel saves each result, and nothing here touches storage or the DOM.
 */
import { DECK_FORMAT, DECK_VERSION, REVEAL_STEPS, type Deck, type DeckCase, type RevealStep } from './deck.ts';
import { safeFileName } from './deck-validate.ts';

export type DeckFiles = ReadonlyMap<string, Blob>;

/** A case as the form edits it: choices as one line of text, no model as ''. */
export interface CaseDraft {
  title: string;
  notes: string;
  diagnosis: string;
  choices: string;
  classifier: string;
  segmenter: string;
  preset: string;
  frame: number;
  reveal: RevealStep[];
}

export function emptyDeck(id: string, title: string): Deck {
  return { format: DECK_FORMAT, version: DECK_VERSION, id, title: title.trim() || 'Untitled deck', createdAt: new Date().toISOString(), cases: [] };
}

export function toDraft(c: DeckCase): CaseDraft {
  return { title: c.title, notes: c.notes, diagnosis: c.diagnosis, choices: c.choices.join(', '), classifier: c.models.classifier ?? '', segmenter: c.models.segmenter ?? '', preset: c.preset ?? '', frame: c.frame, reveal: [...c.reveal] };
}

/** The reveal steps a case can have with these models, in presenting order. */
export function possibleSteps(models: DeckCase['models']): RevealStep[] {
  return REVEAL_STEPS.filter((s) => s === 'diagnosis' || (s === 'outline' ? models.segmenter !== undefined : models.classifier !== undefined));
}

export function fromDraft(base: DeckCase, d: CaseDraft): DeckCase {
  const models: DeckCase['models'] = {};
  if (d.classifier) models.classifier = d.classifier;
  if (d.segmenter) models.segmenter = d.segmenter;
  const choices = [...new Set(d.choices.split(',').map((c) => c.trim()).filter((c) => c !== ''))];
  const next: DeckCase = { ...base, title: d.title.trim() || base.title, notes: d.notes, diagnosis: d.diagnosis.trim(), choices, models, frame: Math.max(0, Math.round(d.frame)), reveal: possibleSteps(models).filter((s) => d.reveal.includes(s)) };
  if (d.preset) next.preset = d.preset;
  else delete next.preset;
  return next;
}

export interface NewCase {
  id: string;
  title: string;
  choices: string[];
  models: DeckCase['models'];
  frame: number;
  /** The dropped files of the series, by their dropped paths. */
  picked: readonly { path: string; file: Blob }[];
}

/** A case at the end of the deck; its files stored as `files/<case>/<safe name>`. */
export function addCase(deck: Deck, files: DeckFiles, c: NewCase): { deck: Deck; files: DeckFiles } {
  const taken = new Set<string>();
  const next = new Map(files);
  for (const p of c.picked) {
    const name = safeFileName(p.path, taken);
    taken.add(name);
    next.set(`files/${c.id}/${name}`, p.file);
  }
  const item: DeckCase = { id: c.id, title: c.title, notes: '', diagnosis: '', choices: c.choices, files: [...taken].map((n) => `files/${c.id}/${n}`), frame: c.frame, models: c.models, reveal: possibleSteps(c.models) };
  return { deck: { ...deck, cases: [...deck.cases, item] }, files: next };
}

export function moveCase(deck: Deck, id: string, delta: -1 | 1): Deck {
  const from = deck.cases.findIndex((c) => c.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= deck.cases.length) return deck;
  const cases = [...deck.cases];
  const [item] = cases.splice(from, 1);
  if (item) cases.splice(to, 0, item);
  return { ...deck, cases };
}

export function removeCase(deck: Deck, files: DeckFiles, id: string): { deck: Deck; files: DeckFiles } {
  const prefix = `files/${id}/`;
  return { deck: { ...deck, cases: deck.cases.filter((c) => c.id !== id) }, files: new Map([...files].filter(([path]) => !path.startsWith(prefix))) };
}

export function updateCase(deck: Deck, id: string, draft: CaseDraft): Deck {
  return { ...deck, cases: deck.cases.map((c) => (c.id === id ? fromDraft(c, draft) : c)) };
}

export function withModel(deck: Deck, model: { id: string; name: string } | undefined): Deck {
  const next: Deck = { ...deck };
  if (model) next.model = model;
  else delete next.model;
  return next;
}
