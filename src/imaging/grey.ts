/** Page side of the grey-conversion worker: started on first use, replaced if it dies. */
import * as Comlink from 'comlink';
import type { ImageFrame } from '../dicom/image-frame.ts';
import type { GreyImage } from '../ml/api.ts';
import type { GreyWorkerApi } from './grey-worker.ts';

interface Running {
  remote: Comlink.Remote<GreyWorkerApi>;
  /** Rejects when the worker dies, so a call in flight fails instead of waiting for ever. */
  died: Promise<never>;
}

let running: Running | undefined;

function start(): Running {
  const worker = new Worker(new URL('./grey-worker.ts', import.meta.url), { type: 'module', name: 'hilum-grey' });
  const died = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      worker.terminate();
      running = undefined;
      reject(new Error(`the image converter stopped: ${event.message || 'unknown error'}`));
    });
  });
  died.catch(() => undefined);
  return { remote: Comlink.wrap<GreyWorkerApi>(worker), died };
}

/** frameToGrey off the main thread. The frame's pixels are transferred: the caller must not use them afterwards. */
export function toGreyOffThread(frame: ImageFrame): Promise<GreyImage> {
  running ??= start();
  return Promise.race([running.remote.toGrey(Comlink.transfer(frame, [frame.pixels.buffer])), running.died]);
}
