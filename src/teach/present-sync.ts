/**
 * What the room window and the notes window say to each other over a BroadcastChannel
 * (same origin only, so nothing leaves the device). The room window holds the presentation;
 * the notes window asks for its state, shows it, and sends back the teacher's commands.
 */
import type { RevealStep } from './deck.ts';
import type { NavAction } from './present-nav.ts';
import type { Stopwatch } from './present-timer.ts';

export const PRESENT_CHANNEL = 'hilum-present';

/** The case as the presenter (never the room) sees it. */
export interface NotesCase {
  title: string;
  notes: string;
  diagnosis: string;
  choices: string[];
  votes: Record<string, number>;
  reveal: RevealStep[];
  /** The model's verdict once computed, whether or not the room has seen it. */
  model?: { label: string; probability: number };
}

export interface NotesSnapshot {
  deckTitle: string;
  position: number;
  count: number;
  step: number;
  blank: boolean;
  /** The case shown, absent on the summary. */
  current?: NotesCase;
  /** What comes after: the next case's title, or undefined before the summary. */
  nextTitle?: string;
  /** Both windows read the same wall clock (Date.now), so the notes window's timer runs on its own. */
  timer: Stopwatch;
  showIdentifying: boolean;
}

export type PresentCommand =
  | { nav: NavAction }
  | { vote: { choice: string; delta: 1 | -1 } }
  | { timer: 'start' | 'pause' | 'reset' }
  /** A key pressed in the notes window, where a clicker's keys land when it has focus. */
  | { key: string };

export type PresentMessage =
  | { kind: 'hello' }
  | { kind: 'state'; snapshot: NotesSnapshot }
  | { kind: 'ended' }
  | { kind: 'command'; command: PresentCommand };

const KINDS: readonly string[] = ['hello', 'state', 'ended', 'command'];

/** Only our own pages post on this channel; this keeps a malformed message from being acted on. */
export function readMessage(data: unknown): PresentMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const kind = (data as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !KINDS.includes(kind)) return undefined;
  if (kind === 'state' && typeof (data as { snapshot?: unknown }).snapshot !== 'object') return undefined;
  if (kind === 'command' && typeof (data as { command?: unknown }).command !== 'object') return undefined;
  return data as PresentMessage;
}
