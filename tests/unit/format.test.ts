import { describe, expect, it } from 'vitest';
import { count } from '../../src/render/format.ts';

describe('count', () => {
  it('groups thousands as en-US does', () => {
    for (const n of [0, 7, 999, 1000, 75812, 1234567, -4200]) expect(count(n)).toBe(n.toLocaleString('en-US'));
    expect(count(Number.NaN)).toBe('NaN');
  });
});
