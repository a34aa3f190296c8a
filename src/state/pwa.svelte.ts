import { registerSW } from 'virtual:pwa-register';
import { toasts } from './toasts.svelte.ts';

/** How often an open tab asks the server whether a new version was deployed. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/**
 * Service worker life cycle as the user sees it: "ready to work offline" once everything is
 * cached, and "update available" when a new version is waiting; the user decides when to reload.
 */
export class PwaState {
  offlineReady = $state(false);
  updateWaiting = $state(false);
  private update: ((reload?: boolean) => Promise<void>) | undefined;

  /** `idle` says whether a reload now would lose nothing the user has done. */
  register(idle: () => boolean): void {
    if (!('serviceWorker' in navigator)) return;
    this.update = registerSW({
      immediate: true,
      onOfflineReady: () => {
        this.offlineReady = true;
        toasts.show('Hilum is ready to work offline.');
        if (idle()) reloadOnceForIsolation();
      },
      onNeedRefresh: () => {
        this.updateWaiting = true;
        toasts.show('A new version of Hilum is available.', 'info', { label: 'Reload', run: () => void this.applyUpdate() });
      },
      onRegisteredSW: (_url, registration) => {
        if (!registration) return;
        setInterval(() => void registration.update(), UPDATE_CHECK_MS);
        watchInstalls(registration);
      },
      onRegisterError: (error: unknown) => {
        toasts.show(`Offline support could not start: ${String(error)}`, 'error');
      },
    });
  }

  async applyUpdate(): Promise<void> {
    await this.update?.(true);
  }
}

/**
 * A service worker whose install fails (most often the browser refused to store the offline
 * copy: storage full or a small quota) goes 'redundant' without any event the page would see;
 * say so, and say that what was stored before still works.
 */
function watchInstalls(registration: ServiceWorkerRegistration): void {
  const report = (): void => {
    if (registration.waiting || registration.installing) return;
    toasts.show(registration.active
      ? 'A new version of Hilum could not be stored on this device (its storage may be full). This version keeps working, offline too.'
      : 'Hilum could not be stored for offline use (this browser gave it too little storage). It works while online; free some space and reload to try again.', 'error');
  };
  const watch = (worker: ServiceWorker | null): void => {
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'redundant') report();
    });
  };
  // A first install can fail before the page hears of the registration: nothing is left of it.
  if (!registration.installing && !registration.waiting && !registration.active) report();
  watch(registration.installing);
  registration.addEventListener('updatefound', () => watch(registration.installing));
}

/**
 * On a host that cannot send COOP/COEP headers the first visit is not cross-origin isolated;
 * once our service worker controls the page it adds them, so one reload enables WASM threads.
 * Done only once per tab, and only on the very first install.
 */
function reloadOnceForIsolation(): void {
  const key = 'hilum.isolation-reload';
  if (self.crossOriginIsolated || sessionStorage.getItem(key)) return;
  sessionStorage.setItem(key, '1');
  if (navigator.serviceWorker.controller) location.reload();
  else navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
}

export const pwa = new PwaState();
