/**
 * The draft report's wording: the finding against the operating point, nothing stated for an
 * out-of-scope image unless the user overrode it (and then said so), areas in pixels when
 * Pixel Spacing is missing, a series volume, and the cards' limits on the real card files.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cardText } from '../../src/report/card-text.ts';
import { DRAFT_LABEL, draftReport, formatDicomDate, type ReportClassification, type ReportInput, type ReportSegmentation } from '../../src/report/draft.ts';

const card = (id: string): string => readFileSync(`public/models/${id}/card.md`, 'utf8');
const manifest = JSON.parse(readFileSync('public/models/manifest.json', 'utf8')) as { models: { id: string; card: string }[] };

const pneumonia = { id: 'pneumonia-cxr', name: 'Pneumonia (chest X-ray, 128 px)', version: '1.0.0', card: cardText(card('pneumonia-cxr')) };
const lungsModel = { id: 'lungs-cxr', name: 'Lung fields (chest X-ray, 256 px)', version: '1.0.0', card: cardText(card('lungs-cxr')) };
const brainModel = { id: 'brain-flair', name: 'Brain tumour (MRI FLAIR, 128 px)', version: '1.0.0', card: cardText(card('brain-flair')) };

function classified(probability: number, extra: Partial<ReportClassification> = {}): ReportClassification {
  return { model: pneumonia, label: 'pneumonia', probability, operatingPoint: 0.35, applicability: { applies: true, distance: 12.34, threshold: 24.48 }, scopeReasons: [], overridden: false, ...extra };
}

const chest = { modality: 'CR', bodyPart: 'CHEST', view: 'PA', studyDate: '19950401' };
const section = (text: string, title: string): string => text.split('\n\n').find((s) => s.startsWith(`${title}\n`)) ?? '';

describe('draftReport', () => {
  it('states the finding at or above the operating point, with model id and version', () => {
    const text = draftReport({ study: chest, classification: classified(0.83), hilumVersion: '0.1.0' });
    expect(text.startsWith(`${DRAFT_LABEL}\n`)).toBe(true);
    expect(section(text, 'FINDINGS')).toContain('The pneumonia classifier (pneumonia-cxr v1.0.0) gives a probability of pneumonia of 83.0% (operating point 35.0%): pneumonia suggested.');
    expect(section(text, 'EXAMINATION')).toContain('CR, chest, PA view. Study date: 1995-04-01.');
    expect(section(text, 'APPLICABILITY')).toContain('The applicability gate accepts the image (distance 12.3, threshold 24.5)');
    expect(section(text, 'MODELS')).toContain('- Pneumonia (chest X-ray, 128 px): pneumonia-cxr v1.0.0.');
    expect(section(text, 'MODELS')).toContain('Hilum 0.1.0');
    expect(text).not.toMatch(/no pneumonia suggested/);
  });

  it('says no finding below the operating point, and exactly at it says the finding', () => {
    expect(section(draftReport({ study: chest, classification: classified(0.349) }), 'FINDINGS')).toMatch(/of 34\.9% \(operating point 35\.0%\): no pneumonia suggested\.$/);
    expect(section(draftReport({ study: chest, classification: classified(0.35) }), 'FINDINGS')).toMatch(/: pneumonia suggested\.$/);
  });

  it('states no finding for an out-of-scope image, by tags or by the gate', () => {
    const byTags = draftReport({ study: { modality: 'MR' }, classification: classified(0.9, { scopeReasons: ['The file\'s modality is MR; this model reads CR or DX images.'] }) });
    const byGate = draftReport({ study: chest, classification: classified(0.9, { applicability: { applies: false, distance: 80, threshold: 24.48 } }) });
    for (const text of [byTags, byGate]) {
      expect(section(text, 'FINDINGS')).toMatch(/^FINDINGS\nNo finding is stated: the image is outside the scope of the pneumonia classifier \(pneumonia-cxr v1\.0\.0\)/);
      expect(text).not.toMatch(/suggested|90\.0%/);
    }
    expect(section(byTags, 'APPLICABILITY')).toContain("out of scope by its DICOM tags: The file's modality is MR");
    expect(section(byGate, 'APPLICABILITY')).toContain('The applicability gate rejects the image (distance 80.0, threshold 24.5)');
  });

  it('gives an overridden out-of-scope result with the caveat that the user chose it', () => {
    const text = draftReport({ study: chest, classification: classified(0.9, { applicability: { applies: false, distance: 80, threshold: 24.48 }, overridden: true }) });
    expect(section(text, 'FINDINGS')).toContain("The image is outside the classifier's scope (see Applicability); the user chose to see the result anyway. It must not be relied on: The pneumonia classifier (pneumonia-cxr v1.0.0) gives a probability of pneumonia of 90.0%");
    expect(section(text, 'APPLICABILITY')).toContain('The user overrode this to see the result.');
  });

  it('measures lungs in pixels and says so when Pixel Spacing is missing', () => {
    const seg: ReportSegmentation = { model: lungsModel, structure: 'lung', lungs: { right: { value: 41234, unit: 'px' }, left: { value: 38000, unit: 'px' }, total: { value: 79234, unit: 'px' } }, noSpacing: true, scopeReasons: [] };
    const text = section(draftReport({ study: chest, segmentation: seg }), 'MEASUREMENTS');
    expect(text).toContain('Lung outline (lungs-cxr v1.0.0): right lung 41,234 px, left lung 38,000 px, both lungs 79,234 px.');
    expect(text).toContain('Pixel spacing missing');
    const cm: ReportSegmentation = { ...seg, lungs: { right: { value: 312.44, unit: 'cm²' }, left: { value: 280.06, unit: 'cm²' }, total: { value: 592.5, unit: 'cm²' } }, noSpacing: false };
    const inCm = section(draftReport({ study: chest, segmentation: cm }), 'MEASUREMENTS');
    expect(inCm).toContain('right lung 312.4 cm², left lung 280.1 cm², both lungs 592.5 cm²');
    expect(inCm).not.toContain('Pixel spacing missing');
  });

  it('reports a series volume, or why it cannot be measured, and an out-of-scope outline with caution', () => {
    const base: ReportSegmentation = { model: brainModel, structure: 'tumour', area: { value: 4.21, unit: 'cm²' }, noSpacing: false, scopeReasons: ['The series is "FSE PD AXIAL OBL", not a FLAIR series.'] };
    const text = draftReport({ study: { modality: 'MR' }, segmentation: { ...base, volume: { slices: 20, millilitres: 12.345, largestSlice: 7 } } });
    const m = section(text, 'MEASUREMENTS');
    expect(m).toContain('Tumour outline (brain-flair v1.0.0): 4.2 cm² on the shown image.');
    expect(m).toContain('Tumour volume over 20 slices: 12.3 mL; largest on slice 8.');
    expect(m).toContain('treat these measurements with caution');
    expect(section(text, 'APPLICABILITY')).toContain('Tumour outline: out of scope by its DICOM tags: The series is "FSE PD AXIAL OBL"');
    const missing = section(draftReport({ study: {}, segmentation: { ...base, volume: { slices: 20, missing: 'the files give no Slice Thickness' } } }), 'MEASUREMENTS');
    expect(missing).toContain('Tumour volume over 20 slices not measurable: the files give no Slice Thickness; no tumour found on any slice.');
  });

  it('carries each used model card\'s intended use and limits, and says so when a card is missing', () => {
    const input: ReportInput = { study: chest, classification: classified(0.2), segmentation: { model: { ...lungsModel, card: undefined }, structure: 'lung', lungs: { total: { value: 10, unit: 'px' } }, noSpacing: true, scopeReasons: [] } };
    const text = section(draftReport(input), 'LIMITS');
    expect(text).toContain('Pneumonia (chest X-ray, 128 px): intended use: education and research, not for diagnosis.');
    expect(text).toContain('- Trained on children aged 1 to 5 from one hospital;');
    expect(text).toContain('Lung fields (chest X-ray, 256 px): the model card could not be read; see models/lungs-cxr/card.md.');
  });

  it('names the patient only when the caller passes patient tags', () => {
    expect(draftReport({ study: chest })).not.toMatch(/Patient/);
    expect(section(draftReport({ study: { ...chest, patient: { name: 'DOE JANE', id: '123' } } }), 'EXAMINATION')).toContain('Patient: DOE JANE, ID 123.');
    expect(formatDicomDate('20240131')).toBe('2024-01-31');
  });
});

describe('cardText on the shipped cards', () => {
  it('finds an intended use and at least one limit in every card of the manifest', () => {
    expect(manifest.models.length).toBeGreaterThanOrEqual(4);
    for (const m of manifest.models) {
      const text = cardText(readFileSync(`public/models/${m.id}/${m.card}`, 'utf8'));
      expect(text.intendedUse, m.id).toMatch(/^education and research, not for diagnosis\./);
      expect(text.limits.length, m.id).toBeGreaterThan(0);
      for (const limit of text.limits) expect(limit, m.id).not.toMatch(/\*\*|`|^- |\n|Data licence/);
    }
  });

  it('reads each card\'s limits whole and only its limits', () => {
    const pneumoniaLimits = cardText(card('pneumonia-cxr')).limits;
    expect(pneumoniaLimits).toHaveLength(4);
    expect(pneumoniaLimits[0]).toBe('Trained on children aged 1 to 5 from one hospital; adults, other hospitals and other devices are outside what it has seen. The source images had been squashed to a square and JPEG-compressed.');
    expect(pneumoniaLimits[3]).toMatch(/^Probabilities are not a diagnosis.*measures that shift\.$/);
    expect(cardText(card('pneumonia-cxr')).intendedUse).toBe('education and research, not for diagnosis. It says whether a frontal paediatric chest X-ray looks like pneumonia. A clinician must review every result.');
    expect(cardText(card('lungs-cxr')).limits[0]).toMatch(/^One hospital's adult films, most of them PA\./);
    expect(cardText(card('brain-flair')).limits).toHaveLength(4);
    expect(cardText(card('brain-flair')).limits[2]).toMatch(/^Over a whole series only the largest 3-D tumour region is kept/);
    expect(cardText(card('pneumonia-mnist-tiny')).limits).toEqual(['28 px loses almost all detail; trained on paediatric films only; the source images had already been squashed to a square, so adult films and other aspect ratios are out of distribution.']);
  });
});
