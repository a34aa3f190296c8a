/**
 * `npm run stress [-- --quick]`: Hilum under load, faults, hostile input and a long session, on
 * the built app in Chromium and the DICOM reader in Node. Prints one Markdown table, a row per
 * check, and exits non-zero when any check fails. --quick is the form CI runs (smaller counts,
 * every check); the full form drops 3,000 files and fuzzes 100,000 inputs.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromiumMissing } from './chromium.ts';
import { deviceLossCheck, worklistCrashCheck } from './stress/faults.ts';
import { fineTuneCrashCheck, fineTuneDeployCheck } from './stress/finetune-faults.ts';
import { fuzzCheck } from './stress/fuzz.ts';
import { htmlTagCheck } from './stress/hostile.ts';
import { importsCheck } from './stress/imports.ts';
import { loadCheck } from './stress/load.ts';
import { longSessionCheck } from './stress/long-session.ts';
import { quotaSavesCheck } from './stress/quota-saves.ts';
import { auditRow, cspRow, externalRequestsRow } from './stress/privacy.ts';
import { startSession } from './stress/session.ts';
import { storageChecks } from './stress/storage.ts';
import { failed, formatTable, guarded, type CheckRow } from './stress/table.ts';

const quick = process.argv.includes('--quick');
const COUNTS = quick ? { files: 100, fuzz: 2_000, inferences: 100 } : { files: 3_000, fuzz: 100_000, inferences: 1_000 };
const DIST = process.env.HILUM_DIST ?? 'dist';
const DATA = resolve(process.env.HILUM_DATA ?? '../shared/data');

const notYet = (check: string, tried: string): CheckRow => ({ check, tried, figure: '—', survived: '—', nothingLost: '—', verdict: 'not yet built' });

/** Checks in the plain browser, one Chromium for all of them. */
async function browserChecks(rows: CheckRow[]): Promise<void> {
  const session = await startSession(DIST);
  try {
    rows.push(await guarded('load: a CD of files', `${COUNTS.files} files`, () => loadCheck(session, DATA, COUNTS.files)));
    rows.push(await guarded('fault: AI worker killed mid-worklist', 'crash during a study', () => worklistCrashCheck(session, DATA)));
    rows.push(await guarded('fault: AI worker killed mid fine-tune', 'crash during the epochs', () => fineTuneCrashCheck(session, DATA)));
    rows.push(await guarded('hostile input: HTML in a tag', 'PatientName with HTML', () => htmlTagCheck(session, DATA)));
    rows.push(await guarded('hostile input: malicious imported model', 'crafted model and deck files', () => importsCheck(session, DATA)));
    rows.push(await guarded('fault: quota full while saving labels or a model', 'labels, a model and a deck saved with the quota full', () => quotaSavesCheck(session, DATA)));
    rows.push(await guarded('long session: consecutive inferences', `${COUNTS.inferences} inferences`, () => longSessionCheck(session, COUNTS.inferences)));
  } finally {
    await session.close();
  }
  const gpu = await startSession(DIST, { webgpu: true });
  try {
    rows.push(await guarded('fault: WebGPU device lost', 'destroy() mid-session', () => deviceLossCheck(gpu)));
  } finally {
    await gpu.close();
  }
}

async function main(): Promise<number> {
  if (!existsSync(DATA)) {
    if (process.env.CI === 'true') throw new Error(`missing ${DATA}: set HILUM_DATA to the shared data folder`);
    console.log(`stress: skipped, ${DATA} is missing (set HILUM_DATA to the shared data folder)`);
    return 0;
  }
  if (!existsSync(`${DIST}/index.html`)) throw new Error(`no build in ${DIST}: run \`npm run build\` first`);
  if (chromiumMissing) throw new Error('the stress run needs Chromium (/usr/bin/chromium or CHROMIUM_PATH)');
  const started = performance.now();
  const rows: CheckRow[] = [];
  const log = (row: CheckRow | undefined): void => console.error(`stress: ${row?.check ?? ''}: ${row?.verdict ?? ''}${row?.note ? ` (${row.note})` : ''}`);
  rows.push(await guarded('hostile input: DICOM fuzzer', `${COUNTS.fuzz} inputs`, () => fuzzCheck(DATA, COUNTS.fuzz)));
  log(rows.at(-1));
  await browserChecks(rows);
  // Deployment and quota share a copy of the build; if setting it up fails, that is one failed row.
  let storage: CheckRow[] = [];
  rows.push(await guarded('fault: storage and deployment', 'a new version, a full quota', async () => {
    storage = await storageChecks(DIST, DATA);
    return storage[0] ?? notYet('fault: storage and deployment', '');
  }));
  if (storage.length > 0) rows.splice(rows.length - 1, 1, ...storage);
  rows.push(await guarded('fault: new version deployed mid fine-tune', 'a deployment during training', () => fineTuneDeployCheck(DIST, DATA)));
  rows.push(externalRequestsRow(rows), cspRow(DIST), await auditRow());
  for (const row of rows.slice(1)) log(row);
  console.log(`\nHilum stress run (${quick ? 'quick' : 'full'}), ${((performance.now() - started) / 60_000).toFixed(1)} min\n`);
  console.log(formatTable(rows));
  const failures = failed(rows);
  if (failures.length > 0) console.log(`\n${failures.length} check(s) failed: ${failures.map((r) => r.check).join('; ')}`);
  return failures.length > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
