/**
 * Where saved decks live: the "hilum-decks" IndexedDB database. `deck:<id>` holds
 * { deck, paths, bytes } and `file:<id>:<path>` one Blob per case file (the dropped bytes). A
 * save writes the deck record, its new files and drops its unused ones in ONE transaction, so
 * a full disk aborts it all and the copy saved before stays as it was.
 */
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { DECK_LIMITS, type Deck, type DeckSummary } from '../teach/deck.ts';
import { checkDeck } from '../teach/deck-validate.ts';

interface StoredDeck {
  deck: Deck;
  paths: string[];
  bytes: number;
}

const deckKey = (id: string): string => `deck:${id}`;
const fileKey = (id: string, path: string): string => `file:${id}:${path}`;

let db: UseStore | undefined;
function store(): UseStore {
  db ??= createStore('hilum-decks', 'decks');
  return db;
}

export async function listDecks(): Promise<DeckSummary[]> {
  const records = await store()('readonly', (s) => promisifyRequest(s.getAll(IDBKeyRange.bound('deck:', 'deck:\uffff'))) as Promise<StoredDeck[]>);
  const summaries = records.map(({ deck, bytes }): DeckSummary => ({ id: deck.id, title: deck.title, cases: deck.cases.length, bytes, updatedAt: deck.updatedAt ?? deck.createdAt, ...(deck.model ? { model: deck.model } : {}) }));
  return summaries.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

function record(id: string): Promise<StoredDeck | undefined> {
  return store()('readonly', (s) => promisifyRequest(s.get(deckKey(id))) as Promise<StoredDeck | undefined>);
}

export async function readDeck(id: string): Promise<{ deck: Deck; files: Map<string, Blob> } | undefined> {
  const stored = await record(id);
  if (!stored) return undefined;
  const blobs = await store()('readonly', (s) => Promise.all(stored.paths.map((p) => promisifyRequest(s.get(fileKey(id, p))) as Promise<Blob | undefined>)));
  const files = new Map<string, Blob>();
  stored.paths.forEach((path, i) => {
    const blob = blobs[i];
    if (blob) files.set(path, blob);
  });
  return { deck: stored.deck, files };
}

const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** Checked as an import would be, bounded (DECK_LIMITS.totalBytes), stamped with the save time. */
export function checkedForSave(deck: Deck, files: ReadonlyMap<string, Blob>): Deck {
  const checked = checkDeck(deck, new Set(files.keys()));
  if (!checked.ok) throw new Error(`the deck is not valid: ${checked.reason}`);
  const bytes = [...new Set(deck.cases.flatMap((c) => c.files))].reduce((sum, p) => sum + (files.get(p)?.size ?? 0), 0);
  if (bytes > DECK_LIMITS.totalBytes) throw new Error(`the deck would hold ${mib(bytes)} of images; a deck may hold at most ${mib(DECK_LIMITS.totalBytes)} so that it can be exported and imported. Split it into two decks.`);
  return { ...checked.value, updatedAt: new Date().toISOString() };
}

/** The bytes this save adds (files not stored before), to compare with the free space first. */
export async function bytesToAdd(deck: Deck, files: ReadonlyMap<string, Blob>): Promise<number> {
  const had = new Set((await record(deck.id))?.paths ?? []);
  const paths = new Set(deck.cases.flatMap((c) => c.files));
  return [...paths].filter((p) => !had.has(p)).reduce((sum, p) => sum + (files.get(p)?.size ?? 0), 0);
}

/** `deck` must be plain data (structured-cloneable) and already checked against `files`. */
export async function writeDeck(deck: Deck, files: ReadonlyMap<string, Blob>): Promise<void> {
  const paths = [...new Set(deck.cases.flatMap((c) => c.files))];
  const bytes = paths.reduce((sum, p) => sum + (files.get(p)?.size ?? 0), 0);
  const had = new Set((await record(deck.id))?.paths ?? []);
  const keep = new Set(paths);
  await store()('readwrite', (s) => {
    s.put({ deck, paths, bytes } satisfies StoredDeck, deckKey(deck.id));
    for (const path of paths) if (!had.has(path)) s.put(files.get(path), fileKey(deck.id, path));
    for (const path of had) if (!keep.has(path)) s.delete(fileKey(deck.id, path));
    return promisifyRequest(s.transaction);
  });
}

export async function deleteDeck(id: string): Promise<void> {
  await store()('readwrite', (s) => {
    s.delete(IDBKeyRange.bound(`file:${id}:`, `file:${id}:\uffff`));
    s.delete(deckKey(id));
    return promisifyRequest(s.transaction);
  });
}
