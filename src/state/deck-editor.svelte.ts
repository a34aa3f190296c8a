/**
 * Building a deck: the deck open in the Decks panel, its cases added from the study the viewer
 * shows, edited, reordered and deleted (the edits themselves are pure, in teach/deck-edit.ts).
 * Every change is saved at once; a save that fails (a full disk) leaves both the saved copy and
 * the panel as they were, and says why.
 */
import type { Deck } from '../teach/deck.ts';
import { addCase, emptyDeck, moveCase, removeCase, updateCase, withModel, type CaseDraft, type DeckFiles } from '../teach/deck-edit.ts';
import { decks, newId } from './decks.svelte.ts';
import { demo } from './demo.svelte.ts';
import { download } from './download.ts';
import { segmentation } from './segmentation.svelte.ts';
import { studies } from './studies.svelte.ts';

const NO_FILES: DeckFiles = new Map();

export class DeckEditorState {
  deck = $state.raw<Deck | undefined>(undefined);
  /** The case whose form is open. */
  editing = $state<string | undefined>(undefined);
  notice = $state<string | undefined>(undefined);
  private files: DeckFiles = NO_FILES;

  /** Save `next` with `files`; only once it is stored does the panel show it. */
  private async commit(next: Deck, files: DeckFiles, notice: string): Promise<boolean> {
    this.notice = undefined;
    const saved = await decks.run(() => decks.save(next, files));
    if (!saved) return false;
    this.deck = saved;
    this.files = files;
    this.notice = notice;
    return true;
  }

  async create(title: string): Promise<void> {
    const deck = emptyDeck(newId(), title);
    if (await this.commit(deck, NO_FILES, `Created "${deck.title}".`)) this.editing = undefined;
  }

  async open(id: string): Promise<void> {
    const loaded = await decks.run(() => decks.load(id));
    if (!loaded) return;
    this.deck = loaded.deck;
    this.files = loaded.files;
    this.editing = undefined;
    this.notice = undefined;
  }

  close(): void {
    this.deck = undefined;
    this.files = NO_FILES;
    this.editing = undefined;
  }

  /** The shown series becomes a case: its files, the current frame, and the AI panels' models. */
  async addShown(): Promise<void> {
    const deck = this.deck;
    const picked = studies.shownFiles();
    const series = studies.current;
    if (!deck || !series || picked.length === 0) {
      decks.error = 'Open a study first (drop files on the left): the series the viewer shows becomes the case.';
      return;
    }
    if (demo.models.length === 0) await demo.loadModels();
    if (segmentation.models.length === 0) await segmentation.loadModels();
    const id = newId();
    const models: { classifier?: string; segmenter?: string } = {};
    if (demo.selectedId) models.classifier = demo.selectedId;
    if (segmentation.selectedId) models.segmenter = segmentation.selectedId;
    const title = series.description || `${series.modality} case ${deck.cases.length + 1}`;
    const next = addCase(deck, this.files, { id, title, choices: demo.selected?.labels ?? [], models, frame: studies.position, picked });
    if (await this.commit(next.deck, next.files, `Added "${title}" (${picked.length} file${picked.length === 1 ? '' : 's'}).`)) this.editing = id;
  }

  async updateCase(id: string, draft: CaseDraft): Promise<boolean> {
    if (!this.deck) return false;
    const done = await this.commit(updateCase(this.deck, id, draft), this.files, 'Case saved.');
    if (done) this.editing = undefined;
    return done;
  }

  async move(id: string, delta: -1 | 1): Promise<void> {
    if (this.deck) await this.commit(moveCase(this.deck, id, delta), this.files, 'Order saved.');
  }

  async removeCase(id: string): Promise<void> {
    if (!this.deck) return;
    const next = removeCase(this.deck, this.files, id);
    await this.commit(next.deck, next.files, 'Case deleted.');
  }

  async rename(title: string): Promise<void> {
    if (this.deck && title.trim()) await this.commit({ ...this.deck, title: title.trim() }, this.files, 'Title saved.');
  }

  /** Carry one of the teacher's models in the export (or none). */
  async setModel(model: { id: string; name: string } | undefined): Promise<void> {
    if (this.deck) await this.commit(withModel(this.deck, model), this.files, model ? `The export will carry "${model.name}".` : 'The export will carry no model.');
  }

  /** Show the case's files in the viewer at its frame (to check it, or to pick a better frame). */
  async show(id: string): Promise<void> {
    const deck = this.deck;
    if (deck) await decks.run(() => decks.openCase(deck, this.files, id));
  }
}

/** Export a saved deck as one zip download (any deck, open or not). */
export async function downloadDeck(id: string, title: string): Promise<void> {
  const blob = await decks.run(() => decks.exportZip(id));
  if (!blob) return;
  const stem = title.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'deck';
  download([blob], 'application/zip', `${stem}.hilum-deck.zip`);
}

export const deckEditor = new DeckEditorState();
