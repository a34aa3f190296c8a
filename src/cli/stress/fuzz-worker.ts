/**
 * The fuzzing loop, in a worker thread so the main thread can stop it if one input hangs.
 * Each input must end in a decoded frame or a DicomError. Allocations are counted by wrapping
 * the global ArrayBuffer and typed-array constructors (what the DICOM code and dicom-parser
 * allocate with), so an input that asks for more than the fixed limit is caught even when the
 * engine would have granted it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { decodeOutcome } from '../../dicom/decode-outcome.ts';
import { seededRandom } from '../../ml/random.ts';
import { useNodeCodecs } from '../node-codecs.ts';
import { mapSeed, MUTATIONS, type SeedMap } from './fuzz-mutations.ts';

export interface FuzzJob {
  seeds: { name: string; path: string }[];
  inputs: number;
  seed: number;
}

export type FuzzMessage =
  | { kind: 'start'; index: number; seed: string; mutation: string }
  | { kind: 'outcome'; index: number; outcome: string; ms: number; allocated: number; largest: number; size: number }
  | { kind: 'escaped'; index: number; seed: string; mutation: string; error: string }
  | { kind: 'done' };

const CONSTRUCTORS = ['ArrayBuffer', 'Uint8Array', 'Int8Array', 'Uint8ClampedArray', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array'] as const;

const counter = { total: 0, largest: 0 };

function record(bytes: number): void {
  counter.total += bytes;
  counter.largest = Math.max(counter.largest, bytes);
}

/** Bytes a constructor call allocates: a length or an array-like copies; a buffer view allocates nothing. */
function bytesOf(args: unknown[], perElement: number): number {
  const first = args[0];
  if (typeof first === 'number') return first * perElement;
  if (first instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && first instanceof SharedArrayBuffer)) return 0;
  if (typeof first === 'object' && first !== null && 'length' in first && typeof first.length === 'number') return first.length * perElement;
  return 0;
}

function wrapConstructors(): void {
  const scope = globalThis as unknown as Record<string, unknown>;
  for (const name of CONSTRUCTORS) {
    const original = scope[name] as (new (...args: unknown[]) => object) & { BYTES_PER_ELEMENT?: number };
    const perElement = original.BYTES_PER_ELEMENT ?? 1;
    scope[name] = new Proxy(original, {
      construct(target, args, newTarget) {
        record(bytesOf(args, perElement));
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
  }
}

async function run(job: FuzzJob): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('fuzz-worker runs in a worker thread');
  useNodeCodecs();
  const seeds: SeedMap[] = [];
  for (const s of job.seeds) seeds.push(await mapSeed(s.name, new Uint8Array(readFileSync(s.path))));
  wrapConstructors();
  const random = seededRandom(job.seed);
  for (let index = 0; index < job.inputs; index++) {
    const seed = seeds[index % seeds.length];
    const [mutationName, mutate] = MUTATIONS[Math.floor(index / seeds.length) % MUTATIONS.length] ?? [];
    if (!seed || !mutate || !mutationName) break;
    const input = mutate(seed, random);
    port.postMessage({ kind: 'start', index, seed: seed.name, mutation: mutationName } satisfies FuzzMessage);
    counter.total = 0;
    counter.largest = 0;
    const started = performance.now();
    try {
      const outcome = await decodeOutcome(input);
      port.postMessage({ kind: 'outcome', index, outcome, ms: performance.now() - started, allocated: counter.total, largest: counter.largest, size: input.length } satisfies FuzzMessage);
    } catch (error) {
      port.postMessage({ kind: 'escaped', index, seed: seed.name, mutation: mutationName, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } satisfies FuzzMessage);
    }
  }
  port.postMessage({ kind: 'done' } satisfies FuzzMessage);
}

void run(workerData as FuzzJob);
