/**
 * A user model as one JSON file: model.json, the weights (base64), the card and the meta in a
 * single download that re-imports with one file pick, in this browser or another. The four
 * separate files are accepted too. Only the shape is checked here; the worker validates shapes,
 * sizes and byte counts before it stores anything, and its refusal is shown as it says.
 */
import type { ModelFiles, UserModelMeta } from '../ml/api-finetune.ts';

export const BUNDLE_FORMAT = 'hilum-user-model';
export const BUNDLE_VERSION = 1;

interface Bundle {
  format: typeof BUNDLE_FORMAT;
  version: number;
  meta: UserModelMeta;
  modelJson: string;
  card: string;
  weightsBase64: string;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  // In slices: String.fromCharCode with millions of arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

export function toBundle(files: ModelFiles): string {
  const bundle: Bundle = { format: BUNDLE_FORMAT, version: BUNDLE_VERSION, meta: files.meta, modelJson: files.modelJson, card: files.card, weightsBase64: toBase64(new Uint8Array(files.weights)) };
  return JSON.stringify(bundle);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export type Parsed = { ok: true; files: ModelFiles } | { ok: false; reason: string };

function parseMeta(value: unknown): UserModelMeta | undefined {
  if (!isRecord(value) || typeof value.name !== 'string' || !Array.isArray(value.classNames)) return undefined;
  return value as unknown as UserModelMeta;
}

export function fromBundle(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the file is not JSON' };
  }
  if (!isRecord(value) || value.format !== BUNDLE_FORMAT) return { ok: false, reason: `the file is not a Hilum model export (no "format": "${BUNDLE_FORMAT}")` };
  if (value.version !== BUNDLE_VERSION) return { ok: false, reason: `it is version ${String(value.version)} of the export format; this Hilum reads version ${BUNDLE_VERSION}` };
  const meta = parseMeta(value.meta);
  if (!meta || typeof value.modelJson !== 'string' || typeof value.card !== 'string' || typeof value.weightsBase64 !== 'string') return { ok: false, reason: 'the export lacks its meta, model.json, card or weights' };
  try {
    return { ok: true, files: { meta, modelJson: value.modelJson, card: value.card, weights: fromBase64(value.weightsBase64) } };
  } catch {
    return { ok: false, reason: 'its weights are not valid base64' };
  }
}

/**
 * The largest export file read at all: the worker's caps (20 MB of weights, as base64, a 4 MB
 * model.json, a 64 kB card) with room to spare. A bigger file is refused before it is read, so a
 * huge JSON cannot fill the page's memory or stall it in JSON.parse.
 */
export const MAX_BUNDLE_BYTES = 40 * 1024 * 1024;

export interface NamedFile {
  name: string;
  size?: number;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** One bundle, or model.json + weights.bin + card.md + meta.json picked together. */
export async function fromPicked(picked: readonly NamedFile[]): Promise<Parsed> {
  const big = picked.find((f) => (f.size ?? 0) > MAX_BUNDLE_BYTES);
  if (big) return { ok: false, reason: `${big.name} is ${((big.size ?? 0) / 1024 ** 2).toFixed(0)} MB; a Hilum model export is at most ${MAX_BUNDLE_BYTES / 1024 ** 2} MB, so it was not read` };
  const single = picked[0];
  if (picked.length === 1 && single) return fromBundle(await single.text());
  const find = (test: (name: string) => boolean): NamedFile | undefined => picked.find((f) => test(f.name.toLowerCase()));
  const model = find((n) => n.endsWith('model.json'));
  const weights = find((n) => n.endsWith('.bin'));
  const card = find((n) => n.endsWith('.md'));
  const metaFile = find((n) => n.endsWith('meta.json'));
  const missing = [!model && 'model.json', !weights && 'weights.bin', !card && 'card.md', !metaFile && 'meta.json'].filter((m): m is string => typeof m === 'string');
  if (!model || !weights || !card || !metaFile) return { ok: false, reason: `pick the one exported .json file, or all four files; missing: ${missing.join(', ')}` };
  let meta: UserModelMeta | undefined;
  try {
    meta = parseMeta(JSON.parse(await metaFile.text()));
  } catch {
    meta = undefined;
  }
  if (!meta) return { ok: false, reason: `${metaFile.name} is not a Hilum model's meta` };
  return { ok: true, files: { meta, modelJson: await model.text(), card: await card.text(), weights: await weights.arrayBuffer() } };
}
