/**
 * A deck as ONE zip: `deck.json`, `files/<case>/<name>` (the DICOM or PNG bytes as dropped)
 * and, when the teacher carries one, `model/` (model.json, weights.bin, card.md, meta.json).
 * Reading streams the zip and counts the bytes each entry really inflates to, so a zip bomb or
 * a lying header is stopped at the cap, not after it has filled memory. Runs in Node and the page.
 */
import { Unzip, UnzipInflate, Zip, ZipDeflate, type UnzipFile } from 'fflate';
import type { ModelFiles } from '../ml/api-finetune.ts';
import { fromPicked } from './model-bundle.ts';
import { DECK_LIMITS, type Deck } from './deck.ts';
import { checkDeck, entryNameProblem } from './deck-validate.ts';

export const MODEL_ENTRIES = ['model/model.json', 'model/weights.bin', 'model/card.md', 'model/meta.json'] as const;

export type ReadDeck = { ok: true; deck: Deck; files: Map<string, Blob>; model?: ModelFiles } | { ok: false; reason: string };

const mib = (bytes: number): string => `${Math.round(bytes / 1024 ** 2)} MiB`;
// fflate's chunks are plain Uint8Arrays over ArrayBuffers; the DOM types ask for that to be said.
const part = (chunk: Uint8Array): BlobPart => chunk as Uint8Array<ArrayBuffer>;

async function addEntry(zip: Zip, name: string, data: Blob | string, level: 0 | 1 | 6): Promise<void> {
  const entry = new ZipDeflate(name, { level });
  zip.add(entry);
  if (typeof data === 'string') {
    entry.push(new TextEncoder().encode(data), true);
    return;
  }
  const reader = data.stream().getReader();
  for (let next = await reader.read(); ; next = await reader.read()) {
    if (next.done) break;
    entry.push(next.value, false);
  }
  entry.push(new Uint8Array(0), true);
}

/** The zip, built entry by entry: each file is read once and never held twice. */
export async function writeDeckZip(deck: Deck, files: ReadonlyMap<string, Blob>, model?: ModelFiles): Promise<Blob> {
  const checked = checkDeck(deck, new Set(files.keys()));
  if (!checked.ok) throw new Error(`the deck cannot be exported: ${checked.reason}`);
  const out: BlobPart[] = [];
  let failure: Error | undefined;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else out.push(part(chunk));
  });
  await addEntry(zip, 'deck.json', JSON.stringify(deck, null, 2), 6);
  const wanted = new Set(deck.cases.flatMap((c) => c.files));
  for (const [path, blob] of files) if (wanted.has(path)) await addEntry(zip, path, blob, 1);
  if (model) {
    await addEntry(zip, 'model/model.json', model.modelJson, 6);
    await addEntry(zip, 'model/weights.bin', new Blob([model.weights]), 1);
    await addEntry(zip, 'model/card.md', model.card, 6);
    await addEntry(zip, 'model/meta.json', JSON.stringify(model.meta, null, 2), 6);
  }
  zip.end();
  if (failure) throw failure;
  return new Blob(out, { type: 'application/zip' });
}

/** Inflates the entries as the zip streams in, refusing at the first broken rule. */
class Collector {
  readonly entries = new Map<string, BlobPart[]>();
  failure: string | undefined;
  private total = 0;

  onFile(file: UnzipFile): void {
    if (this.failure) return;
    const name = file.name;
    if (name.endsWith('/')) return;
    const problem = entryNameProblem(name) ?? this.entryProblem(file);
    if (problem) {
      this.failure = problem;
      return;
    }
    const chunks: BlobPart[] = [];
    this.entries.set(name, chunks);
    const cap = name === 'deck.json' ? DECK_LIMITS.deckJsonBytes : DECK_LIMITS.entryBytes;
    let size = 0;
    file.ondata = (error, chunk) => {
      if (this.failure) return;
      if (error) return this.fail(`"${name}" is damaged (${error.message})`, file);
      size += chunk.length;
      this.total += chunk.length;
      if (size > cap) return this.fail(`"${name}" inflates to more than ${mib(cap)}, the most one entry may hold`, file);
      if (this.total > DECK_LIMITS.totalBytes) return this.fail(`the zip inflates to more than ${mib(DECK_LIMITS.totalBytes)}, the most a deck may hold`, file);
      chunks.push(part(chunk));
    };
    try {
      file.start();
    } catch (error) {
      this.fail(`"${name}" cannot be read (${error instanceof Error ? error.message : String(error)})`, file);
    }
  }

  private entryProblem(file: UnzipFile): string | undefined {
    const name = file.name;
    if (this.entries.has(name)) return `the entry "${name}" appears twice`;
    if (this.entries.size >= DECK_LIMITS.entries) return `the zip has more than ${DECK_LIMITS.entries} entries`;
    if (name !== 'deck.json' && !name.startsWith('files/') && !(MODEL_ENTRIES as readonly string[]).includes(name)) return `the entry "${name}" is not part of a Hilum deck (expected deck.json, files/ and model/)`;
    const declared = file.originalSize ?? 0;
    if (declared > DECK_LIMITS.entryBytes || declared > DECK_LIMITS.totalBytes - this.total) return `"${name}" declares ${mib(declared)} uncompressed, more than a deck may hold (${mib(DECK_LIMITS.entryBytes)} an entry, ${mib(DECK_LIMITS.totalBytes)} in all)`;
    if (file.compression !== 0 && file.compression !== 8) return `"${name}" uses compression method ${file.compression}; only stored and deflated entries are read`;
    return undefined;
  }

  private fail(reason: string, file: UnzipFile): void {
    this.failure = reason;
    file.terminate();
  }
}

async function collect(blob: Blob): Promise<Collector> {
  const collector = new Collector();
  const unzip = new Unzip((file) => collector.onFile(file));
  unzip.register(UnzipInflate);
  const reader = blob.stream().getReader();
  try {
    for (let next = await reader.read(); ; next = await reader.read()) {
      if (collector.failure) break;
      unzip.push(next.value ?? new Uint8Array(0), next.done);
      if (next.done) break;
    }
  } catch (error) {
    collector.failure ??= `the zip is damaged (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return collector;
}

async function readModel(entries: ReadonlyMap<string, BlobPart[]>): Promise<ModelFiles | string> {
  const missing = MODEL_ENTRIES.filter((name) => !entries.has(name));
  if (missing.length > 0) return `the deck says it carries a model, but the zip lacks ${missing.join(', ')}`;
  const picked = MODEL_ENTRIES.map((name) => new File(entries.get(name) ?? [], name.slice('model/'.length)));
  const parsed = await fromPicked(picked);
  return parsed.ok ? parsed.files : `its model is not usable: ${parsed.reason}`;
}

/** Everything checked before anything is used: a refusal says why, in a sentence. */
export async function readDeckZip(blob: Blob): Promise<ReadDeck> {
  const refuse = (reason: string): ReadDeck => ({ ok: false, reason: `This deck was not imported: ${reason}.` });
  if (blob.size > DECK_LIMITS.zipBytes) return refuse(`the file is ${mib(blob.size)}; a deck may be at most ${mib(DECK_LIMITS.zipBytes)}`);
  const magic = new Uint8Array(await blob.slice(0, 4).arrayBuffer());
  if (magic[0] !== 0x50 || magic[1] !== 0x4b || magic[2] !== 3 || magic[3] !== 4) return refuse('the file is not a zip');
  const { entries, failure } = await collect(blob);
  if (failure) return refuse(failure);
  const json = entries.get('deck.json');
  if (!json) return refuse('there is no deck.json in the zip');
  let value: unknown;
  try {
    value = JSON.parse(await new Blob(json).text());
  } catch {
    return refuse('deck.json is not valid JSON');
  }
  const checked = checkDeck(value, new Set(entries.keys()));
  if (!checked.ok) return refuse(checked.reason);
  const deck = checked.value;
  const files = new Map(deck.cases.flatMap((c) => c.files).map((path) => [path, new Blob(entries.get(path) ?? [])]));
  if (!deck.model) return { ok: true, deck, files };
  const model = await readModel(entries);
  return typeof model === 'string' ? refuse(model) : { ok: true, deck, files, model };
}
