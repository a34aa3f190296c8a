import type { ErrorCode, HilumErrorData, Outcome } from '../api.ts';

/** An error the worker raises on purpose, with a code the page turns into words. */
export class WorkerError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'WorkerError';
  }
}

export function toErrorData(error: unknown): HilumErrorData {
  if (error instanceof WorkerError) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** Run a worker method and return its result or its error as data. */
export async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
}
