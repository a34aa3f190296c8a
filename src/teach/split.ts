/**
 * The held-out split, made so its figures can be trusted: by patient (no patient's images on
 * both sides, or the model is graded on people it has already seen), stratified by class (so a
 * small class is not left out of validation by chance), and seeded (the same data gives the
 * same split, so a rerun is comparable). No DOM: tested in Node.
 */
import { seededRandom, shuffled } from '../ml/random.ts';

export interface SplitItem {
  id: string;
  label: number;
  /** PatientID when the file has one; an image without it is its own patient. */
  patient?: string;
}

export interface Split {
  train: SplitItem[];
  validation: SplitItem[];
  /** Distinct patients over both sides (images without PatientID count one each). */
  patients: number;
}

interface Group {
  patient: string;
  items: SplitItem[];
  /** The class the group is stratified under: its most frequent label. */
  label: number;
}

function groupsOf(items: readonly SplitItem[]): Group[] {
  const byPatient = new Map<string, SplitItem[]>();
  for (const item of items) {
    // The id is unique, so an image without PatientID cannot join anyone else's group.
    const patient = item.patient?.trim() ? `p:${item.patient.trim()}` : `i:${item.id}`;
    const list = byPatient.get(patient);
    if (list) list.push(item);
    else byPatient.set(patient, [item]);
  }
  return [...byPatient].map(([patient, list]) => ({ patient, items: list, label: majority(list) }));
}

function majority(items: readonly SplitItem[]): number {
  const counts: number[] = [];
  for (const item of items) counts[item.label] = (counts[item.label] ?? 0) + 1;
  let best = 0;
  counts.forEach((n, label) => {
    if (n > (counts[best] ?? 0)) best = label;
  });
  return best;
}

/**
 * About `fraction` of each class's patients go to validation, at least one when the class has
 * two or more patients (a class with one patient stays in training: it cannot be on both sides).
 * Groups are sorted by patient key before the seeded shuffle, so input order does not matter.
 */
export function splitByPatient(items: readonly SplitItem[], fraction = 0.2, seed = 1): Split {
  const groups = groupsOf(items).sort((a, b) => (a.patient < b.patient ? -1 : a.patient > b.patient ? 1 : 0));
  const random = seededRandom(seed);
  const train: SplitItem[] = [];
  const validation: SplitItem[] = [];
  const labels = [...new Set(groups.map((g) => g.label))].sort((a, b) => a - b);
  for (const label of labels) {
    const ofClass = groups.filter((g) => g.label === label);
    const order = shuffled(ofClass.length, random);
    const wanted = ofClass.length < 2 ? 0 : Math.max(1, Math.round(ofClass.length * fraction));
    order.forEach((index, rank) => {
      const group = ofClass[index];
      if (group) (rank < wanted ? validation : train).push(...group.items);
    });
  }
  return { train, validation, patients: groups.length };
}
