/**
 * The worklist's rows and their order, as plain data and arithmetic: urgency first (abnormal
 * findings by probability), then the other finished rows, then what is still to run, then the
 * studies no model applies to, and failures last. Also the ETA from measured times per study.
 */
import type { Area } from '../ml/mask-measure.ts';
import type { SeriesVolume } from './series-outline.ts';
import { median as middle } from '../ml/overlap.ts';

export type RowStatus = 'queued' | 'running' | 'done' | 'out-of-scope' | 'failed';

export interface Finding {
  label: string;
  probability: number;
  operatingPoint: number;
  /** Probability at or above the model's operating point. */
  abnormal: boolean;
}

export type Measurement =
  | { kind: 'lungs'; modelId: string; total: Area }
  | { kind: 'volume'; modelId: string; slices: number; volume: SeriesVolume };

export interface WorklistRow {
  /** StudyInstanceUID, or `raster:<file>` for a PNG or JPEG, which is a study of its own. */
  id: string;
  /** Arrival order: ties keep it, so the sort is stable. */
  index: number;
  title: string;
  modality: string;
  images: number;
  /** The series the viewer opens when the row is clicked. */
  seriesUID: string;
  status: RowStatus;
  /** Failed: what went wrong. Out of scope: why no model applies. */
  reasons: string[];
  finding?: Finding;
  measurement?: Measurement;
  /** Wall time the study took, when it ran. */
  ms?: number;
}

/** 0 is the most urgent. */
export function urgency(row: WorklistRow): number {
  switch (row.status) {
    case 'done': return row.finding?.abnormal ? 0 : 1;
    case 'running': return 2;
    case 'queued': return 3;
    case 'out-of-scope': return 4;
    case 'failed': return 5;
  }
}

/** Urgency, then probability (highest first; rows without one after those with), then arrival. */
export function compareRows(a: WorklistRow, b: WorklistRow): number {
  const rank = urgency(a) - urgency(b);
  if (rank !== 0) return rank;
  const pa = a.finding?.probability ?? -1;
  const pb = b.finding?.probability ?? -1;
  if (pa !== pb) return pb - pa;
  return a.index - b.index;
}

/** A new array: the rows themselves are never mutated. */
export function sortRows(rows: readonly WorklistRow[]): WorklistRow[] {
  return [...rows].sort(compareRows);
}

/** The median, undefined (not NaN) when nothing has been measured yet. */
export function median(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : middle(values);
}

/** Milliseconds left: the median time per measured study times the studies not yet finished; unknown before the first one. */
export function etaMs(durations: readonly number[], remaining: number): number | undefined {
  if (remaining <= 0) return 0;
  const typical = median(durations);
  return typical === undefined ? undefined : typical * remaining;
}

/** "about 40 s", "about 3 min": an estimate should not look more precise than it is. */
export function formatEta(ms: number | undefined): string {
  if (ms === undefined) return 'estimating time left…';
  if (ms <= 0) return 'finishing';
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 90) return `about ${seconds} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}

/** Done and total for the progress bar: every row that no longer waits counts as done. */
export function progressOf(rows: readonly WorklistRow[]): { done: number; total: number } {
  return { done: rows.filter((r) => r.status !== 'queued' && r.status !== 'running').length, total: rows.length };
}
