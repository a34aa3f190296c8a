/** Page side of the imaging worker: started lazily, restarted if it dies. */
import * as Comlink from 'comlink';
import type { ImagingWorkerApi } from './api.ts';

let worker: Worker | undefined;
let remote: Comlink.Remote<ImagingWorkerApi> | undefined;

export function imaging(onCrash?: () => void): Comlink.Remote<ImagingWorkerApi> {
  if (remote && worker) return remote;
  const started = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'hilum-imaging' });
  started.addEventListener('error', (event) => {
    event.preventDefault();
    started.terminate();
    worker = undefined;
    remote = undefined;
    onCrash?.();
  });
  worker = started;
  remote = Comlink.wrap<ImagingWorkerApi>(started);
  return remote;
}
