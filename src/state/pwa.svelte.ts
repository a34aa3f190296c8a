import { registerSW } from 'virtual:pwa-register';
import { toasts } from './toasts.svelte.ts';

/** How often an open tab asks the server whether a new version was deployed. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;
/** How long the page must be quiet before the service worker is registered. */
const QUIET_MS = 2000;

/**
 * Service worker life cycle as the user sees it: "ready to work offline" once everything is
 * cached, and "update available" when a new version is waiting; the user decides when to reload.
 */
export class PwaState {
  offlineReady = $state(false);
  updateWaiting = $state(false);
  /** The user chose Reload while it would have lost work: the new version loads once nothing would. */
  reloadDeferred = $state(false);
  private update: ((reload?: boolean) => Promise<void>) | undefined;
  private unsaved: () => string | undefined = () => undefined;

  /**
   * `idle` says whether the page shows nothing yet (the one-time isolation reload may happen
   * then); `unsaved` names, in words, work a reload would destroy (a training run, a model not
   * yet saved), or returns undefined when there is none.
   */
  register(idle: () => boolean, unsaved?: () => string | undefined): void {
    if (unsaved) this.unsaved = unsaved;
    if (!('serviceWorker' in navigator)) return;
    this.update = registerSW({
      immediate: true,
      onOfflineReady: () => {
        this.offlineReady = true;
        toasts.show('Hilum is ready to work offline.');
        if (idle()) reloadOnceForIsolation();
      },
      onNeedRefresh: () => {
        // Workbox can say so twice for one new version (its 'waiting' and an external 'installed'): one offer is enough.
        if (this.updateWaiting) return;
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

  /**
   * Register once the page has been quiet (`busy` false) for QUIET_MS: the first visit's
   * offline copy is 7 MB fetched and stored, work for the same two cores that read a dropped
   * folder and run its worklist, so it waits until they are done.
   */
  registerWhenQuiet(busy: () => boolean, idle: () => boolean, unsaved?: () => string | undefined): void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = $effect.root(() => {
      $effect(() => {
        clearTimeout(timer);
        if (busy()) return;
        timer = setTimeout(() => {
          stop();
          this.register(idle, unsaved);
        }, QUIET_MS);
      });
    });
  }

  /**
   * Load the waiting version. A reload in the middle of a training run would throw the run away
   * without a word, so then it waits: the user is told why, may still reload now, and otherwise
   * the page reloads by itself as soon as nothing would be lost.
   */
  async applyUpdate(now = false): Promise<void> {
    const losing = now ? undefined : this.unsaved();
    if (!losing) {
      await this.reloadOntoWaiting();
      return;
    }
    if (this.reloadDeferred) return;
    this.reloadDeferred = true;
    toasts.show(`Not reloaded yet: a reload now would lose ${losing}. The new version loads by itself as soon as nothing would be lost.`, 'info', { label: 'Reload now', run: () => void this.applyUpdate(true) });
    let fired = false;
    const stop = $effect.root(() => {
      $effect(() => {
        if (fired || this.unsaved()) return;
        fired = true;
        queueMicrotask(() => stop());
        void this.reloadOntoWaiting();
      });
    });
  }

  /**
   * vite-plugin-pwa reloads after the waiting worker takes over only if a worker already
   * controlled the page when it registered; in the tab of a first visit the new version would
   * take control and the page would go on running the old code. So reload on the change here.
   */
  private async reloadOntoWaiting(): Promise<void> {
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
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
