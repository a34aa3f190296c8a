/**
 * Field use: how much this site stores and may store, whether the browser keeps it for good
 * (persistent storage) or may evict it under pressure, and whether the app itself is cached
 * for offline use, checked in the cache rather than assumed.
 */

export interface OfflineCheck {
  /** Files in this build's precache. */
  files: number;
  /** Bundled model files named in models/manifest.json that are in the cache, and how many there are. */
  modelFiles: { cached: number; total: number };
  wasm: number;
}

interface ManifestFiles {
  models?: { id?: unknown; files?: { path?: unknown }[] }[];
}

/** The bundled models' file URLs, read from the cached manifest (so it works offline too). */
async function modelFileUrls(cache: Cache): Promise<string[]> {
  const manifestUrl = new URL('models/manifest.json', document.baseURI).href;
  const response = await cache.match(manifestUrl);
  if (!response) return [];
  const manifest = (await response.json()) as ManifestFiles;
  return (manifest.models ?? []).flatMap((m) => (m.files ?? []).map((f) => (typeof m.id === 'string' && typeof f.path === 'string' ? new URL(`models/${m.id}/${f.path}`, document.baseURI).href : '')).filter((u) => u !== ''));
}

export class StorageState {
  usage = $state<number | undefined>(undefined);
  quota = $state<number | undefined>(undefined);
  persisted = $state<boolean | undefined>(undefined);
  /** The last request's outcome, in words. */
  persistMessage = $state<string | undefined>(undefined);
  offline = $state.raw<OfflineCheck | undefined>(undefined);
  readonly supported = typeof navigator !== 'undefined' && 'storage' in navigator && typeof navigator.storage.estimate === 'function';
  private asked = false;

  async refresh(): Promise<void> {
    if (!this.supported) return;
    const estimate = await navigator.storage.estimate();
    this.usage = estimate.usage;
    this.quota = estimate.quota;
    this.persisted = await navigator.storage.persisted();
    this.offline = await this.checkOffline();
  }

  /** Ask the browser to keep this site's data; the answer is the browser's, said plainly. */
  async requestPersistent(): Promise<boolean> {
    if (!this.supported) {
      this.persistMessage = 'This browser cannot be asked to keep storage; export decks and models to files to be safe.';
      return false;
    }
    this.asked = true;
    const granted = await navigator.storage.persist();
    this.persisted = granted;
    this.persistMessage = granted
      ? 'Granted: the browser will keep saved decks and models even when the disk runs low; only you can delete them (or clearing site data).'
      : 'Refused: the browser decides this itself (Chrome grants it to sites you use often, install or bookmark; Firefox asks you). Saved decks and models may be evicted if the disk runs low, so keep the exported files.';
    return granted;
  }

  /** Called after the first deck or model is saved: ask once, quietly if already granted. */
  async afterFirstSave(): Promise<void> {
    if (!this.supported || this.asked) return;
    this.asked = true;
    if (!(await navigator.storage.persisted())) await this.requestPersistent();
    await this.refresh();
  }

  /** Free bytes the estimate allows, if the browser says. */
  get free(): number | undefined {
    return this.usage !== undefined && this.quota !== undefined ? Math.max(0, this.quota - this.usage) : undefined;
  }

  private async checkOffline(): Promise<OfflineCheck | undefined> {
    if (typeof caches === 'undefined') return undefined;
    const name = (await caches.keys()).find((n) => n.startsWith('hilum-'));
    if (!name) return undefined;
    const cache = await caches.open(name);
    const keys = (await cache.keys()).map((r) => r.url);
    const urls = await modelFileUrls(cache);
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, not state
    const cached = new Set(keys);
    return { files: keys.length, modelFiles: { cached: urls.filter((u) => cached.has(u)).length, total: urls.length }, wasm: keys.filter((u) => u.endsWith('.wasm')).length };
  }
}

export const storage = new StorageState();
