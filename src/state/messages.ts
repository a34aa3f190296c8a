import { HilumError } from '../ml/client.ts';

/**
 * Where room can be made when the browser's storage for this site is full, said the same way
 * by every save that fails for it (labels, models, decks).
 */
export const FREE_SPACE = 'To make room, see what this site stores under Decks > Offline & storage, delete a deck or model you no longer need (export it first to keep a copy), or free disk space on this device';

/** A write refused because the origin's quota is used up, as IndexedDB, the worker or a wrapped Error says it. */
export function isStorageFull(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e !== undefined; depth++) {
    if (e instanceof HilumError) return e.code === 'storage-full';
    if (e instanceof DOMException && e.name === 'QuotaExceededError') return true;
    if (!(e instanceof Error)) return false;
    if (e.name === 'QuotaExceededError' || /quota/i.test(e.message)) return true;
    e = e.cause;
  }
  return false;
}

/** Why an imported file was refused: the worker's checks say it in their own words (not "this image"). */
export function importRefusal(error: unknown): string {
  return error instanceof HilumError && error.code === 'bad-input' ? error.message : toUserMessage(error);
}

/** The one place where errors become words; a user never sees a stack trace. */
export function toUserMessage(error: unknown): string {
  if (error instanceof HilumError) {
    switch (error.code) {
      case 'bad-input': return `This image cannot be analysed: ${error.message}.`;
      case 'checksum-mismatch': return `A model file is damaged or was altered, so it was not used (${error.message}). Reload to fetch it again.`;
      case 'model-not-found': return `The model could not be found: ${error.message}.`;
      case 'manifest-invalid': return `The list of bundled models is invalid: ${error.message}.`;
      case 'backend-unavailable': return `No compute backend could start in this browser: ${error.message}.`;
      case 'worker-crashed': return 'The AI worker stopped unexpectedly; it has been restarted. Try again.';
      case 'aborted': return 'Cancelled.';
      case 'storage-full': return `Not saved: ${error.message}.`;
      case 'internal': return `Something went wrong in the AI worker: ${error.message}.`;
    }
  }
  if (error instanceof Error && error.name === 'AbortError') return 'Cancelled.';
  return `Something went wrong: ${error instanceof Error ? error.message : String(error)}.`;
}
