import { describe, expect, it } from 'vitest';
import { EMPTY_LABELS, addClass, assign, classNameProblem, classWarnings, countsFor, deleteClass, renameClass } from '../../src/teach/labels.ts';
import { classesFromPaths, mapFolders } from '../../src/teach/folders.ts';

describe('labels', () => {
  it('creates, renames and deletes classes, carrying or dropping their images', () => {
    let set = addClass(addClass(EMPTY_LABELS, 'NORMAL'), ' TB ');
    expect(set.classes).toEqual(['NORMAL', 'TB']);
    expect(addClass(set, 'tb')).toBe(set);
    expect(classNameProblem(set, 'tb')).toContain('already');
    set = assign(set, ['a', 'b'], 'TB');
    set = assign(set, ['c'], 'NORMAL');
    set = renameClass(set, 'TB', 'Tuberculosis');
    expect(set.labels).toEqual({ a: 'Tuberculosis', b: 'Tuberculosis', c: 'NORMAL' });
    expect(countsFor(set, ['a', 'b', 'c', 'unloaded'])).toEqual([1, 2]);
    set = deleteClass(set, 'Tuberculosis');
    expect(set).toEqual({ classes: ['NORMAL'], labels: { c: 'NORMAL' } });
    expect(assign(set, ['c'], undefined).labels).toEqual({});
  });

  it('says which class is too small, with its number', () => {
    expect(classWarnings(['NORMAL', 'TB', 'OK'], [4, 12, 25])).toEqual([
      'NORMAL has 4 images; at least 10 per class are needed to learn, 20+ to measure.',
      'TB has 12 images: enough to learn from, but 20+ per class are needed to measure how well it works.',
    ]);
    expect(classWarnings(['ONLY'], [40])[0]).toContain('at least 2 are needed');
  });
});

describe('labelled folders', () => {
  it('takes the class from the subfolder, whether the parent or the class folders were picked', () => {
    const picked = classesFromPaths(['data/normal/a.png', 'data/tb/b.png', 'data/tb/p1/s1/c.dcm', 'data/readme.txt']);
    expect([...picked]).toEqual([['data/normal/a.png', 'normal'], ['data/tb/b.png', 'tb'], ['data/tb/p1/s1/c.dcm', 'tb']]);
    const dropped = classesFromPaths(['normal/a.png', 'tb/b.png', 'loose.png']);
    expect([...dropped]).toEqual([['normal/a.png', 'normal'], ['tb/b.png', 'tb']]);
  });

  it('maps folders onto a model\'s labels by name, ignoring case, and names the ones that do not map', () => {
    const m = mapFolders(['normal', 'Pneumonia', 'tb', 'normal'], ['NORMAL', 'PNEUMONIA']);
    expect([...m.mapped]).toEqual([['Pneumonia', 1], ['normal', 0]]);
    expect(m.unmapped).toEqual(['tb']);
  });
});
