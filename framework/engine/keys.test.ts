import { describe, expect, it } from 'vitest';
import { makeColumn, type Column } from '../columnar/column.ts';
import { compareBigints, compareDoubles, compareStrings } from '../functions/compare.ts';
import { T } from '../schema/types.ts';
import { seededRandom } from '../../test/support/random.ts';
import { KeyIndex, orderCodes } from './keys.ts';

/**
 * orderCodes against a comparator sort, on inputs large enough for the radix sort's 16-bit
 * digits (65,536 rows and more) as well as small ones (8-bit digits).
 */
function expectCodesFollow(c: Column, compare: (a: number, b: number) => number): void {
  for (const ascending of [true, false]) {
    for (const nullsFirst of [true, false]) {
      const { codes, buckets } = orderCodes({ column: c, ascending, nullsFirst });
      const v = c.valid;
      const isNull = (i: number) => v !== null && v[i] === 0;
      const rows = Array.from({ length: c.length }, (_, i) => i);
      rows.sort((a, b) => {
        if (isNull(a) || isNull(b)) return isNull(a) === isNull(b) ? 0 : isNull(a) === nullsFirst ? -1 : 1;
        return ascending ? compare(a, b) : compare(b, a);
      });
      // Dense codes in the comparator's order: equal values share one, each step up is +1.
      const want = new Int32Array(c.length);
      let code = 0;
      for (let k = 0; k < rows.length; k++) {
        const a = rows[k - 1];
        const b = rows[k];
        if (k > 0 && (isNull(a) !== isNull(b) || (!isNull(a) && compare(a, b) !== 0))) code++;
        want[b] = code;
      }
      // Codes may leave gaps (nulls last get the top code): compare the order they induce.
      const got = Array.from(rows, (r) => codes[r]);
      for (let k = 1; k < got.length; k++) {
        const step = want[rows[k]] - want[rows[k - 1]];
        if (step === 0 ? got[k] !== got[k - 1] : got[k] <= got[k - 1]) {
          throw new Error(`rows ${rows[k - 1]} and ${rows[k]}: codes ${got[k - 1]}, ${got[k]} (ascending ${ascending}, nulls first ${nullsFirst})`);
        }
      }
      expect(Math.max(...codes)).toBeLessThan(buckets);
    }
  }
}

function withNulls(r: () => number, n: number, rate: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => (r() < rate ? 0 : 1));
}

describe('orderCodes', () => {
  for (const n of [1_000, 70_000]) {
    it(`orders int64 values over the whole range, duplicates and nulls (${n} rows)`, () => {
      const r = seededRandom(n);
      const pool = [-(2n ** 63n), 2n ** 63n - 1n, -1n, 0n, 1n, 2n ** 53n + 1n, -(2n ** 32n), 2n ** 32n, 2n ** 31n];
      const d = BigInt64Array.from({ length: n }, () =>
        r() < 0.3 ? pool[Math.floor(r() * pool.length)] : BigInt.asIntN(64, BigInt(Math.floor(r() * 2 ** 32)) * BigInt(Math.floor(r() * 2 ** 32)) - 2n ** 62n),
      );
      const c = makeColumn(T.int64, d, withNulls(r, n, 0.05));
      expectCodesFollow(c, (a, b) => compareBigints(d[a], d[b]));
    });

    it(`orders timestamps within a few days, as event times are (${n} rows)`, () => {
      const r = seededRandom(n + 1);
      const d = BigInt64Array.from({ length: n }, () => 1_793_000_000_000_000n + BigInt(Math.floor(r() * 4 * 86_400e6)));
      const c = makeColumn(T.timestamp, d, null);
      expectCodesFollow(c, (a, b) => compareBigints(d[a], d[b]));
    });

    it(`orders doubles: NaN above +Infinity, -0.0 = 0.0, nulls placed apart (${n} rows)`, () => {
      const r = seededRandom(n + 2);
      const pool = [NaN, -NaN, Infinity, -Infinity, 0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE];
      const d = Float64Array.from({ length: n }, () => (r() < 0.3 ? pool[Math.floor(r() * pool.length)] : (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20)));
      const c = makeColumn(T.float64, d, withNulls(r, n, 0.05));
      expectCodesFollow(c, (a, b) => compareDoubles(d[a], d[b]));
    });

    it(`orders int32 values spread too wide to be their own codes (${n} rows)`, () => {
      const r = seededRandom(n + 3);
      const d = Int32Array.from({ length: n }, () => (r() < 0.1 ? [-(2 ** 31), 2 ** 31 - 1, 0][Math.floor(r() * 3)] : Math.floor(r() * 2 ** 32) - 2 ** 31));
      const c = makeColumn(T.int32, d, withNulls(r, n, 0.05));
      expectCodesFollow(c, (a, b) => d[a] - d[b]);
    });

    it(`orders strings by code point (UTF-8 bytes) (${n} rows)`, () => {
      const r = seededRandom(n + 4);
      const alphabet = ['a', 'b', 'B', 'é', '😀', '\uffff', '\ue000', 'z', ''];
      const d = Array.from({ length: n }, () => Array.from({ length: Math.floor(r() * 4) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(''));
      const c = makeColumn(T.string, d, withNulls(r, n, 0.05));
      expectCodesFollow(c, (a, b) => compareStrings(d[a], d[b]));
    });
  }
});

describe('KeyIndex', () => {
  it('gives equal strings one id and different strings different ids, across batches, with many distinct values and nulls', () => {
    const r = seededRandom(7);
    const n = 50_000;
    // null is a key value of its own, first seen after some strings
    const values = Array.from({ length: n }, (_, i) => (i > 100 && r() < 0.01 ? null : Math.floor(r() * 20_000).toString(36) + (r() < 0.01 ? '😀' : '')));
    const index = new KeyIndex();
    const ids: number[] = [];
    for (let s = 0; s < n; s += 4_096) {
      const part = values.slice(s, s + 4_096);
      const column = makeColumn(T.string, part.map((v) => v ?? ''), Uint8Array.from(part, (v) => (v === null ? 0 : 1)));
      ids.push(...index.assign([column], part.length));
    }
    const first = new Map<string | null, number>();
    values.forEach((v, i) => first.has(v) || first.set(v, ids[i]));
    expect(ids).toEqual(values.map((v) => first.get(v)));
    expect(index.size).toBe(first.size);
    // Ids are dense, in order of first appearance.
    expect([...first.values()]).toEqual(Array.from({ length: first.size }, (_, k) => k));
    const probe = index.lookup([makeColumn(T.string, ['nope', values[0]!, values[1]!], Uint8Array.of(1, 1, 0))], 3);
    expect(Array.from(probe)).toEqual([-1, ids[0], -1]);
  });

  it('tells apart strings whose hashes collide', () => {
    // '2h67ga-1wt6' and '1mc1b9u-3u2a' have the same 32-bit hash in StringTable.
    const values = ['2h67ga-1wt6', '1mc1b9u-3u2a', '2h67ga-1wt6', '1mc1b9u-3u2a'];
    const index = new KeyIndex();
    expect(Array.from(index.assign([makeColumn(T.string, values, null)], 4))).toEqual([0, 1, 0, 1]);
    expect(Array.from(index.lookup([makeColumn(T.string, values.slice(1, 2), null)], 1))).toEqual([1]);
  });

  it('keys of a string and a number column: equal pairs share an id, a null is a value, lookup never matches a null', () => {
    const r = seededRandom(8);
    const n = 20_000;
    const strings = Array.from({ length: n }, () => (r() < 0.02 ? null : ['a', 'b', 'é', '😀', ''][Math.floor(r() * 5)] + Math.floor(r() * 50)));
    const numbers = Array.from({ length: n }, () => (r() < 0.02 ? null : Math.floor(r() * 30)));
    const s = makeColumn(T.string, strings.map((v) => v ?? 'ignored'), Uint8Array.from(strings, (v) => (v === null ? 0 : 1)));
    const x = makeColumn(T.int32, Int32Array.from(numbers, (v) => v ?? 7), Uint8Array.from(numbers, (v) => (v === null ? 0 : 1)));
    const index = new KeyIndex();
    const ids = Array.from(index.assign([s, x], n));
    const first = new Map<string, number>();
    ids.forEach((id, i) => {
      const k = JSON.stringify([strings[i], numbers[i]]);
      if (!first.has(k)) first.set(k, id);
    });
    expect(ids).toEqual(ids.map((_, i) => first.get(JSON.stringify([strings[i], numbers[i]]))));
    expect(index.size).toBe(first.size);
    const probe = Array.from(index.lookup([s, x], n));
    expect(probe).toEqual(ids.map((id, i) => (strings[i] === null || numbers[i] === null ? -1 : id)));
  });
});
