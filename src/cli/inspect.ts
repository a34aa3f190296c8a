/**
 * `npm run cli -- inspect [--json] <files or folders...>`: one line per file, with the same
 * DICOM code the app runs. A file that fails gets its error; the others still report.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openDicom } from '../dicom/open.ts';
import { pixelStats, type PixelStats } from '../dicom/image-frame.ts';
import { DicomError } from '../dicom/errors.ts';
import { useNodeCodecs } from './node-codecs.ts';

useNodeCodecs();

export interface InspectResult {
  file: string;
  ok: boolean;
  error?: string;
  errorCode?: string;
  modality?: string;
  transferSyntaxUID?: string;
  rows?: number;
  columns?: number;
  frames?: number;
  photometricInterpretation?: string;
  bitsAllocated?: number;
  bitsStored?: number;
  pixelRepresentation?: number;
  pixelStats?: PixelStats;
}

export function* walk(paths: readonly string[]): Generator<string> {
  for (const path of paths) {
    if (statSync(path).isDirectory()) yield* walk(readdirSync(path).sort().map((name) => join(path, name)));
    else yield path;
  }
}

export async function inspectFile(file: string): Promise<InspectResult> {
  const result: InspectResult = { file, ok: false };
  try {
    const image = await openDicom(new Uint8Array(readFileSync(file)));
    const { info } = image;
    Object.assign(result, {
      modality: image.dataSet.string('x00080060') ?? '', transferSyntaxUID: image.transferSyntaxUID,
      rows: info.rows, columns: info.columns, frames: info.frames, photometricInterpretation: info.photometric,
      bitsAllocated: info.bitsAllocated, bitsStored: info.bitsStored, pixelRepresentation: info.pixelRepresentation,
    });
    const frames: Float32Array[] = [];
    for (let i = 0; i < info.frames; i++) frames.push((await image.decodeFrame(i)).pixels);
    result.pixelStats = pixelStats(frames);
    result.ok = true;
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    if (error instanceof DicomError) result.errorCode = error.code;
  }
  return result;
}

export async function inspect(args: readonly string[]): Promise<number> {
  const json = args.includes('--json');
  const paths = args.filter((a) => a !== '--json');
  if (paths.length === 0) {
    console.error('usage: npm run cli -- inspect [--json] <files or folders...>');
    return 2;
  }
  let failed = 0;
  for (const file of walk(paths)) {
    const r = await inspectFile(file);
    if (!r.ok) failed++;
    if (json) console.log(JSON.stringify(r));
    else if (r.ok) console.log(`${r.file}: ${r.modality} ${r.columns}x${r.rows}x${r.frames} ${r.photometricInterpretation} min ${r.pixelStats?.min} max ${r.pixelStats?.max} mean ${r.pixelStats?.mean.toFixed(2)}`);
    else console.log(`${r.file}: cannot read: ${r.error}`);
  }
  return failed > 0 ? 1 : 0;
}
