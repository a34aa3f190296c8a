/**
 * Where saved user models live: IndexedDB in the browser (written from the worker), a Map in
 * Node, where there is no IndexedDB. Meta and files are separate object stores written in one
 * transaction, so listing reads no weights and a failed write (quota) leaves nothing half saved.
 */
import type { ModelFiles, UserModelMeta } from '../../api-finetune.ts';
import { WorkerError } from '../errors.ts';

export interface UserModelStore {
  list(): Promise<UserModelMeta[]>;
  get(id: string): Promise<ModelFiles | undefined>;
  /** Adds or replaces the model; throws a 'storage-full' WorkerError when the quota is reached. */
  put(files: ModelFiles): Promise<void>;
  delete(id: string): Promise<void>;
}

export function storageFull(error: unknown): WorkerError | undefined {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name !== 'QuotaExceededError') return undefined;
  return new WorkerError('storage-full', 'storage full: this browser has no room left for the model; delete a saved model or free space for this site, then save again (nothing saved before was lost)');
}

/** Node and tests: an optional byte budget stands in for the browser's quota. */
export class MemoryStore implements UserModelStore {
  private readonly models = new Map<string, ModelFiles>();

  constructor(private readonly capacityBytes = Infinity) {}

  private used(except?: string): number {
    let bytes = 0;
    for (const [id, m] of this.models) if (id !== except) bytes += m.weights.byteLength + m.modelJson.length + m.card.length;
    return bytes;
  }

  list(): Promise<UserModelMeta[]> {
    return Promise.resolve([...this.models.values()].map((m) => structuredClone(m.meta)));
  }

  get(id: string): Promise<ModelFiles | undefined> {
    const m = this.models.get(id);
    return Promise.resolve(m ? structuredClone(m) : undefined);
  }

  put(files: ModelFiles): Promise<void> {
    const bytes = files.weights.byteLength + files.modelJson.length + files.card.length;
    if (this.used(files.meta.id) + bytes > this.capacityBytes) {
      const full = storageFull(new DOMException('the store is over its quota', 'QuotaExceededError'));
      return Promise.reject(full ?? new Error('quota'));
    }
    this.models.set(files.meta.id, structuredClone(files));
    return Promise.resolve();
  }

  delete(id: string): Promise<void> {
    this.models.delete(id);
    return Promise.resolve();
  }
}

const DB_NAME = 'hilum-user-models';
const META = 'meta';
const FILES = 'files';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => { resolve(req.result); };
    req.onerror = () => { reject(req.error ?? new Error('IndexedDB request failed')); };
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => { resolve(); };
    // A quota error surfaces as the transaction's abort; every write in it is rolled back.
    tx.onabort = () => { reject(tx.error ?? new Error('IndexedDB transaction aborted')); };
    tx.onerror = () => { reject(tx.error ?? new Error('IndexedDB transaction failed')); };
  });
}

export class IndexedDbStore implements UserModelStore {
  private db: Promise<IDBDatabase> | undefined;

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore(META);
        req.result.createObjectStore(FILES);
      };
      req.onsuccess = () => { resolve(req.result); };
      req.onerror = () => { reject(req.error ?? new Error('IndexedDB could not be opened')); };
    });
    return this.db;
  }

  async list(): Promise<UserModelMeta[]> {
    const db = await this.open();
    return request(db.transaction(META).objectStore(META).getAll() as IDBRequest<UserModelMeta[]>);
  }

  async get(id: string): Promise<ModelFiles | undefined> {
    const db = await this.open();
    const tx = db.transaction([META, FILES]);
    const meta = await request(tx.objectStore(META).get(id) as IDBRequest<UserModelMeta | undefined>);
    const files = await request(tx.objectStore(FILES).get(id) as IDBRequest<Omit<ModelFiles, 'meta'> | undefined>);
    return meta && files ? { ...files, meta } : undefined;
  }

  async put(files: ModelFiles): Promise<void> {
    const db = await this.open();
    const { meta, ...rest } = files;
    try {
      const tx = db.transaction([META, FILES], 'readwrite');
      tx.objectStore(FILES).put(rest, meta.id);
      tx.objectStore(META).put(meta, meta.id);
      await done(tx);
    } catch (error) {
      throw storageFull(error) ?? error;
    }
  }

  async delete(id: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction([META, FILES], 'readwrite');
    tx.objectStore(META).delete(id);
    tx.objectStore(FILES).delete(id);
    await done(tx);
  }
}
