/**
 * Privacy under the whole run: requests that left the origin in every browser check (each
 * context blocks and records them), the shipped CSP's script policy, and npm's advisories for
 * the packages the app ships. An audit that cannot reach the registry says so; it never passes.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../security-headers.ts';
import type { CheckRow } from './table.ts';

export function externalRequestsRow(rows: readonly CheckRow[]): CheckRow {
  const browserRows = rows.filter((r) => r.external !== undefined);
  const total = browserRows.reduce((n, r) => n + (r.external ?? 0), 0);
  return {
    check: 'privacy: requests off the origin',
    tried: `every browser check above (${browserRows.length}), outside requests blocked and recorded`,
    figure: `${total} requests left the origin`,
    survived: '—', nothingLost: '—', verdict: total === 0 && browserRows.length > 0 ? 'pass' : 'fail',
    ...(total === 0 ? {} : { note: `${total} outside requests` }),
  };
}

/** script-src in the policy the code defines and in the one the build ships as a meta tag. */
export function cspRow(distRoot: string): CheckRow {
  const html = readFileSync(join(distRoot, 'index.html'), 'utf8');
  const shipped = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1]?.replaceAll('&#39;', "'") ?? '';
  const scriptSrc = (policy: string): string => policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? '';
  const defined = scriptSrc(CONTENT_SECURITY_POLICY);
  const built = scriptSrc(shipped);
  const ok = defined !== '' && built === defined && !/'unsafe-inline'|'unsafe-eval'/.test(defined);
  return {
    check: 'privacy: CSP for scripts', tried: 'script-src of src/security-headers.ts and of the built index.html',
    figure: built || 'no script-src shipped', survived: '—', nothingLost: '—', verdict: ok ? 'pass' : 'fail',
    ...(ok ? {} : { note: "script-src missing, different from the source, or allowing 'unsafe-inline'" }),
  };
}

interface AuditReport {
  message?: string;
  metadata?: { vulnerabilities?: Record<string, number>; dependencies?: { prod?: number; total?: number } };
  error?: { code?: string; summary?: string };
}

function runAudit(): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npm', ['audit', '--omit=dev', '--json'], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (_error, stdout, stderr) => resolve({ stdout, stderr }));
  });
}

export async function auditRow(): Promise<CheckRow> {
  const base = { check: 'privacy: npm audit --omit=dev', tried: 'npm advisories for the shipped dependencies', survived: '—', nothingLost: '—' } as const;
  const { stdout, stderr } = await runAudit();
  let report: AuditReport;
  try {
    report = JSON.parse(stdout) as AuditReport;
  } catch {
    return { ...base, figure: 'no report', verdict: 'not measured', note: stderr.split('\n')[0] ?? 'npm audit gave no JSON' };
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    const why = report.message ?? (report.error?.summary || report.error?.code) ?? 'no vulnerability counts in the report';
    return { ...base, figure: `registry not reached: ${why.split('\n')[0] ?? why}`, verdict: 'not measured' };
  }
  const total = Object.entries(counts).filter(([k]) => k !== 'total').reduce((n, [, v]) => n + v, 0);
  const detail = Object.entries(counts).filter(([k, v]) => k !== 'total' && v > 0).map(([k, v]) => `${v} ${k}`).join(', ');
  return { ...base, figure: `${total} known vulnerabilities${detail ? ` (${detail})` : ''} in ${report.metadata?.dependencies?.prod ?? '?'} production packages`, verdict: total === 0 ? 'pass' : 'fail', ...(total === 0 ? {} : { note: detail }) };
}
