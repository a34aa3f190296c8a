import { HilumError } from '../ml/client.ts';

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
