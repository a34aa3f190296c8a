/**
 * `npm run cli -- evaluate --task ood --data <folder> [--split name|all]`: how often the
 * pneumonia model's applicability gate accepts the images of a folder. With labels.csv or
 * index.csv the listed images of the split are used; otherwise every PNG, JPEG and DICOM file
 * found (first frame), identified by content. Files that cannot be read are counted, not fatal.
 * As in the app, a colour image is out of scope whatever the gate says (ml/scope.ts): it counts
 * as rejected, and `colour` says how many were.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ImageFrame } from '../dicom/image-frame.ts';
import { bootstrap, type Estimate } from '../ml/bootstrap.ts';
import { parseGate, predictWithGate } from '../ml/worker/gate.ts';
import { toModelInput } from '../ml/worker/preprocess.ts';
import { openDicom } from '../dicom/open.ts';
import { sniff } from '../dicom/sniff.ts';
import { frameToGrey } from '../imaging/to-grey.ts';
import { readCsv, rowsOfSplit } from './kermany.ts';
import { decodeJpegFrame } from './jpeg.ts';
import { readPngFrame } from './png.ts';
import { walk } from './inspect.ts';
import { loadShippedModel } from './load-model.ts';
import { MODELS_DIR } from './model-files.ts';
import { useNodeCodecs } from './node-codecs.ts';

export interface OodReport {
  task: 'ood';
  model: string;
  split: string;
  n: number;
  unreadable: number;
  /** Images rejected because they are in colour, before the gate was asked. */
  colour: number;
  acceptance: Estimate;
  /** The files judged against the majority (by the gate or, rejected, by colour), relative to the folder: what to look at. */
  minority: { verdict: 'accepted' | 'rejected'; files: string[] };
}

function listedImages(data: string, split: string): string[] | undefined {
  for (const [csv, column] of [['labels.csv', 'path'], ['index.csv', 'image']] as const) {
    if (existsSync(join(data, csv))) return rowsOfSplit(readCsv(join(data, csv)), split).map((r) => join(data, r[column] ?? ''));
  }
  return undefined;
}

async function readFrame(path: string): Promise<ImageFrame | undefined> {
  const bytes = new Uint8Array(readFileSync(path));
  const kind = sniff(bytes);
  // A damaged file is counted as unreadable, not fatal.
  try {
    if (kind === 'png') return readPngFrame(bytes);
    if (kind === 'jpeg') return await decodeJpegFrame(bytes);
    if (kind !== 'dicom' && kind !== 'dicom-raw') return undefined;
    return await (await openDicom(bytes)).decodeFrame(0);
  } catch {
    return undefined;
  }
}

export async function evaluateOod(data: string, split: string, modelId: string): Promise<OodReport> {
  useNodeCodecs();
  const { entry, model } = await loadShippedModel(modelId);
  if (!entry.gate) throw new Error(`${modelId} has no applicability gate`);
  const gateBytes = readFileSync(join(MODELS_DIR, entry.id, entry.gate));
  const gate = parseGate(gateBytes.buffer.slice(gateBytes.byteOffset, gateBytes.byteOffset + gateBytes.byteLength) as ArrayBuffer, model);
  const accepted: number[] = [];
  const paths: string[] = [];
  let unreadable = 0;
  let colour = 0;
  const listed = listedImages(data, split);
  for (const path of listed ?? walk([data])) {
    const frame = await readFrame(path);
    if (!frame) {
      unreadable++;
      continue;
    }
    paths.push(relative(data, path));
    if (frame.samples === 3) {
      colour++;
      accepted.push(0);
      continue;
    }
    const input = tf.tidy(() => toModelInput(frameToGrey(frame), entry.input));
    const { applicability } = await predictWithGate(gate, input);
    input.dispose();
    accepted.push(applicability.applies ? 1 : 0);
  }
  const acceptance = bootstrap(accepted.length, (idx) => idx.reduce((s, i) => s + (accepted[i] ?? 0), 0) / idx.length);
  const verdict = acceptance.value < 0.5 ? 'accepted' : 'rejected';
  const files = paths.filter((_, i) => (accepted[i] === 1) === (verdict === 'accepted'));
  // Without a labels.csv or index.csv every file is used, whatever --split said.
  return { task: 'ood', model: entry.id, split: listed ? split : 'all', n: accepted.length, unreadable, colour, acceptance, minority: { verdict, files } };
}
