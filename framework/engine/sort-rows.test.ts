import { describe, expect, it } from 'vitest';
import { ColumnBuilder } from '../columnar/column.ts';
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
