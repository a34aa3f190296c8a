/**
 * DICOM decode throughput per transfer syntax on the shared files: Hilum's reader against
 * dcmjs-imaging in the same process, each decoding every frame and windowing it to RGBA.
 * Usage: tsx src/cli/bench-dicom.ts [--runs N] [--data folder] [--match text-in-file-name]
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { openDicom } from '../dicom/open.ts';
import { describeTransferSyntax } from '../dicom/transfer-syntax.ts';
import { defaultWindow, lutFor, renderRgba, type WindowLut } from '../render/window.ts';
import { argValue, dataRoot } from './args.ts';
import { walk } from './inspect.ts';
import { useNodeCodecs } from './node-codecs.ts';

interface DcmjsImage {
  getNumberOfFrames(): number;
  render(options: { frame: number; renderOverlays: boolean }): { pixels: ArrayBuffer };
}
interface DcmjsImaging {
  DicomImage: new (buffer: ArrayBuffer) => DcmjsImage;
  NativePixelDecoder: { initializeAsync(options: { webAssemblyModulePathOrUrl: string }): Promise<void> };
}

const require = createRequire(import.meta.url);
const dcmjs = require('dcmjs-imaging') as DcmjsImaging;

/** As the viewer scrolls a series: the window comes from the first frame, one LUT serves all. */
async function ours(bytes: Uint8Array): Promise<number> {
  const image = await openDicom(bytes);
  let lut: WindowLut | undefined;
  for (let i = 0; i < image.info.frames; i++) {
    const frame = await image.decodeFrame(i);
    lut = lutFor(frame, lut?.window ?? defaultWindow(frame), lut);
    renderRgba(frame, lut);
  }
  return image.info.frames;
}

function theirs(bytes: Uint8Array): number {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const image = new dcmjs.DicomImage(buffer);
  const frames = image.getNumberOfFrames();
  for (let i = 0; i < frames; i++) image.render({ frame: i, renderOverlays: false });
  return frames;
}

const WARM_UP = 30;

async function median(run: () => Promise<unknown> | unknown, runs: number): Promise<number | undefined> {
  const times: number[] = [];
  try {
    // Warm-up runs let both stacks reach steady state (our JavaScript the optimising compiler),
    // as when a viewer scrolls a series. V8 optimised our frame loops after about 20 frames;
    // with one warm-up the first file measured 4x its steady time.
    for (let i = 0; i < WARM_UP; i++) await run();
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
  } catch {
    return undefined;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function benchDicom(runs: number, root: string, match = ''): Promise<void> {
  useNodeCodecs();
  await dcmjs.NativePixelDecoder.initializeAsync({ webAssemblyModulePathOrUrl: join(dirname(require.resolve('dcmjs-imaging')), 'dcmjs-native-codecs.wasm') });
  console.log(`\nDICOM decode + window to RGBA, median of ${runs} runs, Node ${process.version}, one thread\n`);
  console.log('| transfer syntax | file | frames | MB | Hilum ms | Hilum MB/s | Hilum frames/s | dcmjs-imaging ms | Hilum time / dcmjs time |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const file of walk([join(root, 'dicom', 'ts_matrix_ct'), join(root, 'dicom', 'multiframe'), join(root, 'dicom', 'chest_radiograph')])) {
    if (!file.includes(match)) continue;
    const bytes = new Uint8Array(readFileSync(file));
    let frames: number;
    let syntax: string;
    try {
      const image = await openDicom(bytes);
      frames = image.info.frames;
      syntax = describeTransferSyntax(image.transferSyntaxUID);
    } catch (error) {
      console.log(`| ${file.split('/').pop() ?? ''} | not readable by Hilum: ${String(error)} |||||||`);
      continue;
    }
    const a = await median(() => ours(bytes), runs);
    const b = await median(() => theirs(bytes), runs);
    const mb = bytes.length / 1e6;
    const fmt = (v: number | undefined, d = 1): string => (v === undefined ? 'fails' : v.toFixed(d));
    console.log(`| ${syntax} | ${file.split('/').pop() ?? ''} | ${frames} | ${mb.toFixed(2)} | ${fmt(a)} | ${a ? (mb / (a / 1000)).toFixed(1) : '-'} | ${a ? (frames / (a / 1000)).toFixed(0) : '-'} | ${fmt(b)} | ${a && b ? (a / b).toFixed(2) : '-'} |`);
  }
}

if (process.argv[1]?.endsWith('bench-dicom.ts')) await benchDicom(Number(argValue('--runs') ?? 5), dataRoot(), argValue('--match') ?? '');
