/** Save bytes made on this device as a file: an object URL and a clicked <a download>; nothing is uploaded. */
export function download(parts: BlobPart[], type: string, name: string): void {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has started the download once click() returns; free the blob a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from a dropped file's key (a path or name), without folders or extension. */
export function baseName(key: string): string {
  const last = key.split('/').pop() ?? key;
  const stem = last.replace(/\.[^.]*$/, '') || last;
  return stem.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'image';
}
