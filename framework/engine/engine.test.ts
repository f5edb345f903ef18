/** Operator semantics on hand-built bound plans (Spark's rules; see each operator's header). */
import { describe, expect, it } from 'vitest';
import type { BoundExpr, BoundPlan, BoundWindowFrame } from '../analyze/bound.ts';
import { DEFAULT_ORDERED_FRAME } from '../analyze/frame.ts';
import type { Batch } from '../columnar/column.ts';
import { scalarFunctions } from '../functions/index.ts';
import { T, field, schemaOf, type DataType } from '../schema/types.ts';
import { execute } from './execute.ts';
import { KeyIndex, sortPermutation } from './keys.ts';
import { WINDOW_SCHEMA, agg, batch, col, key, rowsOf, run, scan, schema, split, step, win, windowRows } from './test-helpers.ts';
import { OUTPUT_BATCH_ROWS } from './stream.ts';

const S = schema({ id: T.int64, k: T.string, a: T.int32, v: T.float64 });
const data = batch(S, [
  [1n, 'x', 1, 1.5],
  [2n, 'y', null, -0],
  [3n, null, 2, NaN],
  [4n, 'x', 3, 0],
  [5n, 'y', 1, null],
  [6n, null, null, NaN],
  [7n, 'x', 1, 2.5],
]);
const T0 = scan('t', S);
const gt = (e: BoundExpr, value: number): BoundExpr => {
  const fn = scalarFunctions.get('>')!;
  const lit: BoundExpr = { kind: 'literal', value, type: e.type };
  return { kind: 'call', fn, args: [e, lit], argInfo: [{ type: e.type }, { type: e.type, literal: { value } }], type: T.boolean };
};

describe('filter, project, limit, union', () => {
  it('keeps rows whose predicate is true (null is not true) and reports the rest', async () => {
    let filtered = 0;
    const plan: BoundPlan = { kind: 'filter', step, schema: S, input: T0, predicate: gt(col(S, 'a'), 1) };
    const rows = await run(plan, { t: split(data, 3) }, { onRowsFiltered: (n) => (filtered += n) });
    expect(rows.map((r) => r[0])).toEqual([3n, 4n]);
    expect(filtered).toBe(5);
  });

  it('projects expressions', async () => {
    const s2 = schemaOf([field('a', T.int32), field('big', T.boolean)]);
    const rows = await run({ kind: 'project', step, schema: s2, input: T0, columns: [col(S, 'a'), gt(col(S, 'a'), 1)] }, { t: data });
    expect(rows.slice(0, 3)).toEqual([[1, false], [null, null], [2, true]]);
  });

  it('limit stops pulling its input', async () => {
    let pulled = 0;
    const plan: BoundPlan = { kind: 'limit', step, schema: S, input: T0, count: 4 };
    const out: Batch[] = [];
    for await (const b of execute(plan, {
      scan: async function* () {
        for (const b of split(data, 2)) {
          pulled++;
          yield b;
        }
      },
    })) out.push(b);
    expect(out.reduce((s, b) => s + b.length, 0)).toBe(4);
    expect(pulled).toBe(2);
  });

  it('union maps columns by the column maps, -1 = nulls', async () => {
    const U = schemaOf([field('id', T.int64), field('k', T.string)]);
    const other = schema({ k: T.string });
    const plan: BoundPlan = { kind: 'union', step, schema: U, inputs: [T0, scan('o', other)], columnMaps: [[0, 1], [-1, 0]] };
    const rows = await run(plan, { t: data, o: batch(other, [['z']]) });
    expect(rows.length).toBe(8);
    expect(rows[7]).toEqual([null, 'z']);
  });
});

describe('aggregate', () => {
  const plan = (groupBy: BoundExpr[]): BoundPlan => {
    const aggregates = [agg('n', 'count', []), agg('na', 'count', [col(S, 'a')]), agg('s', 'sum', [col(S, 'a')])];
    return { kind: 'aggregate', step, input: T0, groupBy, aggregates, schema: schemaOf([...groupBy.map((g, i) => field(`g${i}`, g.type)), ...aggregates.map((a) => field(a.name, a.type))]) };
  };

  it('groups null keys together, across batches', async () => {
    const rows = await run(plan([col(S, 'k')]), { t: split(data, 2) });
    expect(rows).toEqual([['x', 3n, 3n, 5n], ['y', 2n, 1n, 1n], [null, 2n, 1n, 2n]]);
  });

  it('groups NaN with NaN and -0.0 with 0.0', async () => {
    const rows = await run(plan([col(S, 'v')]), { t: split(data, 3) });
    expect(rows.map((r) => [r[0], r[1]])).toEqual([[1.5, 1n], [-0, 2n], [NaN, 2n], [null, 1n], [2.5, 1n]]);
  });

  it('groups on several keys with nulls', async () => {
    const rows = await run(plan([col(S, 'k'), col(S, 'a')]), { t: split(data, 4) });
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([['x', 1, 2n], ['y', null, 1n], [null, 2, 1n], ['x', 3, 1n], ['y', 1, 1n], [null, null, 1n]]);
  });

  it('without keys gives one row, even over no input (count 0, sum null)', async () => {
    expect(await run(plan([]), { t: data })).toEqual([[7n, 5n, 8n]]);
    expect(await run(plan([]), { t: [] })).toEqual([[0n, 0n, null]]);
    expect(await run(plan([col(S, 'k')]), { t: [] })).toEqual([]);
  });
});

describe('join', () => {
  const D = schema({ k: T.string, label: T.string });
  const dim = batch(D, [['x', 'X1'], ['x', 'X2'], [null, 'N'], ['z', 'Z']]);
  const joined = (how: 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti'): BoundPlan => {
    const half = how === 'semi' || how === 'anti';
    const output = half
      ? [{ from: 'left' as const, index: 0 }]
      : [{ from: 'left' as const, index: 0 }, { from: 'coalesce' as const, leftIndex: 1, rightIndex: 0 }, { from: 'right' as const, index: 1 }];
    const s = half ? schemaOf([field('id', T.int64)]) : schemaOf([field('id', T.int64), field('k', T.string), field('label', T.string)]);
    return { kind: 'join', step, how, left: T0, right: scan('d', D), leftKeys: [col(S, 'k')], rightKeys: [col(D, 'k')], output, schema: s };
  };
  const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))).sort();

  it('inner: duplicates multiply, null keys never match', async () => {
    expect(sorted(await run(joined('inner'), { t: split(data, 3), d: dim }))).toEqual(sorted([[1n, 'x', 'X1'], [1n, 'x', 'X2'], [4n, 'x', 'X1'], [4n, 'x', 'X2'], [7n, 'x', 'X1'], [7n, 'x', 'X2']]));
  });
  it('left keeps unmatched left rows, right/full unmatched right rows with the USING key coalesced', async () => {
    const left = await run(joined('left'), { t: data, d: dim });
    expect(left.length).toBe(10);
    expect(left.filter((r) => r[2] === null).map((r) => r[0])).toEqual([2n, 3n, 5n, 6n]);
    const right = sorted(await run(joined('right'), { t: data, d: dim }));
    expect(right).toEqual(sorted([[1n, 'x', 'X1'], [1n, 'x', 'X2'], [4n, 'x', 'X1'], [4n, 'x', 'X2'], [7n, 'x', 'X1'], [7n, 'x', 'X2'], [null, null, 'N'], [null, 'z', 'Z']]));
    const full = await run(joined('full'), { t: data, d: dim });
    expect(full.length).toBe(12);
  });
  it('semi and anti', async () => {
    expect((await run(joined('semi'), { t: data, d: dim })).map((r) => r[0])).toEqual([1n, 4n, 7n]);
    expect((await run(joined('anti'), { t: data, d: dim })).map((r) => r[0])).toEqual([2n, 3n, 5n, 6n]);
  });
  it('multi-column keys; a null in any key column never matches', async () => {
    const R = schema({ k: T.string, a: T.int32, tag: T.string });
    const right = batch(R, [['x', 1, 'hit'], ['x', 3, 'hit3'], ['y', null, 'never'], [null, 2, 'never']]);
    const plan: BoundPlan = {
      kind: 'join', step, how: 'inner', left: T0, right: scan('r', R),
      leftKeys: [col(S, 'k'), col(S, 'a')], rightKeys: [col(R, 'k'), col(R, 'a')],
      output: [{ from: 'left', index: 0 }, { from: 'right', index: 2 }],
      schema: schemaOf([field('id', T.int64), field('tag', T.string)]),
    };
    expect(await run(plan, { t: data, r: right })).toEqual([[1n, 'hit'], [4n, 'hit3'], [7n, 'hit']]);
  });
  it('a left join where each left row matches at most once passes the left columns through uncopied', async () => {
    const U = schema({ k: T.string, label: T.string });
    const unique = batch(U, [['x', 'X'], ['y', 'Y']]);
    const plan: BoundPlan = {
      kind: 'join', step, how: 'left', left: T0, right: scan('u', U), leftKeys: [col(S, 'k')], rightKeys: [col(U, 'k')],
      output: [{ from: 'left', index: 0 }, { from: 'left', index: 1 }, { from: 'right', index: 1 }],
      schema: schemaOf([field('id', T.int64), field('k', T.string), field('label', T.string)]),
    };
    const out: Batch[] = [];
    for await (const b of execute(plan, { scan: async function* (input) { yield input === 't' ? data : unique; } })) out.push(b);
    expect(out).toHaveLength(1);
    expect(out[0].columns[0]).toBe(data.columns[0]);
    expect(out[0].columns[1]).toBe(data.columns[1]);
    expect(rowsOf(out[0]).map((r) => r[2])).toEqual(rowsOf(data).map((r) => (r[1] === 'x' ? 'X' : r[1] === 'y' ? 'Y' : null)));
  });
});

describe('sort', () => {
  it('orders with explicit null placement, NaN above all doubles, stable', async () => {
    const asc: BoundPlan = { kind: 'sort', step, schema: S, input: T0, keys: [key(col(S, 'v'))] };
    expect((await run(asc, { t: split(data, 3) })).map((r) => r[0])).toEqual([5n, 2n, 4n, 1n, 7n, 3n, 6n]);
    const desc: BoundPlan = { kind: 'sort', step, schema: S, input: T0, keys: [key(col(S, 'v'), false)] };
    expect((await run(desc, { t: data })).map((r) => r[0])).toEqual([3n, 6n, 7n, 1n, 2n, 4n, 5n]);
    const multi: BoundPlan = { kind: 'sort', step, schema: S, input: T0, keys: [key(col(S, 'k'), true, false), key(col(S, 'a'), false, true)] };
    expect((await run(multi, { t: data })).map((r) => r[0])).toEqual([4n, 1n, 7n, 2n, 5n, 6n, 3n]);
  });

  it('compares strings by code point (UTF-8 bytes), not UTF-16 units', () => {
    const c = { type: T.string, length: 4, data: ['\uE000', 'a😀', 'a\uFFFF', 'a'], valid: null };
    expect(Array.from(sortPermutation([{ column: c, ascending: true, nullsFirst: true }], 4))).toEqual([3, 2, 1, 0]);
  });

  it('orders int64 beyond 2^53 and negative values', () => {
    const c = { type: T.int64, length: 5, data: BigInt64Array.from([2n ** 62n, -(2n ** 63n), 2n ** 62n + 1n, -1n, 0n]), valid: null };
    expect(Array.from(sortPermutation([{ column: c, ascending: true, nullsFirst: true }], 5))).toEqual([1, 3, 4, 0, 2]);
  });
});

describe('keys', () => {
  it('assigns dense ids across batches and looks up without inserting', () => {
    const ki = new KeyIndex();
    const c = (xs: (number | null)[]) => ({ type: T.int32, length: xs.length, data: Int32Array.from(xs.map((x) => x ?? 0)), valid: Uint8Array.from(xs.map((x) => (x === null ? 0 : 1))) });
    // Dense and stable across batches (the null group takes the next id after its batch's new keys).
    expect(Array.from(ki.assign([c([5, null, 5, 7])], 4))).toEqual([0, 2, 0, 1]);
    expect(Array.from(ki.assign([c([7, 9, null])], 3))).toEqual([1, 3, 2]);
    expect(ki.size).toBe(4);
    expect(Array.from(ki.lookup([c([9, null, 11])], 3))).toEqual([3, -1, -1]);
  });
});

describe('window', () => {
  const W = WINDOW_SCHEMA;
  const wdata = windowRows();
  const part = [col(W, 'g')];
  const ord = [key(col(W, 'ts')), key(col(W, 'id'))];
  const byTs = [key(col(W, 'ts'))];
  const plan = (cols: ReturnType<typeof win>[]): BoundPlan => ({ kind: 'window', step, input: scan('w', W), columns: cols, schema: schemaOf([...W.fields, ...cols.map((c) => field(c.name, c.type))]) });
  const v = col(W, 'v');

  it('ranking and offsets', async () => {
    const rows = await run(plan([win('rn', 'row_number', [], part, ord), win('rk', 'rank', [], part, byTs), win('dr', 'dense_rank', [], part, byTs), win('prev', 'lag', [v], part, ord)]), { w: split(wdata, 3) });
    // Input order is kept.
    expect(rows.map((r) => r[0])).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    expect(rows.map((r) => r.slice(4))).toEqual([
      [2, 2, 2, 8],
      [3, 3, 3, 1],
      [4, 3, 3, 2],
      [5, 5, 4, 4],
      [1, 1, 1, null],
      [1, 1, 1, null],
      [1, 1, 1, null],
    ]);
  });

  it('aggregates over the default running frame (peers included), ROWS frames and whole partitions', async () => {
    const rows = await run(
      plan([
        win('run', 'sum', [v], part, byTs, DEFAULT_ORDERED_FRAME),
        win('cnt', 'count', [v], part, byTs, DEFAULT_ORDERED_FRAME),
        win('mov', 'sum', [v], part, ord, { unit: 'rows', start: { kind: 'offset', rows: -1 }, end: { kind: 'offset', rows: 1 } }),
        win('mx', 'max', [v], part, ord, { unit: 'rows', start: { kind: 'offset', rows: -1 }, end: { kind: 'currentRow' } }),
        win('rest', 'sum', [v], part, ord, { unit: 'rows', start: { kind: 'currentRow' }, end: { kind: 'unboundedFollowing' } }),
        win('tot', 'avg', [v], part, []),
        win('mn', 'min', [v], part, ord, { unit: 'rows', start: { kind: 'unboundedPreceding' }, end: { kind: 'currentRow' } }),
      ]),
      { w: wdata },
    );
    // Partition a in window order: 7(ts null, v 8), 1(v 1), 2(v 2), 3(v 4), 4(v null).
    expect(rows.map((r) => r.slice(4))).toEqual([
      [9, 2n, 11, 8, 7, 15 / 4, 1],
      [15, 4n, 7, 2, 6, 15 / 4, 1],
      [15, 4n, 6, 4, 4, 15 / 4, 1],
      [15, 4n, 4, 4, null, 15 / 4, 1],
      [10, 1n, 10, 10, 10, 10, 10],
      [100, 1n, 100, 100, 100, 100, 100],
      [8, 1n, 9, 8, 15, 15 / 4, 8],
    ]);
  });

  // The sliding sum kernels would add microseconds as doubles, or wrap: intervals go through the
  // checked accumulator frame by frame, as Spark sums them (exact; overflow fails the job).
  it('sums and averages intervals over running and sliding frames, failing on overflow', async () => {
    const I = schema({ id: T.int32, iv: T.interval });
    const iv = col(I, 'iv');
    const byId = [key(col(I, 'id'))];
    const over = (cols: ReturnType<typeof win>[]): BoundPlan => ({ kind: 'window', step, input: scan('i', I), columns: cols, schema: schemaOf([...I.fields, ...cols.map((c) => field(c.name, c.type))]) });
    const big = 2n ** 62n;
    const rows = await run(
      over([
        win('run', 'sum', [iv], [], byId, DEFAULT_ORDERED_FRAME),
        win('mov', 'avg', [iv], [], byId, { unit: 'rows', start: { kind: 'offset', rows: -1 }, end: { kind: 'currentRow' } }),
      ]),
      { i: batch(I, [[1, big + 1n], [2, 2n], [3, null], [4, -big]]) },
    );
    expect(rows.map((r) => r.slice(2))).toEqual([
      [big + 1n, big + 1n],
      [big + 3n, big / 2n + 2n], // (2^62 + 3) / 2 rounded half away from zero
      [big + 3n, 2n],
      [3n, -big],
    ]);
    const overflowing = batch(I, [[1, big], [2, big], [3, -big]]);
    await expect(run(over([win('run', 'sum', [iv], [], byId, DEFAULT_ORDERED_FRAME)]), { i: overflowing })).rejects.toThrow(/sum of intervals overflows 64-bit microseconds, where Spark fails the job with "long overflow"/);
  });

  it('order-dependent aggregates read whole partitions in window order; nth_value and ntile', async () => {
    const lit = (value: unknown, type: BoundExpr['type']) => ({ kind: 'literal', type, value }) as BoundExpr;
    const whole = { unit: 'rows', start: { kind: 'unboundedPreceding' }, end: { kind: 'unboundedFollowing' } } as const;
    const rows = await run(
      plan([
        win('fst', 'first', [v], part, ord, whole),
        win('lst', 'last', [v], part, ord, whole),
        win('lstnn', 'last', [v, lit(true, T.boolean)], part, ord, whole),
        win('nth', 'nth_value', [v, lit(2, T.int32)], part, ord),
        win('nt', 'ntile', [lit(2, T.int32)], part, ord),
        win('lastpeer', 'last', [v], part, byTs, DEFAULT_ORDERED_FRAME),
      ]),
      { w: split(wdata, 3) },
    );
    // Partition a in window order: 7(v 8), 1(v 1), 2(v 2), 3(v 4), 4(v null); rows 2 and 3 are
    // peers by ts. The same query on Spark 3.5 gives these rows.
    expect(rows.map((r) => r.slice(4))).toEqual([
      [8, null, 4, 1, 1, 1],
      [8, null, 4, 1, 1, 4],
      [8, null, 4, 1, 2, 4],
      [8, null, 4, 1, 2, null],
      [10, 10, 10, null, 1, 10],
      [100, 100, 100, null, 1, 100],
      [8, null, 4, null, 1, 8],
    ]);
  });

  describe('RANGE frames (expected rows from the same queries on Spark 3.5)', () => {
    type Bound = Extract<BoundWindowFrame, { unit: 'range' }>['start'];
    const value = (amount: number | bigint, type: DataType): Bound => ({ kind: 'value', preceding: amount < 0, amount: amount < 0 ? -amount : amount, type });
    const range = (start: Bound, end: Bound): BoundWindowFrame => ({ unit: 'range', start, end });
    const current: Bound = { kind: 'currentRow' };
    const one = (rows: readonly (readonly unknown[])[], t: DataType) => {
      const R = schema({ k: t, v: T.int32 });
      const p = (cols: ReturnType<typeof win>[]): BoundPlan => ({ kind: 'window', step, input: scan('r', R), columns: cols, schema: schemaOf([...R.fields, ...cols.map((c) => field(c.name, c.type))]) });
      return { R, p, input: (n: number) => ({ r: split(batch(R, rows), n) }) };
    };

    it('value bounds on an int key: nulls are their own peer group, peers included, descending flips', async () => {
      const { R, p, input } = one([[1, 1], [2, 2], [2, 3], [4, 4], [null, 5], [null, 6]], T.int32);
      const k = col(R, 'k');
      const rows = await run(
        p([
          win('s', 'sum', [col(R, 'v')], [], [key(k)], range(value(-1, T.int32), current)),
          win('c', 'count', [col(R, 'v')], [], [key(k, false)], range(value(-1, T.int32), value(1, T.int32))),
          win('c2', 'count', [col(R, 'v')], [], [key(k)], range({ kind: 'unboundedPreceding' }, value(-1, T.int32))),
          win('c3', 'count', [col(R, 'v')], [], [key(k, false, false)], range(current, { kind: 'unboundedFollowing' })),
        ]),
        input(4),
      );
      expect(rows.map((r) => r.slice(2))).toEqual([
        [1n, 3n, 2n, 3n],
        [6n, 3n, 3n, 5n],
        [6n, 3n, 3n, 5n],
        [4n, 1n, 5n, 6n],
        [11n, 2n, 2n, 2n],
        [11n, 2n, 2n, 2n],
      ]);
    });

    it('int keys wrap around at the type\'s edge, as Spark\'s Add does', async () => {
      const { R, p, input } = one([[2147483647, 1], [-2147483648, 1], [2147483646, 1]], T.int32);
      const rows = await run(p([win('c', 'count', [col(R, 'v')], [], [key(col(R, 'k'))], range(value(-1, T.int32), current))]), input(3));
      expect(rows.map((r) => r[2])).toEqual([2n, 0n, 1n]);
    });

    it('timestamp keys with interval offsets, descending, nulls last', async () => {
      const h = 3_600_000_000n;
      const t0 = 1_767_225_600_000_000n; // 2026-01-01T00:00:00Z
      const { R, p, input } = one([[t0, 1], [t0 + h, 1], [t0 + h + 1_000_000n, 1], [null, 1]], T.timestamp);
      const rows = await run(p([win('c', 'count', [col(R, 'v')], [], [key(col(R, 'k'), false)], range(value(-h, T.interval), current))]), input(2));
      expect(rows.map((r) => r[2])).toEqual([2n, 2n, 1n, 1n]);
    });

    it('double keys: NaN and infinity are only within reach of themselves', async () => {
      const { R, p, input } = one([[1, 1], [1.5, 1], [3, 1], [NaN, 1], [Infinity, 1]], T.float64);
      const rows = await run(p([win('c', 'count', [col(R, 'v')], [], [key(col(R, 'k'))], range(value(-0.5, T.float64), value(0.5, T.float64)))]), input(5));
      expect(rows.map((r) => r[2])).toEqual([2n, 2n, 1n, 1n, 1n]);
    });

    it('date keys with day offsets', async () => {
      const { R, p, input } = one([[20454, 1], [20455, 1], [20457, 1]], T.date);
      const rows = await run(p([win('c', 'count', [col(R, 'v')], [], [key(col(R, 'k'))], range(value(-1, T.int32), current))]), input(3));
      expect(rows.map((r) => r[2])).toEqual([1n, 2n, 1n]);
    });
  });

  it('computes long sliding frames in O(n) with NaN and infinities leaving the frame', async () => {
    const n = 500;
    const rows = Array.from({ length: n }, (_, i) => [BigInt(i), 'p', i, i === 10 ? NaN : i === 20 ? Infinity : i % 7 === 0 ? null : i * 0.5]);
    const frame = { unit: 'rows', start: { kind: 'offset', rows: -100 }, end: { kind: 'offset', rows: 0 } } as const;
    const out = await run(plan([win('s', 'sum', [v], part, ord, frame), win('m', 'min', [v], part, ord, frame), win('c', 'count', [v], part, ord, frame)]), { w: batch(W, rows) });
    for (let k = 0; k < n; k++) {
      const frameVals = rows.slice(Math.max(0, k - 100), k + 1).map((r) => r[3] as number | null).filter((x): x is number => x !== null);
      const expected = frameVals.reduce((s, x) => s + x, 0);
      const got = out[k][4] as number;
      if (Number.isFinite(expected)) expect(got).toBeCloseTo(expected, 6);
      else expect(got).toBe(expected);
      expect(out[k][5]).toBe(frameVals.length ? frameVals.reduce((a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Math.min(Number.isNaN(a) ? Infinity : a, Number.isNaN(b) ? Infinity : b) : Math.min(a, b))) : null);
      expect(out[k][6]).toBe(BigInt(frameVals.length));
    }
  });

  it('passes the input batches through, small ones joined and large ones split, with each row\'s own results', async () => {
    const sizes = [1, 2, 3, OUTPUT_BATCH_ROWS + 5, 4, 40_000, 30_000];
    const all = Array.from({ length: sizes.reduce((s, x) => s + x, 0) }, (_, i) => [BigInt(i), i % 3 === 0 ? 'a' : 'b', i, i]);
    const parts: Batch[] = [];
    for (let s = 0, p = 0; p < sizes.length; s += sizes[p++]) parts.push(batch(W, all.slice(s, s + sizes[p])));
    const lengths: number[] = [];
    const rows: unknown[][] = [];
    for await (const b of execute(plan([win('rn', 'row_number', [], part, [key(col(W, 'id'), false)])]), { scan: async function* () { yield* parts; } })) {
      lengths.push(b.length);
      rows.push(...rowsOf(b));
    }
    expect(lengths).toEqual([6, OUTPUT_BATCH_ROWS, 5, 40_004, 30_000]);
    const n = all.length;
    const countA = Math.ceil(n / 3);
    // Input order; row_number counts down from the partition's size (ordered by id descending).
    rows.forEach((r, i) => {
      expect(r[0]).toBe(BigInt(i));
      const before = i % 3 === 0 ? i / 3 : i - Math.ceil(i / 3);
      expect(r[4]).toBe((i % 3 === 0 ? countA : n - countA) - before);
    });
  });
});

describe('deduplicate', () => {
  it('keeps the first row per key by the ordering; ties keep the row read first; reports removed rows', async () => {
    let filtered = 0;
    const plan: BoundPlan = { kind: 'deduplicate', step, schema: S, input: T0, keys: [col(S, 'k')], orderBy: [key(col(S, 'a'), false, false)] };
    const rows = await run(plan, { t: split(data, 2) }, { onRowsFiltered: (n) => (filtered += n) });
    expect(rows.map((r) => r[0])).toEqual([3n, 4n, 5n]);
    expect(filtered).toBe(4);
    const ties: BoundPlan = { kind: 'deduplicate', step, schema: S, input: T0, keys: [col(S, 'k')], orderBy: [key(col(S, 'a'))] };
    expect((await run(ties, { t: split(data, 3) })).map((r) => r[0])).toEqual([1n, 2n, 6n]);
  });
});

describe('generate', () => {
  const N = schemaOf([field('id', T.int32), field('xs', { kind: 'array', element: T.string, containsNull: true }), field('m', { kind: 'map', key: T.string, value: T.int32, valueContainsNull: true })]);
  const rows = batch(N, [
    [1, ['a', null], { k: 1, j: null }],
    [2, [], {}],
    [3, null, null],
  ]);
  const generate = (generator: 'explode' | 'posexplode', outer: boolean, column: string, generated: [string, (typeof T)['int32']][]): BoundPlan => ({
    kind: 'generate', step, generator, outer, input: scan('t', N), expr: col(N, column),
    schema: schemaOf([...N.fields, ...generated.map(([n, t]) => field(n, t))]),
  });

  it('explode drops rows whose array is null or empty; outer keeps them once with nulls (as Spark, rows checked in test/spark/nested.test.ts)', async () => {
    const inner = await run(generate('explode', false, 'xs', [['col', T.string]]), { t: rows });
    expect(inner.map((r) => [r[0], r[3]])).toEqual([[1, 'a'], [1, null]]);
    const outer = await run(generate('posexplode', true, 'xs', [['pos', T.int32], ['col', T.string]]), { t: split(rows, 2) });
    expect(outer.map((r) => [r[0], r[3], r[4]])).toEqual([[1, 0, 'a'], [1, 1, null], [2, null, null], [3, null, null]]);
  });

  it("explodes a map's entries as key and value, in the map's order", async () => {
    const out = await run(generate('posexplode', false, 'm', [['pos', T.int32], ['key', T.string], ['value', T.int32]]), { t: rows });
    expect(out.map((r) => r.slice(3))).toEqual([[0, 'k', 1], [1, 'j', null]]);
  });
});
