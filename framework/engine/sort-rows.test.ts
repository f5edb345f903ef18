import { describe, expect, it } from 'vitest';
import { ColumnBuilder, type Column } from '../columnar/column.ts';
import { T, type DataType } from '../schema/types.ts';
import { seededRandom } from '../../test/support/random.ts';
import { sortByCodes, orderCodes, sameCodes, type SortColumn } from './keys.ts';
import { sortRows } from './sort-rows.ts';

/** The reference: every key ranked up front, one radix sort. */
function eagerSort(lead: { codes: Int32Array; buckets: number } | null, keys: readonly SortColumn[], n: number) {
  const codes = [...(lead ? [lead] : []), ...keys.map(orderCodes)];
  const order = sortByCodes(codes, n);
  const ties = Array.from(order, (r, k) => (k > 0 && sameCodes(codes, order[k - 1], r) ? 1 : 0));
  return { order: Array.from(order), ties };
}

function column(type: DataType, values: readonly unknown[]) {
  const b = new ColumnBuilder(type, values.length);
  for (const v of values) (v === null ? b.pushNull() : b.push(v as never));
  return b.finish();
}

describe('sortRows: string keys after the first only break ties', () => {
  it('gives the same order and peer groups as ranking every key, with nulls, duplicates, unicode and both directions', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = seededRandom(seed);
      const n = 1 + Math.floor(r() * 300);
      const strings = ['a', 'b', 'B', 'é', '😀', 'z', '', 'ab'];
      const ts = Array.from({ length: n }, () => (r() < 0.1 ? null : BigInt(Math.floor(r() * 20))));
      const s1 = Array.from({ length: n }, () => (r() < 0.1 ? null : strings[Math.floor(r() * strings.length)]));
      const s2 = Array.from({ length: n }, () => (r() < 0.1 ? null : strings[Math.floor(r() * strings.length)]));
      const keys: SortColumn[] = [
        { column: column(T.timestamp, ts), ascending: r() < 0.5, nullsFirst: r() < 0.5 },
        { column: column(T.string, s1), ascending: r() < 0.5, nullsFirst: r() < 0.5 },
        { column: column(T.string, s2), ascending: r() < 0.5, nullsFirst: r() < 0.5 },
      ];
      const lead = r() < 0.5 ? { codes: Int32Array.from({ length: n }, () => Math.floor(r() * 4)), buckets: 4 } : null;
      for (const ks of [keys, keys.slice(1), [keys[1], keys[0]]]) {
        const got = sortRows(lead, ks, n);
        const want = eagerSort(lead, ks, n);
        expect({ order: Array.from(got.order), ties: Array.from(got.tiesPrevious) }).toEqual(want);
      }
    }
  });
});

describe('sortRows: number keys radix-sorted on their bits', () => {
  const doubles = [NaN, -NaN, Infinity, -Infinity, 0, -0, 1.5, -1.5, Number.MIN_VALUE, -Number.MAX_VALUE];
  const longs = [-(2n ** 63n), 2n ** 63n - 1n, -1n, 0n, 1n, 2n ** 32n, 2n ** 53n + 1n];
  for (const n of [500, 70_000]) {
    it(`gives the order and ties of ranked codes for longs, doubles (NaN, -0.0), ints, booleans and dates, nulls both ways (${n} rows)`, () => {
      const r = seededRandom(n);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
      // Nulls over values that are still there: a null row's stored value must not order it.
      const withNulls = (c: Column): Column => ({ ...c, valid: Uint8Array.from({ length: n }, () => (r() < 0.05 ? 0 : 1)) });
      const columns = [
        column(T.int64, Array.from({ length: n }, () => (r() < 0.5 ? pick(longs) : BigInt(Math.floor(r() * 2 ** 40) - 2 ** 39)))),
        column(T.float64, Array.from({ length: n }, () => (r() < 0.5 ? pick(doubles) : Math.floor(r() * 100) / 4))),
        column(T.int32, Array.from({ length: n }, () => Math.floor(r() * 2 ** 32) - 2 ** 31)),
        column(T.boolean, Array.from({ length: n }, () => r() < 0.5)),
        column(T.date, Array.from({ length: n }, () => Math.floor(r() * 40))),
      ].map(withNulls);
      columns.push(column(T.timestamp, Array.from({ length: n }, () => BigInt(1_793_000_000_000_000 + Math.floor(r() * 4 * 86_400e6)))));
      const lead = { codes: Int32Array.from({ length: n }, () => Math.floor(r() * 300)), buckets: 300 };
      for (let round = 0; round < 6; round++) {
        // Two or three keys, in random order, directions and null placements; every column leads once.
        const ks: SortColumn[] = [columns[round], ...columns.filter((_, j) => j !== round && r() < 0.4)].map((c) => ({ column: c, ascending: r() < 0.5, nullsFirst: r() < 0.5 }));
        for (const l of [null, lead]) {
          const got = sortRows(l, ks, n);
          const want = eagerSort(l, ks, n);
          expect({ order: Array.from(got.order), ties: Array.from(got.tiesPrevious) }).toEqual(want);
        }
      }
    });
  }
});
