/**
 * A CD's DICOMDIR: the Referenced File IDs of its IMAGE (and other instance) records, as
 * paths relative to the DICOMDIR's folder, so a dropped CD folder opens every image it lists.
 */
import { parseDicom } from './parse.ts';
import { DicomError } from './errors.ts';

export interface DicomdirEntry {
  /** Path components joined with '/', as written (CDs use upper case 8.3 names). */
  path: string;
  recordType: string;
}

const MEDIA_STORAGE_DICOMDIR = '1.2.840.10008.1.3.10';

export function isDicomdirName(name: string): boolean {
  return name.split('/').pop()?.toUpperCase() === 'DICOMDIR';
}

export async function readDicomdir(bytes: Uint8Array): Promise<DicomdirEntry[]> {
  const { dataSet } = await parseDicom(bytes);
  if ((dataSet.string('x00020002') ?? '').trim() !== MEDIA_STORAGE_DICOMDIR && !dataSet.elements.x00041220) {
    throw new DicomError('invalid', 'not a DICOMDIR');
  }
  const records = dataSet.elements.x00041220?.items ?? [];
  const entries: DicomdirEntry[] = [];
  for (const item of records) {
    const record = item.dataSet;
    const fileId = record?.string('x00041500');
    if (!record || !fileId) continue;
    const parts = fileId.split('\\').map((p) => p.trim()).filter(Boolean);
    if (parts.some((p) => p === '..' || p.includes('/'))) continue;
    entries.push({ path: parts.join('/'), recordType: (record.string('x00041430') ?? '').trim() });
  }
  return entries;
}

/** Find a referenced file among dropped paths: CD file systems are case-insensitive. */
export function resolveReferenced(dicomdirPath: string, entry: DicomdirEntry, available: ReadonlySet<string>): string | undefined {
  const folder = dicomdirPath.includes('/') ? dicomdirPath.slice(0, dicomdirPath.lastIndexOf('/') + 1) : '';
  const wanted = `${folder}${entry.path}`.toUpperCase();
  for (const path of available) if (path.toUpperCase() === wanted) return path;
  return undefined;
}
