/**
 * The notes window's side of the presentation: it asks the room window for its state, shows
 * it (notes, diagnosis, next case, timer, tally), and sends the teacher's commands back. It
 * holds no presentation of its own, so two windows can never disagree for long.
 */
import { PRESENT_CHANNEL, readMessage, type NotesSnapshot, type PresentCommand, type PresentMessage } from '../teach/present-sync.ts';

export class NotesState {
  snapshot = $state.raw<NotesSnapshot | undefined>(undefined);
  ended = $state(false);
  now = $state(Date.now());
  private channel: BroadcastChannel | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;

  connect(): void {
    this.channel = new BroadcastChannel(PRESENT_CHANNEL);
    this.channel.onmessage = (event: MessageEvent) => this.receive(readMessage(event.data));
    this.post({ kind: 'hello' });
    this.tick = setInterval(() => (this.now = Date.now()), 500);
  }

  disconnect(): void {
    clearInterval(this.tick);
    this.channel?.close();
    this.channel = undefined;
  }

  send(command: PresentCommand): void {
    this.post({ kind: 'command', command });
  }

  private receive(message: PresentMessage | undefined): void {
    if (message?.kind === 'state') {
      this.snapshot = message.snapshot;
      this.ended = false;
    } else if (message?.kind === 'ended') this.ended = true;
  }

  private post(message: PresentMessage): void {
    this.channel?.postMessage(message);
  }
}

export const notes = new NotesState();
