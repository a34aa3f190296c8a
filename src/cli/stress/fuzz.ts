/**
 * Hostile input, check 1: the structure-aware fuzzer over real files. The loop runs in a worker
 * thread; a watchdog stops it when one input takes longer than the time bound (a hang), and
 * every input's outcome, time and counted allocation are checked against fixed limits.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { MAX_FRAME_BYTES } from '../../dicom/image-info.ts';
import type { FuzzJob, FuzzMessage } from './fuzz-worker.ts';
import type { CheckRow } from './table.ts';

/** Real files of every reader path: each transfer syntax, sequences (SEG), multi-frame, colour. */
export const FUZZ_SEEDS = [
  'ts_matrix_ct/CT_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm',
  'ts_matrix_ct/CT_LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm',
  'ts_matrix_ct/CT_BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2.dcm',
  'ts_matrix_ct/CT_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm',
  'ts_matrix_ct/CT_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm',
  'ts_matrix_ct/CT_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm',
  'ts_matrix_ct/CT_JPEG2000TransferSyntax_1.2.840.10008.1.2.4.91.dcm',
  'ts_matrix_ct/CT_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm',
  'ct_series_3slice_with_seg/liver_seg.dcm',
  'multiframe/MR_10frame_rle.dcm',
  'multiframe/MR_10frame_bigendian.dcm',
  'multiframe/CT_2frame_jpegls_fragmented.dcm',
  'multiframe/US_8frame_ybr_jpeg_baseline.dcm',
];

/** Per input: no longer than this, and no single buffer larger than a frame may be. */
export const TIME_LIMIT_MS = 5_000;
export const LARGEST_ALLOCATION = MAX_FRAME_BYTES;
/** Per input in all: a decoded frame, its float copy and the codec's output, at the largest frame allowed. */
export const TOTAL_ALLOCATION = 3 * MAX_FRAME_BYTES;

interface Tally {
  inputs: number;
  outcomes: Map<string, number>;
  slowest: number;
  largest: number;
  mostAllocated: number;
  /** The largest allocation per byte of input. */
  ratio: number;
  problems: string[];
}

function tallyOutcome(tally: Tally, m: Extract<FuzzMessage, { kind: 'outcome' }>): void {
  tally.inputs++;
  tally.outcomes.set(m.outcome, (tally.outcomes.get(m.outcome) ?? 0) + 1);
  tally.slowest = Math.max(tally.slowest, m.ms);
  tally.largest = Math.max(tally.largest, m.largest);
  tally.mostAllocated = Math.max(tally.mostAllocated, m.allocated);
  tally.ratio = Math.max(tally.ratio, m.allocated / Math.max(1, m.size));
  if (m.ms > TIME_LIMIT_MS) tally.problems.push(`input ${m.index} took ${m.ms.toFixed(0)} ms`);
  if (m.largest > LARGEST_ALLOCATION || m.allocated > TOTAL_ALLOCATION) tally.problems.push(`input ${m.index} allocated ${m.allocated} bytes`);
}

/** The worker is TypeScript too: it registers tsx's loader, then imports the loop. */
const BOOT = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./fuzz-worker.ts', import.meta.url).href)}); })`;

function runWorker(job: FuzzJob): Promise<Tally> {
  const tally: Tally = { inputs: 0, outcomes: new Map(), slowest: 0, largest: 0, mostAllocated: 0, ratio: 0, problems: [] };
  const worker = new Worker(BOOT, { eval: true, workerData: job });
  let current: Extract<FuzzMessage, { kind: 'start' }> | undefined;
  let since = performance.now();
  return new Promise((resolve) => {
    const finish = (): void => {
      clearInterval(watchdog);
      void worker.terminate().then(() => resolve(tally));
    };
    const watchdog = setInterval(() => {
      if (!current || performance.now() - since < TIME_LIMIT_MS * 2) return;
      tally.problems.push(`hang: input ${current.index} (${current.mutation} of ${current.seed}) ran over ${TIME_LIMIT_MS * 2} ms`);
      finish();
    }, 500);
    worker.on('message', (m: FuzzMessage) => {
      if (m.kind === 'start') [current, since] = [m, performance.now()];
      else if (m.kind === 'outcome') tallyOutcome(tally, m);
      else if (m.kind === 'escaped') tally.problems.push(`input ${m.index} (${m.mutation} of ${m.seed}) threw ${m.error}`);
      else finish();
    });
    worker.on('error', (error) => {
      tally.problems.push(`the fuzz worker died: ${error.message}`);
      finish();
    });
  });
}

const MB = 1024 * 1024;

export async function fuzzCheck(dataRoot: string, inputs: number): Promise<CheckRow> {
  const seeds = FUZZ_SEEDS.map((name) => ({ name, path: join(dataRoot, 'dicom', name) }));
  const started = performance.now();
  const tally = await runWorker({ seeds, inputs, seed: 20261201 });
  const seconds = (performance.now() - started) / 1000;
  const outcomes = [...tally.outcomes.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ');
  const complete = tally.inputs === inputs;
  const ok = complete && tally.problems.length === 0;
  const row: CheckRow = {
    check: 'hostile input: DICOM fuzzer',
    tried: `${inputs.toLocaleString('en')} structure-aware mutations (lengths, VRs, items and fragments, image size, truncation, splices, bytes) of ${seeds.length} real files`,
    figure: `${tally.inputs.toLocaleString('en')} inputs in ${seconds.toFixed(0)} s; slowest ${tally.slowest.toFixed(0)} ms (bound ${TIME_LIMIT_MS}); largest buffer ${(tally.largest / MB).toFixed(1)} MB, most per input ${(tally.mostAllocated / MB).toFixed(1)} MB (bounds ${LARGEST_ALLOCATION / MB}/${TOTAL_ALLOCATION / MB} MB), at most ${tally.ratio.toFixed(0)}x the input size`,
    survived: `a frame or a DicomError for ${tally.inputs.toLocaleString('en')}: ${outcomes}`,
    nothingLost: '—',
    verdict: ok ? 'pass' : 'fail',
  };
  if (!ok) row.note = tally.problems.slice(0, 3).join('; ') || `only ${tally.inputs} of ${inputs} inputs ran`;
  return row;
}
