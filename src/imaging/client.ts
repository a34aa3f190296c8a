/** Page side of the imaging worker: started lazily, restarted if it dies. */
import * as Comlink from 'comlink';
import type { ImagingWorkerApi } from './api.ts';

const MIB = 1024 * 1024;

/**
 * How much the imaging worker may hold: about 48 MiB per GiB the browser reports
 * (navigator.deviceMemory, rounded and capped at 8 by the browser), between 64 and 384 MiB.
 * Browsers that do not report it get the top of the range.
 */
export function memoryBudget(deviceMemoryGiB = (navigator as Navigator & { deviceMemory?: number }).deviceMemory): number {
  if (deviceMemoryGiB === undefined || !Number.isFinite(deviceMemoryGiB)) return 384 * MIB;
  return Math.round(Math.min(384, Math.max(64, deviceMemoryGiB * 48))) * MIB;
}

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
  // Messages keep their order, so the budget is set before the first file arrives.
  void remote.configure({ budgetBytes: memoryBudget() });
  return remote;
}
