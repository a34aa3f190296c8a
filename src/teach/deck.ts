/**
 * A teaching deck: an ordered list of cases built from loaded studies, saved in IndexedDB and
 * exported as one zip (the DICOM files, this description as deck.json and, optionally, a
 * fine-tuned model) that works on another machine, offline. Plain data, no DOM.
 */

export const DECK_FORMAT = 'hilum-deck';
export const DECK_VERSION = 1;

/** Which results the presenter may reveal for a case, in this order. */
export type RevealStep = 'diagnosis' | 'probability' | 'heatmap' | 'outline';

export interface DeckCase {
  id: string;
  title: string;
  /** For the presenter's eyes only (the notes window). */
  notes: string;
  /** The true diagnosis, revealed to the room. */
  diagnosis: string;
  /** Answers the room can give; the tally counts votes for each. */
  choices: string[];
  /** Files of the case by their path inside the deck zip (`files/...`). */
  files: string[];
  /** The frame to open on (0-based position in the case's series) and an optional window preset. */
  frame: number;
  /** A key of WINDOW_PRESETS (render/window.ts), e.g. 'lung'. */
  preset?: string;
  /** Models to show: a classifier id and/or a segmenter id, shipped or the deck's own. */
  models: { classifier?: string; segmenter?: string };
  reveal: RevealStep[];
}

export interface Deck {
  format: typeof DECK_FORMAT;
  version: typeof DECK_VERSION;
  id: string;
  title: string;
  createdAt: string;
  cases: DeckCase[];
  /** A fine-tuned model carried in the zip under `model/`, when the teacher included one. */
  model?: { id: string; name: string };
}

/** The room's answers to one case: votes per choice, as the teacher tallies them. */
export interface QuizTally {
  caseId: string;
  votes: Record<string, number>;
  /** What the model said, once revealed: its top label and probability. */
  model?: { label: string; probability: number };
}
