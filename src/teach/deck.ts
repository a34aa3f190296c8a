/**
 * A teaching deck: an ordered list of cases built from loaded studies, saved in IndexedDB and
 * exported as one zip (the DICOM files, this description as deck.json and, optionally, a
 * fine-tuned model) that works on another machine, offline. Plain data, no DOM.
 */

export const DECK_FORMAT = 'hilum-deck';
export const DECK_VERSION = 1;

/** Which results the presenter may reveal for a case, in this order. */
export type RevealStep = 'diagnosis' | 'probability' | 'heatmap' | 'outline';
export const REVEAL_STEPS: readonly RevealStep[] = ['diagnosis', 'probability', 'heatmap', 'outline'];

/**
 * What a deck may hold, checked when it is saved and again when a zip is imported: the same
 * caps on both sides, so whatever this browser saved can be exported and imported elsewhere.
 */
export const DECK_LIMITS = {
  cases: 200,
  filesPerCase: 2000,
  /** All the case files and the model together, uncompressed. */
  totalBytes: 1024 ** 3,
  /** One file (one DICOM, one PNG, the model's weights). */
  entryBytes: 512 * 1024 ** 2,
  /** The zip file itself. */
  zipBytes: 1024 ** 3 + 64 * 1024 ** 2,
  deckJsonBytes: 4 * 1024 ** 2,
  entries: 20_000,
  title: 200,
  notes: 20_000,
  diagnosis: 200,
  choices: 20,
  choice: 100,
  /** Entry names inside the zip. */
  path: 255,
} as const;

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
  /** Last saved in this browser (ISO time); absent in decks from before it was kept. */
  updatedAt?: string;
  /** A fine-tuned model carried in the zip under `model/`, when the teacher included one. */
  model?: { id: string; name: string };
}

/** A saved deck as the deck list shows it, without reading its files. */
export interface DeckSummary {
  id: string;
  title: string;
  cases: number;
  /** The case files' bytes as stored in this browser. */
  bytes: number;
  updatedAt: string;
  model?: { id: string; name: string };
}

/** The room's answers to one case: votes per choice, as the teacher tallies them. */
export interface QuizTally {
  caseId: string;
  votes: Record<string, number>;
  /** What the model said, once revealed: its top label and probability. */
  model?: { label: string; probability: number };
}
