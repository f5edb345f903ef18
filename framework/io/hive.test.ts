import { describe, expect, it } from 'vitest';
import { escapePartitionValue, parsePartitionPath, partitionPath, unescapePartitionValue } from './hive.ts';

describe('Hive partition paths', () => {
  it('escapes as Hive does', () => {
    expect(escapePartitionValue('2026-11-01')).toBe('2026-11-01');
    expect(escapePartitionValue('a/b')).toBe('a%2Fb');
    expect(escapePartitionValue('k=v')).toBe('k%3Dv');
    expect(escapePartitionValue('100%')).toBe('100%25');
    expect(escapePartitionValue('../x')).toBe('..%2Fx');
    expect(escapePartitionValue('line\nbreak')).toBe('line%0Abreak');
    expect(escapePartitionValue('a:b?c#d')).toBe('a%3Ab%3Fc%23d');
    expect(escapePartitionValue('{[^]}')).toBe('%7B%5B%5E%5D}');
    expect(escapePartitionValue('space é <>|')).toBe('space é <>|');
    expect(escapePartitionValue('')).toBe('__HIVE_DEFAULT_PARTITION__');
    expect(escapePartitionValue(null)).toBe('__HIVE_DEFAULT_PARTITION__');
  });

  it('round-trips values and paths', () => {
    for (const v of ['a/b', 'k=v', '100%', '../x', 'é', 'x\ty']) expect(unescapePartitionValue(escapePartitionValue(v))).toBe(v);
    expect(unescapePartitionValue('__HIVE_DEFAULT_PARTITION__')).toBeNull();
    const p = partitionPath([{ name: 'dt', value: '2026-11-01' }, { name: 'country', value: 'a/b' }]);
    expect(p).toBe('dt=2026-11-01/country=a%2Fb');
    expect(parsePartitionPath(p)).toEqual([{ name: 'dt', value: '2026-11-01' }, { name: 'country', value: 'a/b' }]);
  });
});
