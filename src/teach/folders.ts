/**
 * Labelled folders: the subfolder a file sits in names its class, whether the user picked the
 * folder that holds the class folders (`data/normal/a.png`) or dropped the class folders
 * themselves (`normal/a.png`). Files deeper down (`tb/patient1/study/x.dcm`) belong to the
 * class folder above them.
 */

/** Class name per path; files directly in the picked folder have no class and are left out. */
export function classesFromPaths(paths: readonly string[]): Map<string, string> {
  const parts = paths.map((p) => p.split('/').filter((s) => s.length > 0));
  const firsts = new Set(parts.map((p) => p[0]));
  // One common top folder holding two or more folders: that top is the picked folder, not a class.
  const seconds = new Set(parts.filter((p) => p.length >= 3).map((p) => p[1]));
  const strip = firsts.size === 1 && seconds.size >= 2 ? 1 : 0;
  const out = new Map<string, string>();
  paths.forEach((path, i) => {
    const rest = (parts[i] ?? []).slice(strip);
    const name = rest[0];
    if (rest.length >= 2 && name) out.set(path, name);
  });
  return out;
}

export interface FolderMapping {
  /** Folder name to the model's label index. */
  mapped: Map<string, number>;
  /** Folders with no label of the same name; their images are left out of the evaluation. */
  unmapped: string[];
}

/** Folders to a model's labels by name, ignoring case and surrounding space. */
export function mapFolders(folders: readonly string[], labels: readonly string[]): FolderMapping {
  const key = (s: string): string => s.trim().toLowerCase();
  const mapped = new Map<string, number>();
  const unmapped: string[] = [];
  for (const folder of [...new Set(folders)].sort()) {
    const index = labels.findIndex((l) => key(l) === key(folder));
    if (index >= 0) mapped.set(folder, index);
    else unmapped.push(folder);
  }
  return { mapped, unmapped };
}
