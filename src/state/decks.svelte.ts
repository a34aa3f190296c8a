/**
 * Saved teaching decks: each deck's JSON and its case files (the dropped bytes as Blobs) in
 * IndexedDB (layout in deck-store.ts), exported as one zip and imported from one. The presenter
 * reads decks through `load` and opens a case in the viewer with `openCase`.
 */
import type { Deck, DeckSummary } from '../teach/deck.ts';
import { readDeckZip, writeDeckZip } from '../teach/deck-zip.ts';
import { bytesToAdd, checkedForSave, deleteDeck, listDecks, readDeck, writeDeck } from './deck-store.ts';
import type { ModelFiles } from '../ml/api-finetune.ts';
import { demo } from './demo.svelte.ts';
import type { PickedFile } from './dropped-files.ts';
import { FREE_SPACE, importRefusal, isStorageFull, toUserMessage } from './messages.ts';
import { storage } from './storage.svelte.ts';
import { studies } from './studies.svelte.ts';
import { teachClient } from './teach-client.ts';
import { userModels } from './user-models.svelte.ts';

const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** Words for a failed save: a full disk says what to do, and that nothing saved was lost. */
export function deckStorageMessage(error: unknown): string {
  if (isStorageFull(error)) return `The browser's storage for this site is full, so this change was not saved; the copy saved before is unchanged, and the deck stays open as it was. ${FREE_SPACE}, then do it again.`;
  return `The deck was not saved: ${toUserMessage(error)}. The copy saved before is unchanged.`;
}

export function newId(): string {
  return crypto.randomUUID().replace(/-/g, '').slice(0, 16);
}

export class DecksState {
  summaries = $state.raw<DeckSummary[]>([]);
  error = $state<string | undefined>(undefined);
  busy = $state(false);

  /** The saved decks, newest first; also kept in `summaries` for the panel. */
  async list(): Promise<DeckSummary[]> {
    this.summaries = await listDecks();
    return this.summaries;
  }

  async load(id: string): Promise<{ deck: Deck; files: Map<string, Blob> }> {
    const found = await readDeck(id);
    if (!found) throw new Error('this deck is no longer saved in this browser');
    return found;
  }

  /** Checked like an import, bounded (DECK_LIMITS.totalBytes), then written in one transaction. */
  async save(deck: Deck, files: ReadonlyMap<string, Blob>): Promise<Deck> {
    // A plain copy: the panel's deck may be a Svelte proxy, which IndexedDB cannot clone.
    const plain = checkedForSave($state.snapshot(deck), files);
    const adding = await bytesToAdd(plain, files);
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
    if (estimate?.quota !== undefined && estimate.usage !== undefined && adding > estimate.quota - estimate.usage) throw new Error(deckStorageMessage(new DOMException(`${mib(adding)} needed`, 'QuotaExceededError')));
    try {
      await writeDeck(plain, files);
    } catch (error) {
      throw new Error(deckStorageMessage(error), { cause: error });
    }
    await this.list();
    void storage.afterFirstSave();
    return plain;
  }

  async remove(id: string): Promise<void> {
    await deleteDeck(id);
    await this.list();
  }

  /** One zip with the deck, its files and, when the deck names one, the teacher's model. */
  async exportZip(id: string): Promise<Blob> {
    const { deck, files } = await this.load(id);
    let model: ModelFiles | undefined;
    if (deck.model) {
      try {
        model = await teachClient.exportUserModel(deck.model.id);
      } catch (error) {
        throw new Error(`the deck carries the model "${deck.model.name}", which could not be read (${toUserMessage(error)}); pick another model or none`, { cause: error });
      }
    }
    return writeDeckZip(deck, files, model);
  }

  /**
   * Validate everything first (zip, deck.json, files, model through the worker's own checks),
   * then store. An imported model gets a new id; the cases that used it are pointed at it.
   */
  async importZip(blob: Blob): Promise<Deck> {
    const read = await readDeckZip(blob);
    if (!read.ok) throw new Error(read.reason);
    let deck = read.deck;
    if (read.model && deck.model) {
      const meta = await teachClient.importUserModel(read.model).catch((error: unknown) => {
        throw new Error(`This deck was not imported: its model was refused (${importRefusal(error)}).`, { cause: error });
      });
      const from = deck.model.id;
      deck = { ...deck, model: { id: meta.id, name: meta.name }, cases: deck.cases.map((c) => (c.models.classifier === from ? { ...c, models: { ...c.models, classifier: meta.id } } : c)) };
      await userModels.refresh();
      await demo.loadModels();
    }
    // A deck imported twice stays two decks: an import never overwrites a teacher's edits.
    if ((await this.list()).some((s) => s.id === deck.id)) deck = { ...deck, id: newId() };
    try {
      return await this.save(deck, read.files);
    } catch (error) {
      // The deck did not land: do not leave its model behind as a stray.
      if (deck.model) await teachClient.deleteUserModel(deck.model.id).catch(() => undefined);
      throw error;
    }
  }

  /** Put a case's files in the viewer (replacing what was open) and show its frame. */
  async openCase(deck: Deck, files: ReadonlyMap<string, Blob>, caseId: string): Promise<void> {
    const item = deck.cases.find((c) => c.id === caseId);
    if (!item) throw new Error('no such case in this deck');
    const picked: PickedFile[] = item.files.map((path) => {
      const blob = files.get(path);
      if (!blob) throw new Error(`the case's file ${path} is missing`);
      return { path, file: new File([blob], path.split('/').pop() ?? path, { type: blob.type }) };
    });
    await studies.clear();
    await studies.add(picked);
    await studies.show(item.frame);
  }

  /** Run a panel action: its error is said in the panel, not thrown. */
  async run<T>(work: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.error = undefined;
    try {
      return await work();
    } catch (error) {
      this.error = error instanceof Error ? error.message : toUserMessage(error);
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}

export const decks = new DecksState();
