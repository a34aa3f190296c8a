/**
 * One row per stress check and the table they print as: what was tried, the load held or the
 * figure measured, the faults survived, and whether anything was lost.
 */
export type Verdict = 'pass' | 'fail' | 'not yet built' | 'not measured';

export interface CheckRow {
  check: string;
  tried: string;
  figure: string;
  survived: string;
  /** 'yes' when nothing was lost; 'no' says something was; '—' when the check loses nothing by nature. */
  nothingLost: 'yes' | 'no' | '—';
  verdict: Verdict;
  /** Requests that left the origin during the check (browser checks only). */
  external?: number;
  /** Why it failed, in one line. */
  note?: string;
}

const HEADERS = ['check', 'what was tried', 'load held / figure', 'faults survived', 'nothing lost', 'result'] as const;

function cells(row: CheckRow): string[] {
  const result = row.verdict === 'fail' && row.note ? `FAIL: ${row.note}` : row.verdict.toUpperCase();
  return [row.check, row.tried, row.figure, row.survived, row.nothingLost, result];
}

/** A Markdown table, so the closing note of the issue can paste it as it is. */
export function formatTable(rows: readonly CheckRow[]): string {
  const escape = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [`| ${HEADERS.join(' | ')} |`, `|${HEADERS.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${cells(row).map(escape).join(' | ')} |`);
  return lines.join('\n');
}

/** A check that threw is a failed row, not a crashed run: the other checks still report. */
export async function guarded(check: string, tried: string, body: () => Promise<CheckRow>): Promise<CheckRow> {
  try {
    return await body();
  } catch (error) {
    const note = error instanceof Error ? error.message.split('\n')[0] ?? error.name : String(error);
    return { check, tried, figure: '', survived: '', nothingLost: 'no', verdict: 'fail', note };
  }
}

export const failed = (rows: readonly CheckRow[]): CheckRow[] => rows.filter((r) => r.verdict === 'fail');
