/**
 * Presenting a deck to a room: position, reveal step and blank screen (a pure reducer), the
 * quiz tallies, the timer, patient tags hidden until the teacher shows them, full screen with a
 * fallback, and the notes window kept in step over a BroadcastChannel. This window is the one
 * source of truth; the notes window only asks for state and sends commands.
 */
import type { Deck, QuizTally } from '../teach/deck.ts';
import { START, keyAction, keyVote, navigate, type NavAction, type NavState } from '../teach/present-nav.ts';
import { PRESENT_CHANNEL, readMessage, type NotesSnapshot, type PresentCommand, type PresentMessage } from '../teach/present-sync.ts';
import { STOPPED, pause, reset, start, type Stopwatch } from '../teach/present-timer.ts';
import { quizSummary, vote } from '../teach/quiz-summary.ts';
import { decks } from './decks.svelte.ts';
import { toUserMessage } from './messages.ts';
import { PresentCaseState } from './present-case.svelte.ts';
import { worklist } from './worklist.svelte.ts';

const EMPTY: ReadonlyMap<string, Blob> = new Map();

export type FullscreenState = 'off' | 'on' | 'fallback';

export class PresenterState {
  active = $state(false);
  deck = $state.raw<Deck | undefined>(undefined);
  nav = $state.raw<NavState>(START);
  tallies = $state.raw<QuizTally[]>([]);
  timer = $state.raw<Stopwatch>(STOPPED);
  /** The wall clock the timer is read against, ticking while presenting. */
  now = $state(Date.now());
  showIdentifying = $state(false);
  fullscreen = $state<FullscreenState>('off');
  /** The live fine-tuning demo is on the projector instead of the case. */
  live = $state(false);
  loading = $state(false);
  /** A deck that could not be opened, said next to its Present button. */
  error = $state<{ deckId: string; message: string } | undefined>(undefined);
  notesBlocked = $state(false);
  readonly image = new PresentCaseState();
  /** The deck's files, read once: not state, nothing renders from them. */
  private files: ReadonlyMap<string, Blob> = EMPTY;
  private channel: BroadcastChannel | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;
  private wakeLock: WakeLockSentinel | undefined;

  steps = $derived(this.deck?.cases.map((c) => c.reveal.length) ?? []);
  current = $derived(this.deck?.cases[this.nav.position]);
  onSummary = $derived(this.deck !== undefined && this.nav.position >= this.deck.cases.length);
  revealed = $derived(this.current?.reveal.slice(0, this.nav.step) ?? []);
  tally = $derived(this.tallies.find((t) => t.caseId === this.current?.id) ?? { caseId: this.current?.id ?? '', votes: {} });
  summary = $derived(this.deck ? quizSummary(this.deck.cases, this.tallies) : undefined);

  /**
   * Ask for full screen at once, inside the click that started the presentation (browsers
   * refuse it later); when refused or unavailable the presenter fills the window instead.
   */
  requestFullscreen(): void {
    const root = document.documentElement;
    if (!document.fullscreenEnabled || typeof root.requestFullscreen !== 'function') {
      this.fullscreen = 'fallback';
      return;
    }
    root.requestFullscreen({ navigationUI: 'hide' }).then(() => (this.fullscreen = 'on'), () => (this.fullscreen = 'fallback'));
  }

  /** Present a saved deck: called from a click, so full screen is asked for before the deck is read. */
  async presentSaved(id: string): Promise<void> {
    if (this.active || this.loading) return;
    this.requestFullscreen();
    this.loading = true;
    this.error = undefined;
    try {
      const { deck, files } = await decks.load(id);
      this.present(deck, files);
    } catch (error) {
      this.error = { deckId: id, message: `This deck could not be opened: ${toUserMessage(error)}` };
      await this.exitFullscreen();
    } finally {
      this.loading = false;
    }
  }

  present(deck: Deck, files: ReadonlyMap<string, Blob>): void {
    // One ML worker: a worklist running in the background would delay every reveal.
    worklist.pause();
    Object.assign(this, { deck, files, nav: START, tallies: [], showIdentifying: false, live: false, active: true, notesBlocked: false });
    this.now = Date.now();
    this.timer = start(STOPPED, this.now);
    this.tick = setInterval(() => (this.now = Date.now()), 500);
    document.addEventListener('fullscreenchange', this.onFullscreenChange);
    this.channel = new BroadcastChannel(PRESENT_CHANNEL);
    this.channel.onmessage = (event: MessageEvent) => this.onMessage(readMessage(event.data));
    this.openCurrent();
    this.broadcast();
    void this.keepAwake();
  }

  /** A projector left alone for a long question must not go to sleep; refused or unsupported is fine. */
  private async keepAwake(): Promise<void> {
    try {
      this.wakeLock = await navigator.wakeLock?.request('screen');
    } catch {
      this.wakeLock = undefined;
    }
  }

  /**
   * A key from this window or, forwarded, from the notes window (where a clicker's keys go
   * when that window has focus); true when it was one of ours. Only this window's Escape leaves.
   */
  key(key: string, fromNotes = false): boolean {
    const action = keyAction(key);
    if (action === 'exit') {
      if (!fromNotes) void this.leave();
      return !fromNotes;
    }
    if (action) {
      this.act(action);
      return true;
    }
    const choices = this.onSummary || this.live ? [] : (this.current?.choices ?? []);
    const index = keyVote(key, choices.length);
    const choice = index === undefined ? undefined : choices[index];
    if (choice === undefined) return false;
    this.voteFor(choice, 1);
    return true;
  }

  act(action: NavAction): void {
    const before = this.nav.position;
    this.nav = navigate(this.nav, action, this.steps);
    if (this.nav.position !== before) {
      this.live = false;
      this.openCurrent();
    }
    this.recordModel();
    this.broadcast();
  }

  voteFor(choice: string, delta: 1 | -1): void {
    const id = this.current?.id;
    if (!id) return;
    const next = vote(this.tally.caseId === id ? this.tally : { caseId: id, votes: {} }, choice, delta);
    this.tallies = [...this.tallies.filter((t) => t.caseId !== id), next];
    this.broadcast();
  }

  timerAction(action: 'start' | 'pause' | 'reset'): void {
    const now = Date.now();
    this.timer = action === 'start' ? start(this.timer, now) : action === 'pause' ? pause(this.timer, now) : reset(this.timer, now);
    this.now = now;
    this.broadcast();
  }

  setIdentifying(show: boolean): void {
    this.showIdentifying = show;
    this.broadcast();
  }

  /** The notes window: a page of this app on the presenter's own screen. */
  openNotes(): void {
    // Relative to this page, so it works from any folder of a static host.
    const opened = window.open('notes.html', 'hilum-notes', 'popup,width=960,height=720');
    this.notesBlocked = opened === null;
  }

  async leave(): Promise<void> {
    this.post({ kind: 'ended' });
    this.channel?.close();
    this.channel = undefined;
    clearInterval(this.tick);
    document.removeEventListener('fullscreenchange', this.onFullscreenChange);
    this.image.close();
    void this.wakeLock?.release().catch(() => undefined);
    this.wakeLock = undefined;
    Object.assign(this, { active: false, live: false, deck: undefined, files: EMPTY });
    await this.exitFullscreen();
  }

  private async exitFullscreen(): Promise<void> {
    if (document.fullscreenElement) await document.exitFullscreen().catch(() => undefined);
    this.fullscreen = 'off';
  }

  /** Leaving full screen (Escape, F11) keeps the presentation, filling the window instead. */
  private readonly onFullscreenChange = (): void => {
    if (this.active) this.fullscreen = document.fullscreenElement ? 'on' : 'fallback';
  };

  private openCurrent(): void {
    const [deck, item] = [this.deck, this.current];
    if (!deck || !item) return;
    void this.image.open(deck, this.files, item).then(() => {
      this.recordModel();
      this.broadcast();
    });
  }

  /** The summary counts the model only where the room saw its answer. */
  private recordModel(): void {
    const item = this.current;
    const verdict = item ? this.image.verdicts[item.id] : undefined;
    if (!item || !verdict || !this.revealed.includes('probability')) return;
    const tally = this.tallies.find((t) => t.caseId === item.id) ?? { caseId: item.id, votes: {} };
    if (tally.model) return;
    this.tallies = [...this.tallies.filter((t) => t.caseId !== item.id), { ...tally, model: verdict }];
  }

  private command(command: PresentCommand): void {
    if ('nav' in command) this.act(command.nav);
    else if ('vote' in command) this.voteFor(command.vote.choice, command.vote.delta);
    else if ('timer' in command) this.timerAction(command.timer);
    else this.key(command.key, true);
  }

  private onMessage(message: PresentMessage | undefined): void {
    if (message?.kind === 'hello') this.broadcast();
    else if (message?.kind === 'command') this.command(message.command);
  }

  snapshot(): NotesSnapshot | undefined {
    const deck = this.deck;
    if (!deck) return undefined;
    const item = this.current;
    const next = deck.cases[this.nav.position + 1];
    const verdict = item ? this.image.verdicts[item.id] : undefined;
    return {
      deckTitle: deck.title, position: this.nav.position, count: deck.cases.length, step: this.nav.step, blank: this.nav.blank,
      ...(item ? { current: { title: item.title, notes: item.notes, diagnosis: item.diagnosis, choices: [...item.choices], votes: { ...this.tally.votes }, reveal: [...item.reveal], ...(verdict ? { model: verdict } : {}) } } : {}),
      ...(next ? { nextTitle: next.title } : {}),
      timer: this.timer, showIdentifying: this.showIdentifying,
    };
  }

  private broadcast(): void {
    const snapshot = this.snapshot();
    if (snapshot) this.post({ kind: 'state', snapshot });
  }

  private post(message: PresentMessage): void {
    this.channel?.postMessage(message);
  }
}

export const presenter = new PresenterState();
