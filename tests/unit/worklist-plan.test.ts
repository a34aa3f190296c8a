/** Which studies the worklist makes from loaded series, and which bundled models it runs on each, from the tags alone. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { SeriesInfo } from '../../src/dicom/series.ts';
import type { OpenedFile, TagValue } from '../../src/imaging/api.ts';
import { parseManifest } from '../../src/ml/manifest.ts';
import { groupStudies, planStudy } from '../../src/state/worklist-plan.ts';

const models = parseManifest(JSON.parse(readFileSync('public/models/manifest.json', 'utf8'))).models;

const tag = (t: string, value: string, identifying = false): TagValue => ({ tag: t, name: t, value, identifying });
function dicom(study: string, seriesUID: string, modality: string, keys: string[], extra: TagValue[]): { series: SeriesInfo; files: OpenedFile[] } {
  const description = extra.find((t) => t.tag === 'x0008103e')?.value ?? '';
  const series: SeriesInfo = { studyInstanceUID: study, seriesInstanceUID: seriesUID, modality, description, instances: keys.map((key) => ({ key, sopInstanceUID: key, frames: 1 })), duplicates: 0, missing: 0 };
  const files = keys.map((key): OpenedFile => ({ key, ok: true, kind: 'dicom', frames: 1, tags: [tag('x00100010', 'DOE JOHN', true), tag('x00080060', modality), ...extra] }));
  return { series, files };
}
function png(name: string): { series: SeriesInfo; files: OpenedFile[] } {
  return { series: { studyInstanceUID: 'images', seriesInstanceUID: `raster:${name}`, modality: 'OT', description: name.split('/').pop() ?? name, instances: [{ key: name, sopInstanceUID: name, frames: 1 }], duplicates: 0, missing: 0 }, files: [{ key: name, ok: true, kind: 'raster', frames: 1 }] };
}

const chest = dicom('1.1', '1.1.1', 'CR', ['chest/a.dcm', 'chest/b.dcm'], [tag('x00180015', 'CHEST'), tag('x00185101', 'PA'), tag('x00081030', 'THORAX')]);
const lateral = dicom('1.1', '1.1.2', 'CR', ['chest/lat.dcm'], [tag('x00180015', 'CHEST'), tag('x00185101', 'LL')]);
const flair = dicom('2.2', '2.2.1', 'MR', ['mr/1', 'mr/2', 'mr/3'], [tag('x0008103e', 'AX T2 FLAIR')]);
const pd = dicom('3.3', '3.3.1', 'MR', ['pd/1', 'pd/2'], [tag('x0008103e', 'FSE PD AXIAL OBL'), tag('x00081030', 'BRAIN')]);
const all = [chest, lateral, flair, pd, png('x/NORMAL.png'), png('x/PNEUMONIA.png')];
const groups = groupStudies(all.map((s) => s.series), all.flatMap((s) => s.files));
function group(i: number): (typeof groups)[number] {
  const g = groups[i];
  if (!g) throw new Error(`no group ${i}`);
  return g;
}

describe('worklist studies', () => {
  it('makes one row per study and one per PNG, without identifying tags in the title', () => {
    expect(groups.map((g) => [g.id, g.title, g.modality, g.images])).toEqual([
      ['1.1', 'THORAX', 'CR', 3],
      ['2.2', 'AX T2 FLAIR', 'MR', 3],
      ['3.3', 'BRAIN', 'MR', 2],
      ['raster:x/NORMAL.png', 'NORMAL.png', 'image', 1],
      ['raster:x/PNEUMONIA.png', 'PNEUMONIA.png', 'image', 1],
    ]);
    expect(JSON.stringify(groups.map((g) => g.title))).not.toMatch(/DOE/);
  });

  it('classifies and outlines the first frontal chest film, not the lateral', () => {
    const plan = planStudy(group(0), models);
    expect(plan.chest).toEqual({ ref: { key: 'chest/a.dcm', frame: 0 }, classifier: 'pneumonia-cxr', lungs: 'lungs-cxr' });
    expect(plan.volume).toBeUndefined();
    // A lateral-only study: no model reads it, and the row says why.
    const lateralOnly = groupStudies([lateral.series], lateral.files)[0];
    expect(lateralOnly && planStudy(lateralOnly, models).reasons.join(' ')).toMatch(/Pneumonia.*The view is left lateral/);
  });

  it('outlines every slice of a FLAIR series for a volume, and calls a PD series out of scope', () => {
    const plan = planStudy(group(1), models);
    expect(plan.chest).toBeUndefined();
    expect(plan.volume).toEqual({ modelId: 'brain-flair', seriesUID: '2.2.1', refs: [{ key: 'mr/1', frame: 0 }, { key: 'mr/2', frame: 0 }, { key: 'mr/3', frame: 0 }], firstKey: 'mr/1' });
    const out = planStudy(group(2), models);
    expect(out.chest).toBeUndefined();
    expect(out.volume).toBeUndefined();
    expect(out.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^Pneumonia.*modality is MR/), expect.stringMatching(/^Brain tumour.*"FSE PD AXIAL OBL", not a FLAIR series/)]));
  });

  it('leaves a PNG to the classifier gate, with the lung outline, and never the brain model', () => {
    const plan = planStudy(group(3), models);
    expect(plan.chest).toEqual({ ref: { key: 'x/NORMAL.png', frame: 0 }, classifier: 'pneumonia-cxr', lungs: 'lungs-cxr' });
    expect(plan.volume).toBeUndefined();
  });
});
