import { describe, expect, it } from 'vitest';
import { splitByPatient, type SplitItem } from '../../src/teach/split.ts';

/** 300 images of 120 patients (1-4 images each), about a third of patients in class 1. */
function cohort(): SplitItem[] {
  const items: SplitItem[] = [];
  for (let p = 0; p < 120; p++) {
    const label = p % 3 === 0 ? 1 : 0;
    const images = 1 + (p % 4);
    for (let i = 0; i < images; i++) items.push({ id: `p${p}-img${i}`, label, patient: `PAT${p}` });
  }
  return items;
}

describe('split by patient', () => {
  it('never puts one patient on both sides', () => {
    const { train, validation, patients } = splitByPatient(cohort(), 0.2, 3);
    const trainPatients = new Set(train.map((i) => i.patient));
    const overlap = validation.filter((i) => trainPatients.has(i.patient));
    expect(overlap).toEqual([]);
    expect(patients).toBe(120);
    expect(train.length + validation.length).toBe(300);
  });

  it('keeps the class proportions of the patients in validation', () => {
    const { validation } = splitByPatient(cohort(), 0.2, 3);
    const valPatients = (label: number): number => new Set(validation.filter((i) => i.label === label).map((i) => i.patient)).size;
    // 40 patients of class 1 and 80 of class 0: 20% of each.
    expect(valPatients(1)).toBe(8);
    expect(valPatients(0)).toBe(16);
  });

  it('is deterministic for a seed, whatever the input order, and a new seed changes it', () => {
    const a = splitByPatient(cohort(), 0.2, 5).validation.map((i) => i.id).sort();
    const b = splitByPatient([...cohort()].reverse(), 0.2, 5).validation.map((i) => i.id).sort();
    const c = splitByPatient(cohort(), 0.2, 6).validation.map((i) => i.id).sort();
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('treats every image without PatientID as its own patient, and keeps a one-patient class in training', () => {
    const items: SplitItem[] = [
      ...Array.from({ length: 50 }, (_, i) => ({ id: `n${i}`, label: 0 })),
      ...Array.from({ length: 50 }, (_, i) => ({ id: `t${i}`, label: 1, patient: ' ' })),
      { id: 'rare', label: 2, patient: 'ONLY' },
    ];
    const { train, validation, patients } = splitByPatient(items, 0.2, 1);
    expect(patients).toBe(101);
    expect(validation.filter((i) => i.label === 0)).toHaveLength(10);
    expect(validation.filter((i) => i.label === 1)).toHaveLength(10);
    expect(train.map((i) => i.id)).toContain('rare');
  });
});
