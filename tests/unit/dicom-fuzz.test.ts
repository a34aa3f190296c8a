/**
 * Hostile input: real files truncated, bit-flipped, and with their length fields and image
 * dimensions overwritten. Every attempt must end in a decoded frame or a typed DicomError,
 * quickly; never another exception, never a hang.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeOutcome } from '../../src/dicom/decode-outcome.ts';
import { useNodeCodecs } from '../../src/cli/node-codecs.ts';
import { seededRandom } from '../../src/ml/random.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';

useNodeCodecs();

const SEEDS = [
  'ts_matrix_ct/CT_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm',
  'ts_matrix_ct/CT_LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm',
  'ts_matrix_ct/CT_BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2.dcm',
  'ts_matrix_ct/CT_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm',
  'ts_matrix_ct/CT_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm',
  'ts_matrix_ct/CT_JPEG2000TransferSyntax_1.2.840.10008.1.2.4.91.dcm',
  'multiframe/MR_10frame_rle.dcm',
  'multiframe/MR_10frame_jpegls.dcm',
  'multiframe/XA_96frame_jpeg_baseline.dcm',
];
const ATTEMPTS_PER_SEED = Number(process.env.HILUM_FUZZ_ATTEMPTS ?? 300);
const TIME_LIMIT_MS = 5_000;

type Mutation = (bytes: Uint8Array, random: () => number) => Uint8Array;

const pick = (random: () => number, n: number): number => Math.floor(random() * n);

const MUTATIONS: Mutation[] = [
  (b, r) => b.slice(0, pick(r, b.length)),
  (b, r) => {
    const out = b.slice();
    for (let i = 0; i < 1 + pick(r, 16); i++) out[pick(r, out.length)] = pick(r, 256);
    return out;
  },
  (b, r) => {
    // A 16- or 32-bit length field somewhere in the header region set to a huge value.
    const out = b.slice();
    const at = pick(r, Math.min(out.length - 4, 4096));
    out.set([0xff, 0xff, 0xff, r() < 0.5 ? 0x7f : 0xff], at);
    return out;
  },
  (b, r) => {
    // Rows (0028,0010), Columns (0028,0011) or Number of Frames (0028,0008) made enormous.
    const out = b.slice();
    const targets = [[0x28, 0x00, 0x10, 0x00], [0x28, 0x00, 0x11, 0x00], [0x28, 0x00, 0x08, 0x00]];
    const tag = targets[pick(r, targets.length)] ?? [];
    for (let i = 0; i < Math.min(out.length, 8192) - 10; i++) {
      if (out[i] === tag[0] && out[i + 1] === tag[1] && out[i + 2] === tag[2] && out[i + 3] === tag[3]) {
        out.set([0xff, 0xff], i + 8);
        if (tag[2] === 0x08) out.set([0x39, 0x39, 0x39, 0x39, 0x39, 0x39], i + 8);
        break;
      }
    }
    return out;
  },
];

describe.skipIf(skipWithoutData)('DICOM reader under hostile input', () => {
  it.each(SEEDS)('survives mutations of %s', async (seed) => {
    const original = new Uint8Array(readFileSync(join(DATA_ROOT, 'dicom', seed)));
    const random = seededRandom(seed.length * 7919);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < ATTEMPTS_PER_SEED; i++) {
      const mutated = MUTATIONS[i % MUTATIONS.length]?.(original, random) ?? original;
      const start = performance.now();
      const outcome = await decodeOutcome(mutated);
      expect(performance.now() - start, `attempt ${i} took too long`).toBeLessThan(TIME_LIMIT_MS);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(ATTEMPTS_PER_SEED);
  });
});
