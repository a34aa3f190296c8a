/**
 * The command lines run as a user runs them (`npm run cli`, `npm run train`: tsx under Node's
 * own module resolution), not through Vitest's bundler-style resolution, which forgives
 * imports that Node does not. A worker module once imported an ES-module-only tfjs path that
 * broke every CLI command while all other tests passed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dataPath, skipWithoutData } from '../helpers/data.ts';

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

describe('npm run train', () => {
  it('loads every training module under Node and explains its usage', async () => {
    const { code, stderr } = await cli(['src/cli/train.ts', '--task', 'nothing']);
    expect(stderr).not.toMatch(/Error \[ERR_/);
    expect(stderr).toContain('usage: npm run train -- --task <pneumonia|lungs|brain|ood|tiny>');
    expect(code).toBe(2);
  }, 60_000);
});
