/**
 * Validation of models/manifest.json. Shared by the worker (which trusts nothing it fetches)
 * and the Node tests, so it has no DOM and no tfjs.
 */
import type { MaskPostprocess, ModelEntry, ModelFile, ModelManifest } from './api.ts';
import { parseScope } from './scope.ts';
import type { Calibration } from './calibration.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SAFE_PATH = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/i;
const SHA256 = /^[0-9a-f]{64}$/;
/** One model may not ask the worker to fetch more than this; a hostile manifest stays bounded. */
export const MAX_MODEL_BYTES = 64 * 1024 * 1024;

function parseFile(value: unknown, where: string): ModelFile {
  if (!isRecord(value)) throw new Error(`${where}: not an object`);
  const { path, bytes, sha256 } = value;
  if (typeof path !== 'string' || !SAFE_PATH.test(path) || path.includes('..')) throw new Error(`${where}: bad path`);
  if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes <= 0) throw new Error(`${where}: bad byte count`);
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) throw new Error(`${where}: bad sha256`);
  return { path, bytes, sha256 };
}

function parsePostprocess(value: unknown, where: string): MaskPostprocess | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new Error(`${where}: bad postprocess`);
  const { mirrorAverage, volumeRegionFraction } = value;
  if (mirrorAverage !== undefined && typeof mirrorAverage !== 'boolean') throw new Error(`${where}: bad postprocess.mirrorAverage`);
  if (volumeRegionFraction !== undefined && (typeof volumeRegionFraction !== 'number' || !(volumeRegionFraction > 0 && volumeRegionFraction <= 1))) {
    throw new Error(`${where}: bad postprocess.volumeRegionFraction`);
  }
  return { ...(mirrorAverage === undefined ? {} : { mirrorAverage }), ...(volumeRegionFraction === undefined ? {} : { volumeRegionFraction }) };
}

function parseCalibration(value: unknown, where: string): Calibration | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || value.method !== 'platt' || typeof value.a !== 'number' || typeof value.b !== 'number') throw new Error(`${where}: bad calibration`);
  // a <= 0 would reverse or flatten the ranking; the fit never gives one.
  if (!(value.a > 0) || !Number.isFinite(value.a) || !Number.isFinite(value.b)) throw new Error(`${where}: calibration must be increasing`);
  return { method: 'platt', a: value.a, b: value.b };
}

function parseEntry(value: unknown, index: number): ModelEntry {
  const where = `models[${index}]`;
  if (!isRecord(value)) throw new Error(`${where}: not an object`);
  const { id, name, version, task, labels, positiveIndex, input, files, card, summary, operatingPoint, gate } = value;
  const scope = parseScope(value.scope, where);
  const postprocess = parsePostprocess(value.postprocess, where);
  const calibration = parseCalibration(value.calibration, where);
  if (typeof id !== 'string' || !SAFE_PATH.test(id)) throw new Error(`${where}: bad id`);
  if (typeof name !== 'string' || typeof version !== 'string') throw new Error(`${where}: name and version must be strings`);
  if (task !== 'classification' && task !== 'segmentation') throw new Error(`${where}: unknown task ${String(task)}`);
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string')) throw new Error(`${where}: bad labels`);
  if (typeof positiveIndex !== 'number' || positiveIndex < 0 || positiveIndex >= labels.length) throw new Error(`${where}: bad positiveIndex`);
  if (!isRecord(input)) throw new Error(`${where}: bad input`);
  const { width, height, channels, preprocessing } = input;
  if (typeof width !== 'number' || typeof height !== 'number' || width < 1 || height < 1 || width > 1024 || height > 1024) {
    throw new Error(`${where}: bad input size`);
  }
  if (channels !== 1 || preprocessing !== 'unit-range') throw new Error(`${where}: unsupported input`);
  if (!Array.isArray(files) || files.length === 0) throw new Error(`${where}: no files`);
  const parsed = files.map((f, i) => parseFile(f, `${where}.files[${i}]`));
  const sizeBytes = parsed.reduce((sum, f) => sum + f.bytes, 0);
  if (sizeBytes > MAX_MODEL_BYTES) throw new Error(`${where}: ${sizeBytes} bytes is over the limit`);
  if (!parsed.some((f) => f.path.endsWith('model.json'))) throw new Error(`${where}: no model.json`);
  if (operatingPoint !== undefined && (typeof operatingPoint !== 'number' || operatingPoint <= 0 || operatingPoint >= 1)) throw new Error(`${where}: bad operatingPoint`);
  if (gate !== undefined && (typeof gate !== 'string' || !parsed.some((f) => f.path === gate))) throw new Error(`${where}: gate must be one of its files`);
  return {
    ...(operatingPoint === undefined ? {} : { operatingPoint }),
    ...(gate === undefined ? {} : { gate: gate as string }),
    ...(scope === undefined ? {} : { scope }),
    ...(postprocess === undefined ? {} : { postprocess }),
    ...(calibration === undefined ? {} : { calibration }),
    id, name, version, task, labels: labels as string[], positiveIndex,
    input: { width, height, channels, preprocessing }, files: parsed, sizeBytes,
    card: typeof card === 'string' ? card : '', summary: typeof summary === 'string' ? summary : '',
  };
}

export function parseManifest(json: unknown): ModelManifest {
  if (!isRecord(json) || !Array.isArray(json.models)) throw new Error('manifest: no models list');
  const models = json.models.map(parseEntry);
  const ids = new Set(models.map((m) => m.id));
  if (ids.size !== models.length) throw new Error('manifest: duplicate model ids');
  return { models };
}

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
