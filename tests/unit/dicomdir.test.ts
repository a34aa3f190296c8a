import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readDicomdir, resolveReferenced } from '../../src/dicom/dicomdir.ts';
import { walk } from '../../src/cli/inspect.ts';

const DIR = '/usr/lib/python3/dist-packages/pydicom/data/test_files/dicomdirtests';

describe.skipIf(!existsSync(DIR) && process.env.CI !== 'true')('DICOMDIR', () => {
  it('lists every image record and each one resolves to a file in the folder', async () => {
    const entries = await readDicomdir(new Uint8Array(readFileSync(join(DIR, 'DICOMDIR'))));
    const images = entries.filter((e) => e.recordType === 'IMAGE');
    expect(images.length).toBeGreaterThan(10);
    const available = new Set([...walk([DIR])].map((p) => relative(DIR, p)));
    const unresolved = images.filter((e) => resolveReferenced('DICOMDIR', e, available) === undefined);
    expect(unresolved).toEqual([]);
  });

  it('refuses a file that is not a DICOMDIR', async () => {
    await expect(readDicomdir(new Uint8Array(readFileSync(join(DIR, '77654033', 'CR1', '6154'))))).rejects.toThrow(/not a DICOMDIR/);
  });
});
