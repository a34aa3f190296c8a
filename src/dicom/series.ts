/**
 * Studies and series from many files: grouped by Study and Series Instance UID, slices ordered
 * along the slice normal (Image Position on Image Orientation), else by Instance Number, with
 * gaps and duplicates reported so the user knows a series is incomplete.
 */
import type { DataSet } from 'dicom-parser';

export interface InstanceRef {
  /** The caller's handle for the file (an index, a path). */
  key: string;
  sopInstanceUID: string;
  instanceNumber?: number;
  position?: [number, number, number];
  orientation?: [number, number, number, number, number, number];
  frames: number;
}

export interface SeriesInfo {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  modality: string;
  description: string;
  seriesNumber?: number;
  instances: InstanceRef[];
  /** Positions along the normal that repeat. */
  duplicates: number;
  /** Slices that seem to be missing, judged from the typical spacing. */
  missing: number;
  spacing?: number;
}

function numbers(text: string | undefined, count: number): number[] | undefined {
  const values = text?.split('\\').map(Number.parseFloat);
  return values && values.length === count && values.every(Number.isFinite) ? values : undefined;
}

export function instanceRef(dataSet: DataSet, key: string, frames: number): InstanceRef {
  const ref: InstanceRef = { key, sopInstanceUID: dataSet.string('x00080018') ?? key, frames };
  const number = Number.parseInt(dataSet.string('x00200013') ?? '', 10);
  if (Number.isFinite(number)) ref.instanceNumber = number;
  const position = numbers(dataSet.string('x00200032'), 3);
  if (position) ref.position = position as [number, number, number];
  const orientation = numbers(dataSet.string('x00200037'), 6);
  if (orientation) ref.orientation = orientation as InstanceRef['orientation'];
  return ref;
}

function along(ref: InstanceRef): number | undefined {
  const o = ref.orientation;
  const p = ref.position;
  if (!o || !p) return undefined;
  const n = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
  return p[0] * (n[0] ?? 0) + p[1] * (n[1] ?? 0) + p[2] * (n[2] ?? 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Sort a series in place and count its duplicates and gaps. */
export function orderSeries(series: SeriesInfo): void {
  const keyed = series.instances.map((ref) => ({ ref, z: along(ref) }));
  if (keyed.every((k) => k.z !== undefined)) {
    keyed.sort((a, b) => (a.z ?? 0) - (b.z ?? 0));
    const steps = keyed.slice(1).map((k, i) => Math.abs((k.z ?? 0) - (keyed[i]?.z ?? 0)));
    series.duplicates = steps.filter((s) => s < 1e-3).length;
    const positive = steps.filter((s) => s >= 1e-3);
    if (positive.length > 0) {
      const typical = median(positive);
      series.spacing = typical;
      series.missing = positive.reduce((sum, s) => sum + Math.max(0, Math.round(s / typical) - 1), 0);
    }
  } else {
    keyed.sort((a, b) => (a.ref.instanceNumber ?? 0) - (b.ref.instanceNumber ?? 0));
    const numbersSeen = keyed.map((k) => k.ref.instanceNumber).filter((n): n is number => n !== undefined);
    series.duplicates = numbersSeen.length - new Set(numbersSeen).size;
  }
  series.instances = keyed.map((k) => k.ref);
}

export class SeriesIndex {
  private readonly series = new Map<string, SeriesInfo>();

  add(dataSet: DataSet, ref: InstanceRef): SeriesInfo {
    const seriesUID = dataSet.string('x0020000e') ?? `unknown-series-${ref.key}`;
    let entry = this.series.get(seriesUID);
    if (!entry) {
      entry = {
        studyInstanceUID: dataSet.string('x0020000d') ?? 'unknown-study', seriesInstanceUID: seriesUID,
        modality: dataSet.string('x00080060') ?? '', description: dataSet.string('x0008103e') ?? '',
        instances: [], duplicates: 0, missing: 0,
      };
      const number = Number.parseInt(dataSet.string('x00200011') ?? '', 10);
      if (Number.isFinite(number)) entry.seriesNumber = number;
      this.series.set(seriesUID, entry);
    }
    entry.instances.push(ref);
    return entry;
  }

  /** Every series, ordered, grouped by study in the order studies were first seen. */
  list(): SeriesInfo[] {
    const all = [...this.series.values()];
    all.forEach(orderSeries);
    return all.sort((a, b) => a.studyInstanceUID.localeCompare(b.studyInstanceUID) || (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0));
  }
}
