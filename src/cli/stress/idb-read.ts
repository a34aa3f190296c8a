/**
 * What this origin's IndexedDB holds, read in the page with the raw API (nothing of the app's
 * own state), for the stress checks' "nothing lost". Binary values (a Blob, an ArrayBuffer or
 * a typed array, or such a field of a record) come back as their size and the start of their SHA-256,
 * so two reads compare bytes without shipping them out of the page.
 */
import type { Page } from 'playwright-core';

export interface StoredBytes {
  bytes: number;
  sha256: string;
}

export interface StoredRow {
  key: string;
  /** The record; binary values (and binary fields) replaced by StoredBytes. */
  value: unknown;
}

/**
 * Every record of each [database, store], in key order; an empty list for a database or store
 * the app has not made (the look aborts the upgrade, so it creates nothing). Only anonymous
 * callbacks inside the evaluated function: tsx names declared functions with a helper the
 * page lacks.
 */
export function readStores(page: Page, places: readonly (readonly [string, string])[]): Promise<StoredRow[][]> {
  return page.evaluate(async (where) => Promise.all(where.map(([name, store]) => new Promise<{ key: IDBValidKey; value: unknown }[]>((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onupgradeneeded = () => { req.transaction?.abort(); };
    req.onerror = () => { resolve([]); };
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(store)) {
        db.close();
        resolve([]);
        return;
      }
      const out: { key: IDBValidKey; value: unknown }[] = [];
      const cursor = db.transaction(store).objectStore(store).openCursor();
      cursor.onsuccess = () => {
        const at = cursor.result;
        if (!at) {
          db.close();
          resolve(out);
          return;
        }
        out.push({ key: at.key, value: at.value });
        at.continue();
      };
      cursor.onerror = () => { reject(cursor.error ?? new Error(`cannot read ${store}`)); };
    };
  }).then((rows) => Promise.all(rows.map(async ({ key, value }) => {
    // A record's fields, or the value itself under '': each binary one becomes its size and digest.
    const isRecord = value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Blob) && !(value instanceof ArrayBuffer) && !ArrayBuffer.isView(value);
    const parts = await Promise.all((isRecord ? Object.entries(value) : [['', value] as [string, unknown]]).map(async ([field, v]) => {
      const buffer = v instanceof Blob ? await v.arrayBuffer() : v instanceof ArrayBuffer ? v : ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice().buffer : undefined;
      if (!buffer) return [field, v] as [string, unknown];
      const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', buffer))].map((b) => b.toString(16).padStart(2, '0')).join('');
      return [field, { bytes: buffer.byteLength, sha256: digest.slice(0, 16) }] as [string, unknown];
    }));
    return { key: String(key), value: isRecord ? Object.fromEntries(parts) : parts[0]?.[1] };
  }))))), places);
}
