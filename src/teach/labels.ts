/**
 * The user's labels as plain data: class names in order (number key n assigns class n) and
 * which class each image is in, by image id. Every change returns a new value, so the state
 * class can persist exactly what it shows.
 */

export interface LabelSet {
  classes: string[];
  /** Image id to class name. */
  labels: Record<string, string>;
}

export const EMPTY_LABELS: LabelSet = { classes: [], labels: {} };

/** Below this a class cannot be learned from at all; below MEASURE_PER_CLASS it cannot be measured. */
export const LEARN_PER_CLASS = 10;
export const MEASURE_PER_CLASS = 20;

/** Why a class name is refused, or undefined when it is fine. */
export function classNameProblem(set: LabelSet, name: string, except?: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'A class needs a name.';
  if (set.classes.some((c) => c !== except && c.toLowerCase() === trimmed.toLowerCase())) return `There is already a class called "${trimmed}".`;
  return undefined;
}

export function addClass(set: LabelSet, name: string): LabelSet {
  if (classNameProblem(set, name)) return set;
  return { ...set, classes: [...set.classes, name.trim()] };
}

export function renameClass(set: LabelSet, from: string, to: string): LabelSet {
  const name = to.trim();
  if (!set.classes.includes(from) || classNameProblem(set, name, from)) return set;
  const labels = Object.fromEntries(Object.entries(set.labels).map(([id, c]) => [id, c === from ? name : c]));
  return { classes: set.classes.map((c) => (c === from ? name : c)), labels };
}

/** Deleting a class unlabels its images; the images themselves stay loaded. */
export function deleteClass(set: LabelSet, name: string): LabelSet {
  const labels = Object.fromEntries(Object.entries(set.labels).filter(([, c]) => c !== name));
  return { classes: set.classes.filter((c) => c !== name), labels };
}

/** `name` undefined removes the label. A class that does not exist is created (a folder import names its own). */
export function assign(set: LabelSet, ids: readonly string[], name: string | undefined): LabelSet {
  const drop = new Set(ids);
  const labels = name === undefined ? Object.fromEntries(Object.entries(set.labels).filter(([id]) => !drop.has(id))) : { ...set.labels };
  if (name !== undefined) for (const id of ids) labels[id] = name;
  const classes = name !== undefined && !set.classes.includes(name) ? [...set.classes, name] : set.classes;
  return { classes, labels };
}

/** Images per class, in class order, counting only images that are loaded now. */
export function countsFor(set: LabelSet, loaded: readonly string[]): number[] {
  const counts = set.classes.map(() => 0);
  for (const id of loaded) {
    const index = set.classes.indexOf(set.labels[id] ?? '');
    if (index >= 0) counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}

/** One sentence per class that is too small, saying its number. */
export function classWarnings(classes: readonly string[], counts: readonly number[]): string[] {
  const warnings: string[] = [];
  if (classes.length < 2) warnings.push(`There ${classes.length === 1 ? 'is 1 class' : 'are no classes'}; at least 2 are needed to learn.`);
  classes.forEach((name, i) => {
    const n = counts[i] ?? 0;
    const images = `${n} image${n === 1 ? '' : 's'}`;
    if (n < LEARN_PER_CLASS) warnings.push(`${name} has ${images}; at least ${LEARN_PER_CLASS} per class are needed to learn, ${MEASURE_PER_CLASS}+ to measure.`);
    else if (n < MEASURE_PER_CLASS) warnings.push(`${name} has ${images}: enough to learn from, but ${MEASURE_PER_CLASS}+ per class are needed to measure how well it works.`);
  });
  return warnings;
}
