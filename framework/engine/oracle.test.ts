/**
 * The engine's operators against DuckDB on generated data with nulls, duplicate keys, NaN-free
 * doubles, unicode (surrogate pairs vs U+E000..U+FFFF) and peer ties. The SQL is written by
 * hand here, independent of the SQL compiler; results are compared as multisets of rows
 * (sort: as sequences), doubles rounded to 6 decimals (summation order may differ).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { BoundPlan, BoundRangeBound, BoundWindowFrame } from '../analyze/bound.ts';
import { DEFAULT_ORDERED_FRAME } from '../analyze/frame.ts';
import { T, field, schemaOf, type DatasetSchema } from '../schema/types.ts';
import { agg, batch, col, key, run, scan, schema, split, step, win } from './test-helpers.ts';
import { seededRandom } from '../../test/support/random.ts';

const rng = seededRandom;

const N = 3000;
const WORDS = ['a', 'B', 'é', '日本', '', 'x y', 'emoji😀', '\uE000private', '\uFFFDrepl', 'zz'];
const S = schema({ id: T.int64, k: T.int32, s: T.string, v: T.float64, ts: T.int64 });
const r = rng(42);
const maybe = <X>(p: number, x: () => X): X | null => (r() < p ? null : x());
const rows = Array.from({ length: N }, (_, i) => [
  BigInt(i),
  maybe(0.1, () => Math.floor(r() * 40) - 5),
  maybe(0.1, () => WORDS[Math.floor(r() * WORDS.length)]),
  maybe(0.15, () => Math.round((r() * 200 - 100) * 100) / 100),
  maybe(0.1, () => BigInt(Math.floor(r() * 50)) * 1_000_000n - 3_000_000n),
]);
const data = split(batch(S, rows), 700);
const D = schema({ k: T.int32, label: T.string });
const dimRows = Array.from({ length: 60 }, (_, i) => [i % 7 === 0 ? null : (i % 45) - 5, `L${i}`]);
const dim = batch(D, dimRows);
// A dimension on a unique key (nulls aside): each row matches at most one of its rows, some none.
const uniqueDimRows = Array.from({ length: 30 }, (_, i) => [i % 9 === 0 ? null : 2 * i - 7, `U${i}`]);
const uniqueDim = batch(D, uniqueDimRows);

let conn: DuckDBConnection;
const sqlValue = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v));
beforeAll(async () => {
  const db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
  await conn.run('CREATE TABLE t (id BIGINT, k INTEGER, s VARCHAR, v DOUBLE, ts BIGINT)');
  await conn.run(`INSERT INTO t VALUES ${rows.map((x) => `(${x.map(sqlValue).join(',')})`).join(',')}`);
  await conn.run('CREATE TABLE d (k INTEGER, label VARCHAR)');
  await conn.run(`INSERT INTO d VALUES ${dimRows.map((x) => `(${x.map(sqlValue).join(',')})`).join(',')}`);
  await conn.run('CREATE TABLE u (k INTEGER, label VARCHAR)');
  await conn.run(`INSERT INTO u VALUES ${uniqueDimRows.map((x) => `(${x.map(sqlValue).join(',')})`).join(',')}`);
});
afterAll(() => conn?.closeSync());

function canon(row: readonly unknown[]): string {
  // Integers compare by value whatever their width (DuckDB's row_number is BIGINT, Spark's INT).
  const num = (x: number) => {
    const r = Number(x.toFixed(6));
    return Number.isInteger(r) ? `${r === 0 ? 0 : r}` : r;
  };
  return JSON.stringify(row.map((v) => (typeof v === 'bigint' ? `${v}` : typeof v === 'number' ? num(v) : v)));
}
async function duck(sql: string): Promise<string[]> {
  const result = await conn.runAndReadAll(sql);
  return result.getRows().map((row) => canon(row));
}
async function agree(plan: BoundPlan, sql: string, ordered = false): Promise<void> {
  const engine = (await run(plan, { t: data, d: dim, u: uniqueDim })).map(canon);
  const expected = await duck(sql);
  if (!ordered) {
    engine.sort();
    expected.sort();
  }
  expect(engine.length).toBe(expected.length);
  expect(engine).toEqual(expected);
}

const T0 = scan('t', S);
const c = (name: string) => col(S, name);
const out = (...fields: [string, Parameters<typeof field>[1]][]): DatasetSchema => schemaOf(fields.map(([n, t]) => field(n, t)));

describe('engine = DuckDB (hand-written SQL) on generated data', () => {
  it('aggregate: single, multi and no keys', async () => {
    const aggs = [agg('n', 'count', []), agg('nv', 'count', [c('v')]), agg('sv', 'sum', [c('v')]), agg('st', 'sum', [c('ts')]), agg('lo', 'min', [c('s')]), agg('hi', 'max', [c('ts')]), agg('av', 'avg', [c('v')])];
    const aggFields: [string, Parameters<typeof field>[1]][] = aggs.map((a) => [a.name, a.type]);
    const select = 'count(*), count(v), sum(v), sum(ts), min(s), max(ts), avg(v)';
    await agree({ kind: 'aggregate', step, input: T0, groupBy: [c('k')], aggregates: aggs, schema: out(['k', T.int32], ...aggFields) }, `SELECT k, ${select} FROM t GROUP BY k`);
    await agree({ kind: 'aggregate', step, input: T0, groupBy: [c('s'), c('k')], aggregates: aggs, schema: out(['s', T.string], ['k', T.int32], ...aggFields) }, `SELECT s, k, ${select} FROM t GROUP BY s, k`);
    await agree({ kind: 'aggregate', step, input: T0, groupBy: [c('ts')], aggregates: aggs, schema: out(['ts', T.int64], ...aggFields) }, `SELECT ts, ${select} FROM t GROUP BY ts`);
    await agree({ kind: 'aggregate', step, input: T0, groupBy: [], aggregates: aggs, schema: out(...aggFields) }, `SELECT ${select} FROM t`);
  });

  for (const how of ['inner', 'left', 'right', 'full', 'semi', 'anti'] as const) {
    it(`${how} join with duplicate and null keys`, async () => {
      const half = how === 'semi' || how === 'anti';
      const plan: BoundPlan = {
        kind: 'join', step, how, left: T0, right: scan('d', D), leftKeys: [c('k')], rightKeys: [col(D, 'k')],
        output: half ? [{ from: 'left', index: 0 }, { from: 'left', index: 1 }] : [{ from: 'left', index: 0 }, { from: 'coalesce', leftIndex: 1, rightIndex: 0 }, { from: 'right', index: 1 }],
        schema: half ? out(['id', T.int64], ['k', T.int32]) : out(['id', T.int64], ['k', T.int32], ['label', T.string]),
      };
      const sql = half ? `SELECT t.id, t.k FROM t ${how.toUpperCase()} JOIN d ON t.k = d.k` : `SELECT t.id, coalesce(t.k, d.k), d.label FROM t ${how.toUpperCase()} JOIN d ON t.k = d.k`;
      await agree(plan, sql);
    });
  }

  for (const how of ['inner', 'left', 'right', 'full'] as const) {
    it(`${how} join on a unique dimension key`, async () => {
      const plan: BoundPlan = {
        kind: 'join', step, how, left: T0, right: scan('u', D), leftKeys: [c('k')], rightKeys: [col(D, 'k')],
        output: [{ from: 'left', index: 0 }, { from: 'coalesce', leftIndex: 1, rightIndex: 0 }, { from: 'right', index: 1 }],
        schema: out(['id', T.int64], ['k', T.int32], ['label', T.string]),
      };
      await agree(plan, `SELECT t.id, coalesce(t.k, u.k), u.label FROM t ${how.toUpperCase()} JOIN u ON t.k = u.k`);
    });
  }

  it('multi-key full join', async () => {
    const plan: BoundPlan = {
      kind: 'join', step, how: 'full', left: T0, right: T0, leftKeys: [c('k'), c('s')], rightKeys: [c('k'), c('s')],
      output: [{ from: 'left', index: 0 }, { from: 'right', index: 0 }],
      schema: out(['a', T.int64], ['b', T.int64]),
    };
    await agree(plan, 'SELECT x.id, y.id FROM t x FULL JOIN t y ON x.k = y.k AND x.s = y.s');
  });

  it('sort with nulls first/last, descending, strings by UTF-8 bytes', async () => {
    const plan: BoundPlan = { kind: 'sort', step, input: T0, schema: S, keys: [key(c('s'), true, false), key(c('v'), false, true), key(c('id'))] };
    await agree(plan, 'SELECT * FROM t ORDER BY s ASC NULLS LAST, v DESC NULLS FIRST, id', true);
    const plan2: BoundPlan = { kind: 'sort', step, input: T0, schema: S, keys: [key(c('ts')), key(c('k'), false), key(c('id'), false)] };
    await agree(plan2, 'SELECT * FROM t ORDER BY ts ASC NULLS FIRST, k DESC NULLS LAST, id DESC', true);
  });

  it('window: row_number, lag, running sum with peers, sliding frames, whole partition', async () => {
    const part = [c('k')];
    const ord = [key(c('ts')), key(c('id'))];
    const cols = [
      win('rn', 'row_number', [], part, ord),
      win('rk', 'rank', [], part, [key(c('ts'))]),
      win('prev', 'lag', [c('v')], part, ord),
      win('nxt', 'lead', [c('s'), { kind: 'literal', value: 2, type: T.int32 }], part, ord),
      win('running', 'sum', [c('v')], part, [key(c('ts'))], DEFAULT_ORDERED_FRAME),
      win('cnt', 'count', [c('v')], part, [key(c('ts'), false)], DEFAULT_ORDERED_FRAME),
      win('mov', 'avg', [c('v')], part, ord, { unit: 'rows', start: { kind: 'offset', rows: -2 }, end: { kind: 'offset', rows: 1 } }),
      win('mx', 'max', [c('s')], part, ord, { unit: 'rows', start: { kind: 'offset', rows: -3 }, end: { kind: 'currentRow' } }),
      win('rest', 'sum', [c('ts')], part, ord, { unit: 'rows', start: { kind: 'currentRow' }, end: { kind: 'unboundedFollowing' } }),
      win('total', 'sum', [c('v')], part, []),
    ];
    const plan: BoundPlan = { kind: 'window', step, input: T0, columns: cols, schema: schemaOf([...S.fields, ...cols.map((w) => field(w.name, w.type))]) };
    const o = 'PARTITION BY k ORDER BY ts NULLS FIRST, id';
    await agree(
      plan,
      `SELECT *, row_number() OVER (${o}), rank() OVER (PARTITION BY k ORDER BY ts NULLS FIRST), lag(v) OVER (${o}), lead(s, 2) OVER (${o}),
        sum(v) OVER (PARTITION BY k ORDER BY ts NULLS FIRST), count(v) OVER (PARTITION BY k ORDER BY ts DESC NULLS LAST),
        avg(v) OVER (${o} ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING), max(s) OVER (${o} ROWS BETWEEN 3 PRECEDING AND CURRENT ROW),
        sum(ts) OVER (${o} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), sum(v) OVER (PARTITION BY k) FROM t`,
    );
  });

  it('window: RANGE frames with value bounds (bigint and double keys, nulls, peers, descending)', async () => {
    const part = [c('k')];
    const value = (amount: number | bigint, type: typeof T.int64): BoundRangeBound => ({ kind: 'value', preceding: amount < 0, amount: amount < 0 ? -amount : amount, type });
    const range = (start: BoundRangeBound, end: BoundRangeBound): BoundWindowFrame => ({ unit: 'range', start, end });
    const current: BoundRangeBound = { kind: 'currentRow' };
    const ts = [key(c('ts'))];
    const cols = [
      win('around', 'sum', [c('v')], part, ts, range(value(-2_000_000n, T.int64), value(1_000_000n, T.int64))),
      win('back', 'count', [c('v')], part, [key(c('ts'), false)], range(value(-3_000_000n, T.int64), current)),
      win('near', 'max', [c('id')], part, [key(c('v'))], range(value(-10.5, T.float64), value(10.5, T.float64))),
      win('ahead', 'min', [c('s')], part, ts, range(current, value(5_000_000n, T.int64))),
      win('before', 'sum', [c('v')], part, ts, range({ kind: 'unboundedPreceding' }, value(-1_000_000n, T.int64))),
      win('after', 'sum', [c('ts')], part, [key(c('ts'), false, false)], range(value(1_000_000n, T.int64), { kind: 'unboundedFollowing' })),
    ];
    const plan: BoundPlan = { kind: 'window', step, input: T0, columns: cols, schema: schemaOf([...S.fields, ...cols.map((w) => field(w.name, w.type))]) };
    await agree(
      plan,
      `SELECT *, sum(v) OVER (PARTITION BY k ORDER BY ts ASC NULLS FIRST RANGE BETWEEN 2000000 PRECEDING AND 1000000 FOLLOWING),
        count(v) OVER (PARTITION BY k ORDER BY ts DESC NULLS LAST RANGE BETWEEN 3000000 PRECEDING AND CURRENT ROW),
        max(id) OVER (PARTITION BY k ORDER BY v ASC NULLS FIRST RANGE BETWEEN 10.5 PRECEDING AND 10.5 FOLLOWING),
        min(s) OVER (PARTITION BY k ORDER BY ts ASC NULLS FIRST RANGE BETWEEN CURRENT ROW AND 5000000 FOLLOWING),
        sum(v) OVER (PARTITION BY k ORDER BY ts ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND 1000000 PRECEDING),
        sum(ts) OVER (PARTITION BY k ORDER BY ts DESC NULLS LAST RANGE BETWEEN 1000000 FOLLOWING AND UNBOUNDED FOLLOWING) FROM t`,
    );
  });

  it('deduplicate keeps the first row per key by the ordering (tie-free ordering)', async () => {
    const plan: BoundPlan = { kind: 'deduplicate', step, input: T0, schema: S, keys: [c('s'), c('k')], orderBy: [key(c('ts'), false, false), key(c('id'))] };
    await agree(plan, 'SELECT id, k, s, v, ts FROM (SELECT *, row_number() OVER (PARTITION BY s, k ORDER BY ts DESC NULLS LAST, id) AS rn FROM t) WHERE rn = 1');
  });
});
