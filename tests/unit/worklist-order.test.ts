/** The worklist's urgency order and its ETA: plain functions, checked on hand-made rows. */
import { describe, expect, it } from 'vitest';
import { etaMs, formatEta, median, progressOf, sortRows, type RowStatus, type WorklistRow } from '../../src/state/worklist-order.ts';

let next = 0;
function row(status: RowStatus, probability?: number, operatingPoint = 0.35): WorklistRow {
  const index = next++;
  const finding = probability === undefined ? {} : { finding: { label: 'pneumonia', probability, operatingPoint, abnormal: probability >= operatingPoint } };
  return { id: `s${index}`, index, title: `study ${index}`, modality: 'CR', images: 1, seriesUID: `series${index}`, status, reasons: [], ...finding };
}

describe('worklist order', () => {
  it('puts abnormal findings first by probability, then other results, then the queue, out of scope, failures', () => {
    const failed = row('failed');
    const out = row('out-of-scope');
    const queued = row('queued');
    const normalLow = row('done', 0.05);
    const abnormalMid = row('done', 0.6);
    const running = row('running');
    const normalHigh = row('done', 0.3);
    const abnormalTop = row('done', 0.97);
    const volumeOnly = row('done');
    const sorted = sortRows([failed, out, queued, normalLow, abnormalMid, running, normalHigh, abnormalTop, volumeOnly]);
    expect(sorted.map((r) => r.id)).toEqual([abnormalTop, abnormalMid, normalHigh, normalLow, volumeOnly, running, queued, out, failed].map((r) => r.id));
  });

  it('is stable: equal rows keep their arrival order, and the input is not changed', () => {
    const rows = [row('out-of-scope'), row('queued'), row('out-of-scope'), row('queued'), row('done', 0.5), row('done', 0.5)];
    const before = rows.map((r) => r.id);
    const sorted = sortRows(rows);
    expect(sorted.map((r) => r.index)).toEqual([rows[4], rows[5], rows[1], rows[3], rows[0], rows[2]].map((r) => r?.index));
    expect(rows.map((r) => r.id)).toEqual(before);
  });

  it('flags a probability at the operating point as abnormal', () => {
    expect(row('done', 0.35).finding?.abnormal).toBe(true);
    expect(sortRows([row('done', 0.34), row('done', 0.35)])[0]?.finding?.probability).toBe(0.35);
  });
});

describe('worklist ETA', () => {
  it('is the median time per study times the studies left', () => {
    expect(median([])).toBeUndefined();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 100])).toBe(3.5);
    // One slow first study (model loading) does not dominate the estimate.
    expect(etaMs([9000, 1000, 1200], 10)).toBe(12_000);
    expect(etaMs([], 4)).toBeUndefined();
    expect(etaMs([1000], 0)).toBe(0);
  });

  it('reads as a rough figure', () => {
    expect(formatEta(undefined)).toBe('estimating time left…');
    expect(formatEta(12_400)).toBe('about 12 s left');
    expect(formatEta(200)).toBe('about 1 s left');
    expect(formatEta(185_000)).toBe('about 3 min left');
  });

  it('counts every settled row as done', () => {
    expect(progressOf([row('done', 0.1), row('failed'), row('out-of-scope'), row('running'), row('queued')])).toEqual({ done: 3, total: 5 });
  });
});
