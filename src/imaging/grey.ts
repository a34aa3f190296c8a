/** Page side of the pixel-arithmetic worker: started on first use, replaced if it dies. */
import * as Comlink from 'comlink';
import type { ImageFrame } from '../dicom/image-frame.ts';
import type { GreyImage } from '../ml/api.ts';
import type { FilteredVolume, GreyWorkerApi } from './grey-worker.ts';

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

function call<T>(work: (remote: Comlink.Remote<GreyWorkerApi>) => Promise<T>): Promise<T> {
  running ??= start();
  return Promise.race([work(running.remote), running.died]);
}

/** frameToGrey off the main thread, as `copies` separate images. The frame's pixels are transferred: the caller must not use them afterwards. */
export function toGreyOffThread(frame: ImageFrame, copies = 1): Promise<GreyImage[]> {
  return call((r) => r.toGrey(Comlink.transfer(frame, [frame.pixels.buffer]), copies));
}

/** Non-zero pixels of a mask, counted off the main thread; the mask is transferred. */
export function countMaskOffThread(mask: Uint8Array): Promise<number> {
  return call((r) => r.countMask(Comlink.transfer(mask, [mask.buffer])));
}

/** A series' masks without their small 3-D regions (see volume-regions.ts), off the main thread; the masks are transferred. */
export function keepVolumeRegionsOffThread(masks: Uint8Array[], width: number, height: number, fraction: number): Promise<FilteredVolume> {
  return call((r) => r.keepVolumeRegions(Comlink.transfer(masks, masks.map((m) => m.buffer)), width, height, fraction, true));
}

/** Only the pixel counts per slice of keepVolumeRegionsOffThread's masks; the masks are transferred and not sent back. */
export async function countVolumeRegionsOffThread(masks: Uint8Array[], width: number, height: number, fraction: number): Promise<number[]> {
  return (await call((r) => r.keepVolumeRegions(Comlink.transfer(masks, masks.map((m) => m.buffer)), width, height, fraction, false))).pixels;
}
