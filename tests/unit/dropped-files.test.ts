/**
 * A dropped folder is walked to the last file: nested folders, and directories that hand out
 * their entries in batches of 100 (as Chromium's readEntries does) until an empty batch. A
 * batch's bytes are read file by file, and a file that can no longer be read is its own error.
 */
import { describe, expect, it } from 'vitest';
import { filesFromDrop, readBatches, type PickedFile } from '../../src/state/dropped-files.ts';

type Entry = FileSystemFileEntry | FileSystemDirectoryEntry;

function fileEntry(fullPath: string): FileSystemFileEntry {
  const name = fullPath.split('/').pop() ?? '';
  return { isFile: true, isDirectory: false, name, fullPath, file: (ok: (f: File) => void) => ok(new File([fullPath], name)) } as unknown as FileSystemFileEntry;
}

function directoryEntry(fullPath: string, children: Entry[]): FileSystemDirectoryEntry {
  return {
    isFile: false, isDirectory: true, name: fullPath.split('/').pop() ?? '', fullPath,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (entries: Entry[]) => void) => {
          const batch = children.slice(at, at + 100);
          at += batch.length;
          setTimeout(() => ok(batch), 0);
        },
      };
    },
  } as unknown as FileSystemDirectoryEntry;
}

function transferOf(entries: Entry[]): DataTransfer {
  return { items: entries.map((entry) => ({ webkitGetAsEntry: () => entry })), files: [] } as unknown as DataTransfer;
}

describe('dropped folders', () => {
  it('walks nested folders and every batch of a large one', async () => {
    const series = Array.from({ length: 250 }, (_, i) => fileEntry(`/CD/DICOM/S1/IM${i}`));
    const cd = directoryEntry('/CD', [fileEntry('/CD/DICOMDIR'), directoryEntry('/CD/DICOM', [directoryEntry('/CD/DICOM/S1', series)])]);
    const picked = await filesFromDrop(transferOf([cd, fileEntry('/loose.dcm')]));
    expect(picked).toHaveLength(252);
    expect(picked[0]?.path).toBe('CD/DICOMDIR');
    expect(picked.map((p) => p.path)).toContain('CD/DICOM/S1/IM249');
    expect(picked.at(-1)?.path).toBe('loose.dcm');
    expect(await picked[1]?.file.text()).toBe('/CD/DICOM/S1/IM0');
  });

  it('takes plain files when the browser gives no entries', async () => {
    const file = new File(['x'], 'a.dcm');
    const picked = await filesFromDrop({ items: [{ webkitGetAsEntry: () => null }], files: [file] } as unknown as DataTransfer);
    expect(picked).toEqual([{ path: 'a.dcm', file }]);
  });
});

describe('readBatches', () => {
  const films = (n: number, bytes: number): PickedFile[] => Array.from({ length: n }, (_, i) => ({ path: `cd/IM${i}`, file: new File([new Uint8Array(bytes).fill(i)], `IM${i}`) }));
  const collect = async (picked: PickedFile[], maxFiles: number, maxBytes: number) => {
    const out = [];
    for await (const batch of readBatches(picked, maxFiles, maxBytes)) out.push(batch);
    return out;
  };

  it('reads every file in order, and a file that cannot be read is its own error', async () => {
    const picked = films(10, 3);
    // A file deleted after it was picked: Chromium rejects its read with NotReadableError.
    const gone = { arrayBuffer: () => Promise.reject(new DOMException('The requested file could not be read', 'NotReadableError')) } as unknown as File;
    picked[6] = { path: 'cd/IM6', file: gone };
    const [batch, ...more] = await collect(picked, 32, 1 << 20);
    expect(more).toEqual([]);
    expect(batch?.done).toBe(10);
    expect(batch?.inputs.map((f) => f.key)).toEqual(['cd/IM0', 'cd/IM1', 'cd/IM2', 'cd/IM3', 'cd/IM4', 'cd/IM5', 'cd/IM7', 'cd/IM8', 'cd/IM9']);
    expect(batch?.inputs.map((f) => [...new Uint8Array(f.bytes)])).toEqual([0, 1, 2, 3, 4, 5, 7, 8, 9].map((i) => [i, i, i]));
    expect(batch?.unread).toEqual([{ key: 'cd/IM6', ok: false, error: 'The requested file could not be read' }]);
  });

  it('closes a batch at its file count or once it holds the byte limit, never holding more than one batch', async () => {
    expect((await collect(films(70, 10), 32, 1 << 20)).map((b) => [b.inputs.length, b.done])).toEqual([[32, 32], [32, 64], [6, 70]]);
    // 1,000-byte files, 2,500 bytes a batch: full after three files, checked every four.
    expect((await collect(films(10, 1000), 32, 2500)).map((b) => [b.inputs.length, b.done])).toEqual([[4, 4], [4, 8], [2, 10]]);
  });
});
