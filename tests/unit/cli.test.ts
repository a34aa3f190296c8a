/**
 * The command lines run as a user runs them (`npm run cli`, `npm run train`: tsx under Node's
 * own module resolution), not through Vitest's bundler-style resolution, which forgives
 * imports that Node does not. A worker module once imported an ES-module-only tfjs path that
 * broke every CLI command while all other tests passed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DATA_ROOT, dataPath, skipWithoutData } from '../helpers/data.ts';

const run = promisify(execFile);
const TSX = 'node_modules/.bin/tsx';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, args, { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe.skipIf(skipWithoutData)('npm run cli -- evaluate', () => {
  it('scores the shipped lung model on the Shenzhen test split as its card says', async () => {
    const { code, stdout, stderr } = await cli(['src/cli/main.ts', 'evaluate', '--task', 'lungs', '--data', dataPath('cxr-lung-seg-shenzhen-256'), '--json']);
    expect(stderr).not.toMatch(/Error \[ERR_/);
    expect(code).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { n: number; diceMean: { value: number } };
    expect(report.n).toBe(85);
    expect(report.diceMean.value).toBeGreaterThan(0.93);
  }, 120_000);
});

describe.skipIf(skipWithoutData)('npm run train -- --task all', () => {
  it('runs every shipped model\'s pipeline in two lanes at once, and --quick publishes nothing', async () => {
    const manifest = readFileSync('public/models/manifest.json', 'utf8');
    const { code, stdout } = await cli(['src/cli/train.ts', '--task', 'all', '--quick', '--epochs', '1', '--steps', '1', '--data', DATA_ROOT]);
    expect(code).toBe(0);
    for (const task of ['pneumonia', 'lungs', 'brain']) expect(stdout).toMatch(new RegExp(`^\\[${task}\\] epoch 1/1 loss \\d`, 'm'));
    expect(stdout).toMatch(/train --task all: pneumonia, lungs, brain done in [\d.]+ min/);
    expect(readFileSync('public/models/manifest.json', 'utf8')).toBe(manifest);
  }, 300_000);

  it('fails, naming the tasks and why in one line each, when its lanes fail', async () => {
    // A folder that exists but holds none of the datasets.
    const { code, stderr } = await cli(['src/cli/train.ts', '--task', 'all', '--quick', '--data', 'tests']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^\[pneumonia\] train --task pneumonia: ENOENT: no such file or directory, open '.*cxr-pneumonia-kermany-128\/labels\.csv'$/m);
    expect(stderr).toMatch(/^train --task all: failed: (pneumonia|lungs) \(exit 1\), (pneumonia|lungs) \(exit 1\);/m);
    expect(stderr).not.toContain('WasmBackendModule');
    const missing = await cli(['src/cli/train.ts', '--task', 'all', '--data', 'no-such-folder']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/train: no data folder at .*no-such-folder; give it with --data <folder> or HILUM_DATA/);
  }, 120_000);
});

describe('npm run train', () => {
  it('loads every training module under Node and explains its usage', async () => {
    const { code, stderr } = await cli(['src/cli/train.ts', '--task', 'nothing']);
    expect(stderr).not.toMatch(/Error \[ERR_/);
    expect(stderr).toContain('usage: npm run train -- --task <all|pneumonia|lungs|brain|ood|calibrate|tiny>');
    expect(code).toBe(2);
  }, 60_000);

  it('refuses --card-only for a task with no card, before it fits or writes anything', async () => {
    const gate = readFileSync('public/models/pneumonia-cxr/gate.bin');
    const { code, stderr } = await cli(['src/cli/train.ts', '--task', 'ood', '--card-only']);
    expect(stderr).toContain('train: --card-only rewrites a model card (all, pneumonia, lungs, brain); --task ood has no card of its own');
    expect(code).toBe(2);
    expect(readFileSync('public/models/pneumonia-cxr/gate.bin').equals(gate)).toBe(true);
  }, 60_000);
});
