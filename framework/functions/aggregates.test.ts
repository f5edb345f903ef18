import { describe, expect, it } from 'vitest';
import { makeColumn, valueAt } from '../columnar/column.ts';
import { T } from '../schema/types.ts';
import { aggregateFunctions } from './index.ts';

describe('count(DISTINCT x) over 64-bit integers', () => {
  it('tells apart values a double cannot (around ±2^53 and the extremes), across updates', () => {
    const big = 2n ** 53n;
    // Neighbours beyond 2^53 round to the same double; each pair must count twice.
    const first = [big - 1n, big, big + 1n, big + 2n, -big, -big - 1n, -big - 2n, 5n, 5n];
    const second = [big + 1n, big + 3n, 2n ** 63n - 1n, 2n ** 63n - 2n, -(2n ** 63n), 5n, -1n, null];
    const acc = aggregateFunctions.get('count')!.accumulator([{ type: T.int64 }], T.int64, true);
    const column = (values: (bigint | null)[]) =>
      makeColumn(T.int64, BigInt64Array.from(values, (v) => v ?? 0n), Uint8Array.from(values, (v) => (v === null ? 0 : 1)));
    // Group 0 gets every value, group 1 only the second batch.
    acc.update(new Int32Array(first.length), 1, [column(first)], first.length);
    acc.update(Int32Array.from(second, (_, i) => i % 2), 2, [column(second)], second.length);
    const out = acc.finish(2);
    const distinct = (values: (bigint | null)[]) => new Set(values.filter((v) => v !== null)).size;
    expect(valueAt(out, 0)).toBe(BigInt(distinct([...first, ...second.filter((_, i) => i % 2 === 0)])));
    expect(valueAt(out, 1)).toBe(BigInt(distinct(second.filter((_, i) => i % 2 === 1))));
  });
});
