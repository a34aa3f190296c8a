import type { InputFile, OpenedFile } from '../imaging/api.ts';

/**
 * Everything a user can drop or pick, flattened to files with their folder paths: plain
 * files, many files, and whole folders (directory entries walked recursively); and their
 * bytes, read for the imaging worker.
 */
export interface PickedFile {
  path: string;
  file: File;
}

/**
 * Files whose reads start in one task. Even starting a read of a picked file costs the page's
 * thread a synchronous question to the browser (0.2-1 ms a file, more on a busy machine), so
 * a batch starts its reads a few at a time, each few in a task of its own.
 */
const READ_CHUNK = 4;

export interface ReadBatch {
  inputs: InputFile[];
  /** Files that could not be read (moved or deleted since they were picked): each its own error. */
  unread: OpenedFile[];
  /** How many of the picked files this and the earlier batches cover. */
  done: number;
}

/**
 * The picked files' bytes in batches of at most `maxFiles` files, closed early once they hold
 * `maxBytes`: a folder of large films is never all in memory at once. A file's size is known
 * only once it is read (asking for it first is the synchronous question above).
 */
export async function* readBatches(picked: readonly PickedFile[], maxFiles: number, maxBytes: number): AsyncGenerator<ReadBatch> {
  let batch: ReadBatch = { inputs: [], unread: [], done: 0 };
  let bytes = 0;
  for (let i = 0; i < picked.length; i += READ_CHUNK) {
    const chunk = picked.slice(i, Math.min(i + READ_CHUNK, picked.length));
    const read = await Promise.allSettled(chunk.map((p) => p.file.arrayBuffer()));
    read.forEach((r, k) => {
      const key = chunk[k]?.path ?? '';
      if (r.status === 'fulfilled') {
        batch.inputs.push({ key, bytes: r.value });
        bytes += r.value.byteLength;
      } else {
        batch.unread.push({ key, ok: false, error: r.reason instanceof Error ? r.reason.message : String(r.reason) });
      }
    });
    batch.done = i + chunk.length;
    const last = batch.done === picked.length;
    if (last || bytes >= maxBytes || batch.inputs.length + batch.unread.length >= maxFiles) {
      yield batch;
      batch = { inputs: [], unread: [], done: batch.done };
      bytes = 0;
    }
  }
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walkEntry(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: entry.fullPath.replace(/^\//, ''), file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most 100 entries a call; keep reading until it returns none.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const child of batch) await walkEntry(child, out);
  }
}

export async function filesFromDrop(transfer: DataTransfer): Promise<PickedFile[]> {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return [...transfer.files].map((file) => ({ path: file.name, file }));
  const out: PickedFile[] = [];
  for (const entry of entries) await walkEntry(entry, out);
  return out;
}

export function filesFromInput(list: FileList | null): PickedFile[] {
  return [...(list ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}
