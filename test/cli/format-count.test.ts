import { describe, expect, it } from 'vitest';
import { formatCount } from '../../framework/cli/output.ts';

describe('formatCount', () => {
  it("writes counts as toLocaleString('en-US') does, without loading Intl", () => {
    const values = [0, 7, 999, 1000, 9999, 12_345, 100_000, 992_685, 1_000_000, 1_234_567_890, Number.MAX_SAFE_INTEGER, -1, -1000, -987_654_321];
    for (const x of values) expect(formatCount(x)).toBe(x.toLocaleString('en-US'));
    expect(formatCount(1_234_567)).toBe('1,234,567');
  });

  it('leaves other numbers to toLocaleString', () => {
    for (const x of [1234.5678, 2 ** 60, NaN, Infinity]) expect(formatCount(x)).toBe(x.toLocaleString('en-US'));
  });
});
