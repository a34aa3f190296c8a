/**
 * A real crash of the AI worker ('hilum-ml'): an uncaught error in its global scope, as an
 * out-of-memory abort or a bug gives. Shared by the stress run's fault checks and the browser
 * tests, so every one crashes the worker the same way.
 */
import type { Page } from 'playwright-core';

/**
 * 'now' throws at once (lands wherever the worker is, e.g. mid-epoch of a long run); 'next-answer'
 * throws instead of the worker's next reply, so it lands inside a job however quickly the backend
 * answers (single-threaded WASM can answer a call within one task, so a crash on the next
 * incoming call could fall between two jobs). Resolves with how many AI workers were crashed.
 */
export async function crashAiWorker(page: Page, when: 'now' | 'next-answer'): Promise<number> {
  let crashed = 0;
  for (const worker of page.workers()) {
    // Short-lived helper workers (WASM threads, codecs) may be gone by now.
    const name = await worker.evaluate(() => self.name).catch(() => '');
    if (name !== 'hilum-ml') continue;
    // No named functions inside: tsx would wrap them in a helper that the worker does not have.
    await worker.evaluate((at) => {
      if (at === 'now') {
        setTimeout(() => { throw new Error('AI worker crashed on purpose by a fault check'); });
        return;
      }
      const post = self.postMessage.bind(self);
      self.postMessage = (() => {
        self.postMessage = post;
        setTimeout(() => { throw new Error('AI worker crashed on purpose by a fault check'); });
      }) as typeof self.postMessage;
    }, when);
    crashed++;
  }
  return crashed;
}
