/**
 * The imaging worker: sniffs, parses and decodes files so the page never blocks. One broken
 * file becomes one line in the summary; every other file still opens.
 */
import * as Comlink from 'comlink';
import { openDicom, type DicomImage } from '../dicom/open.ts';
import { parseDicom } from '../dicom/parse.ts';
import { sniff } from '../dicom/sniff.ts';
import { SeriesIndex, instanceRef, type SeriesInfo } from '../dicom/series.ts';
import { isDicomdirName, readDicomdir, resolveReferenced } from '../dicom/dicomdir.ts';
import { useBrowserCodecs } from '../dicom/codecs/browser-locator.ts';
import type { ImageFrame } from '../dicom/image-frame.ts';
import { decodeRasterFile } from '../render/raster.ts';
import { NOT_OPEN, type ImagingWorkerApi, type InputFile, type MemoryConfig, type MemoryStats, type OpenSummary, type OpenedFile, type ShownFrame, type Thumbnail } from './api.ts';
import { defaultWindow, lutFor, renderRgba } from '../render/window.ts';
import { readTags } from './tags.ts';
import { readSegSource, type SegSourceImage } from '../dicom/seg-source.ts';
import type { Window } from '../render/window.ts';
import { forgetShown, keepShown, shownAutoWindow, shownFrame, shownPicture } from './picture.ts';

useBrowserCodecs();

/**
 * Parsed files hold their bytes, PNG/JPEG files their decoded pixels. Only the most recently
 * used stay in memory (up to the budget the page sets from the device's memory); an evicted
 * file is re-sent by the page when it is shown again, so a 3,000-file CD does not need
 * 3,000 files' worth of memory.
 */
const DEFAULT_BUDGET = 384 * 1024 * 1024;
type Held = { image: DicomImage; raster?: undefined } | { raster: ImageFrame; image?: undefined };
const held = new Map<string, Held>();
let heldBytes = 0;
let budgetBytes = DEFAULT_BUDGET;

function sizeOf(item: Held): number {
  return item.image ? item.image.dataSet.byteArray.length : item.raster.pixels.byteLength;
}

function remember(key: string, item: Held): void {
  const previous = held.get(key);
  if (previous) heldBytes -= sizeOf(previous);
  held.delete(key);
  held.set(key, item);
  heldBytes += sizeOf(item);
  for (const [oldest, old] of held) {
    if (heldBytes <= budgetBytes || oldest === key) break;
    held.delete(oldest);
    heldBytes -= sizeOf(old);
  }
}

function recall(key: string): Held | undefined {
  const item = held.get(key);
  if (item) {
    held.delete(key);
    held.set(key, item);
  }
  return item;
}

let index = new SeriesIndex();
const rasterSeries: SeriesInfo[] = [];

async function openOne(file: InputFile, dicomdirs: { key: string; paths: string[] }[]): Promise<OpenedFile> {
  const bytes = new Uint8Array(file.bytes);
  const kind = sniff(bytes);
  if (kind === 'png' || kind === 'jpeg') {
    remember(file.key, { raster: await decodeRasterFile(new Blob([bytes])) });
    rasterSeries.push({ studyInstanceUID: 'images', seriesInstanceUID: `raster:${file.key}`, modality: 'OT', description: file.key.split('/').pop() ?? file.key, instances: [{ key: file.key, sopInstanceUID: file.key, frames: 1 }], duplicates: 0, missing: 0 });
    return { key: file.key, ok: true, kind: 'raster', frames: 1 };
  }
  if (kind === 'unknown') return { key: file.key, ok: false, error: 'not a DICOM file or an image (no DICM preamble, no valid dataset start)' };
  const { dataSet } = await parseDicom(bytes);
  if ((dataSet.string('x00020002') ?? '').trim() === '1.2.840.10008.1.3.10' || isDicomdirName(file.key)) {
    const entries = await readDicomdir(bytes);
    dicomdirs.push({ key: file.key, paths: entries.map((e) => e.path) });
    return { key: file.key, ok: true, kind: 'dicomdir', frames: 0 };
  }
  const image = await openDicom(bytes);
  remember(file.key, { image });
  index.add(image.dataSet, instanceRef(image.dataSet, file.key, image.info.frames));
  return { key: file.key, ok: true, kind: 'dicom', frames: image.info.frames, tags: readTags(image.dataSet) };
}

/** Window the frame as the viewer would, then keep every n-th pixel. */
function shrink(frame: ImageFrame, size: number): Thumbnail {
  const full = renderRgba(frame, lutFor(frame, defaultWindow(frame)));
  const step = Math.max(1, Math.ceil(Math.max(frame.width, frame.height) / size));
  const width = Math.ceil(frame.width / step);
  const height = Math.ceil(frame.height / step);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rgba.set(full.subarray(((y * step) * frame.width + x * step) * 4, ((y * step) * frame.width + x * step) * 4 + 4), (y * width + x) * 4);
  }
  return { width, height, rgba };
}

/** A decoded frame the caller owns (a raster's pixels are copied, the held original stays). */
async function decodeOwn(key: string, frameIndex: number): Promise<ImageFrame> {
  const item = recall(key);
  if (!item) throw new Error(NOT_OPEN);
  return item.raster ? { ...item.raster, pixels: item.raster.pixels.slice() } : item.image.decodeFrame(frameIndex);
}

function missingReferences(dicomdirs: { key: string; paths: string[] }[], keys: ReadonlySet<string>): string[] {
  const missing: string[] = [];
  for (const dir of dicomdirs) {
    for (const path of dir.paths) {
      if (!resolveReferenced(dir.key, { path, recordType: '' }, keys)) missing.push(path);
    }
  }
  return missing;
}

const api: ImagingWorkerApi = {
  async open(files: InputFile[]): Promise<OpenSummary> {
    const dicomdirs: { key: string; paths: string[] }[] = [];
    const opened: OpenedFile[] = [];
    for (const file of files) {
      try {
        opened.push(await openOne(file, dicomdirs));
      } catch (error) {
        opened.push({ key: file.key, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
    const keys = new Set([...held.keys(), ...files.map((f) => f.key)]);
    return { files: opened, series: [...index.list(), ...rasterSeries], missingFromDicomdir: missingReferences(dicomdirs, keys) };
  },
  async frame(key: string, frameIndex: number): Promise<ImageFrame> {
    const frame = await decodeOwn(key, frameIndex);
    return Comlink.transfer(frame, [frame.pixels.buffer]);
  },
  async show(key: string, frameIndex: number): Promise<ShownFrame> {
    const frame = await decodeOwn(key, frameIndex);
    const window = keepShown(key, frameIndex, frame);
    return Comlink.transfer({ frame, window }, [frame.pixels.buffer]);
  },
  async picture(key: string, frameIndex: number, window: Window, width: number): Promise<ImageBitmap> {
    if (!shownFrame(key, frameIndex)) keepShown(key, frameIndex, await decodeOwn(key, frameIndex));
    const bitmap = await shownPicture(window, width);
    return Comlink.transfer(bitmap, [bitmap]);
  },
  async autoWindow(key: string, frameIndex: number): Promise<Window> {
    return shownAutoWindow(shownFrame(key, frameIndex) ?? (await decodeOwn(key, frameIndex)));
  },
  async thumbnail(key: string, size: number): Promise<Thumbnail> {
    const item = recall(key);
    if (!item) throw new Error(NOT_OPEN);
    const frame = item.raster ?? (await item.image.decodeFrame(0));
    const thumb = shrink(frame, size);
    return Comlink.transfer(thumb, [thumb.rgba.buffer]);
  },
  async segSource(key: string): Promise<SegSourceImage | undefined> {
    const item = recall(key);
    if (!item) throw new Error(NOT_OPEN);
    return item.image ? readSegSource(item.image.dataSet, item.image.info) : undefined;
  },
  async reopen(file: InputFile): Promise<void> {
    const bytes = new Uint8Array(file.bytes);
    const kind = sniff(bytes);
    if (kind === 'png' || kind === 'jpeg') remember(file.key, { raster: await decodeRasterFile(new Blob([bytes])) });
    else remember(file.key, { image: await openDicom(bytes) });
  },
  async configure({ budgetBytes: budget }: MemoryConfig): Promise<void> {
    budgetBytes = Math.max(16 * 1024 * 1024, budget);
  },
  async memory(): Promise<MemoryStats> {
    return { files: held.size, heldBytes, budgetBytes };
  },
  async forget(): Promise<void> {
    held.clear();
    forgetShown();
    heldBytes = 0;
    rasterSeries.length = 0;
    index = new SeriesIndex();
  },
};

Comlink.expose(api);
