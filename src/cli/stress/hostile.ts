/**
 * Hostile input in the page: a real file whose Patient's Name is HTML with a script handler.
 * The metadata panel must show it as text: no element made from it, no script run, no dialog.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withPatientName } from './corpus.ts';
import type { StressSession } from './session.ts';
import type { CheckRow } from './table.ts';

export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

export async function htmlTagCheck(session: StressSession, dataRoot: string): Promise<CheckRow> {
  const folder = mkdtempSync(join(tmpdir(), 'hilum-stress-xss-'));
  try {
    const source = new Uint8Array(readFileSync(join(dataRoot, 'dicom/chest_radiograph/CR-MONO1-10-chest.dcm')));
    const file = join(folder, 'hostile.dcm');
    writeFileSync(file, await withPatientName(source, HOSTILE_NAME));
    const w = await session.open();
    const dialogs: string[] = [];
    w.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await w.page.getByTestId('files-input').setInputFiles(file);
    await w.page.getByTestId('metadata').waitFor({ timeout: 60_000 });
    await w.page.waitForTimeout(1000);
    const shown = (await w.page.getByTestId('metadata').textContent()) ?? '';
    const injected = await w.page.locator('img[src=x], img[onerror]').count();
    const asText = shown.includes(HOSTILE_NAME);
    // The image request an injected <img src=x> would make.
    const fetchedX = w.requests.filter((url) => new URL(url).pathname.endsWith('/x')).length;
    await w.context.close();
    const ok = asText && injected === 0 && dialogs.length === 0 && fetchedX === 0;
    return {
      check: 'hostile input: HTML in a tag',
      tried: `Patient's Name ${HOSTILE_NAME} (a real CR file, rewritten), opened in the app`,
      figure: `shown literally in the metadata panel: ${asText ? 'yes' : 'no'}; img[src=x] elements: ${injected}; dialogs: ${dialogs.length}; requests for x: ${fetchedX}`,
      survived: 'the value stayed text', nothingLost: '—', verdict: ok ? 'pass' : 'fail', external: w.external.length,
      ...(ok ? {} : { note: 'the tag value was not shown as plain text' }),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
