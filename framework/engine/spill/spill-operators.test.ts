/**
 * Deduplicate and sort past their memory budget give exactly what they give in memory, and leave
 * no spill file behind, however they end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BoundPlan } from '../../analyze/bound.ts';
import type { Batch } from '../../columnar/column.ts';
import { T, field, schemaOf } from '../../schema/types.ts';
import { execute, type ExecContext } from '../execute.ts';
import { batch, col, key, rowsOf, run, scan, split, step, win } from '../test-helpers.ts';
import type { SpillSettings } from './spill-file.ts';

const S = schemaOf([
  field('id', T.int32),
  field('k', T.string),
  field('n', T.int64),
  field('amount', T.decimal(10, 2)),
  field('x', T.float64),
  field('wait', T.interval),
  field('device', { kind: 'struct', fields: [field('os', T.string), field('tags', { kind: 'array', element: T.string, containsNull: true })] }),
  field('props', { kind: 'map', key: T.string, value: T.int64, valueContainsNull: true }),
]);

/** Deterministic rows with few distinct keys (many duplicates and ties), nulls in every column but id. */
function rows(count: number, seed = 7): unknown[][] {
  const next = (m: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % m;
  };
  const maybe = <V>(v: V) => (next(9) === 0 ? null : v);
  const strings = ['a', 'b', '', 'é', '日本', 'a '];
  return Array.from({ length: count }, (_, id) => [
    id,
    maybe(strings[next(strings.length)]),
    maybe(BigInt(next(4) - 2)),
    maybe(BigInt(next(5) * 25 - 50)),
    maybe([0, -0, 1.5, NaN, -Infinity][next(5)]),
    maybe(BigInt(next(3)) * 86_400_000_000n),
    maybe({ os: maybe(['ios', 'android'][next(2)]), tags: maybe(next(2) ? ['x', null] : []) }),
    maybe(next(2) ? { a: BigInt(next(3)) } : {}),
  ]);
}

const input = (count: number, batchRows: number, seed?: number) => split(batch(S, rows(count, seed)), batchRows);

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function spillTo(memoryBudget: number): SpillSettings {
  const root = mkdtempSync(path.join(tmpdir(), 'lakeform-spill-test-'));
  dirs.push(root);
  return { memoryBudget, dir: path.join(root, 'spill') };
}

const filesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

/** Rows compared as text, so -0, NaN and bigints count (toEqual treats -0 and 0 as different, NaN as equal: both fine here). */
const sorted = (r: unknown[][]) => r.map((x) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v))).sort();

const T0 = scan('t', S);
const dedupe = (orderBy = [key(col(S, 'amount'), false, false), key(col(S, 'wait'))]): BoundPlan => ({
  kind: 'deduplicate',
  step,
  schema: S,
  input: T0,
  keys: [col(S, 'k'), col(S, 'n'), col(S, 'x')],
  orderBy,
});
const sortPlan: BoundPlan = {
  kind: 'sort',
  step,
  schema: S,
  input: T0,
  keys: [key(col(S, 'k'), true, false), key(col(S, 'amount'), false, true), key(col(S, 'x')), key(col(S, 'device'), false, false)],
};

describe('deduplicate past its memory budget', () => {
  it('keeps the same rows as in memory (same ties, null keys one key) and counts the same rows removed', async () => {
    const data = input(5_000, 300);
    let inMemory = 0;
    let spilled = 0;
    for (const orderBy of [undefined, [key(col(S, 'device'), false, true)], []]) {
      const expected = await run(dedupe(orderBy), { t: data }, { onRowsFiltered: (n) => (inMemory += n) });
      const spill = spillTo(20_000);
      const got = await run(dedupe(orderBy), { t: data }, { spill, onRowsFiltered: (n) => (spilled += n) });
      expect(got.length).toBe(expected.length);
      expect(sorted(got)).toEqual(sorted(expected));
      expect(filesIn(spill.dir)).toEqual([]);
    }
    expect(spilled).toBe(inMemory);
  });

  it('partitions again (up to three levels) when the budget is smaller than any partition', async () => {
    const data = input(2_000, 100);
    const spill = spillTo(1);
    const expected = await run(dedupe(), { t: data });
    const it = execute(dedupe(), { scan: async function* () { yield* data; }, spill })[Symbol.asyncIterator]();
    const got: Batch[] = [];
    let r = await it.next();
    // At the first output the deepest level deduplicates in memory while every level above keeps
    // the files it has not read yet: more than two levels (16 files each) can hold.
    expect(filesIn(spill.dir).length).toBeGreaterThan(2 * 16);
    for (; !r.done; r = await it.next()) got.push(r.value);
    expect(sorted(got.flatMap(rowsOf))).toEqual(sorted(expected));
    expect(filesIn(spill.dir)).toEqual([]);
  });
});

describe('sort past its memory budget', () => {
  it('orders exactly as in memory: directions, nulls first and last, nested keys, ties in input order', async () => {
    const data = input(5_000, 300);
    const expected = await run(sortPlan, { t: data });
    for (const budget of [1, 30_000, 400_000]) {
      const spill = spillTo(budget);
      const got = await run(sortPlan, { t: data }, { spill });
      expect(sorted(got)).toEqual(sorted(expected));
      // Exact order, ids included: the merge keeps equal rows in input order as the stable sort does.
      expect(got.map((r) => r[0])).toEqual(expected.map((r) => r[0]));
      expect(filesIn(spill.dir)).toEqual([]);
    }
  });
});

const over = (cols: ReturnType<typeof win>[]): BoundPlan => ({ kind: 'window', step, input: T0, columns: cols, schema: schemaOf([...S.fields, ...cols.map((c) => field(c.name, c.type))]) });

describe('window past its memory budget', () => {
  const id = key(col(S, 'id'));
  // Both columns partition by k (the first also by n): the spill partitions on k.
  const shared = over([
    win('rn', 'row_number', [], [col(S, 'k'), col(S, 'n')], [key(col(S, 'amount'), false, true)]),
    win('moving', 'sum', [col(S, 'amount')], [col(S, 'k')], [id], { unit: 'rows', start: { kind: 'offset', rows: -2 }, end: { kind: 'currentRow' } }),
    win('prev', 'lag', [col(S, 'device')], [col(S, 'n'), col(S, 'k')], [key(col(S, 'x'))]),
  ]);

  it('gives the same rows as in memory (ties in input order), partitioned again when the budget is tiny', async () => {
    const data = input(5_000, 300);
    const expected = await run(shared, { t: data });
    for (const budget of [1, 30_000]) {
      const spill = spillTo(budget);
      const got = await run(shared, { t: data }, { spill });
      expect(sorted(got)).toEqual(sorted(expected));
      expect(existsSync(spill.dir)).toBe(true);
      expect(filesIn(spill.dir)).toEqual([]);
    }
  });

  it('holds its input when the window columns share no partition key', async () => {
    const unshared = over([win('rn', 'row_number', [], [col(S, 'k')], [id]), win('all', 'count', [col(S, 'id')], [], [])]);
    const data = input(2_000, 300);
    const spill = spillTo(1);
    expect(await run(unshared, { t: data }, { spill })).toEqual(await run(unshared, { t: data }));
    expect(existsSync(spill.dir)).toBe(false);
  });
});

const U = scan('u', S);
const joined = (how: 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti'): BoundPlan =>
  how === 'semi' || how === 'anti'
    ? { kind: 'join', step, how, left: T0, right: U, leftKeys: [col(S, 'k'), col(S, 'n')], rightKeys: [col(S, 'k'), col(S, 'n')], output: [{ from: 'left', index: 0 }], schema: schemaOf([field('id', T.int32)]) }
    : {
        kind: 'join', step, how, left: T0, right: U, leftKeys: [col(S, 'k'), col(S, 'n')], rightKeys: [col(S, 'k'), col(S, 'n')],
        output: [{ from: 'left', index: 0 }, { from: 'coalesce', leftIndex: 1, rightIndex: 1 }, { from: 'right', index: 0 }, { from: 'right', index: 6 }],
        schema: schemaOf([field('id', T.int32), field('k', T.string), field('right_id', T.int32), field('device', S.fields[6].type)]),
      };

describe('join past its memory budget', () => {
  it.each(['inner', 'left', 'right', 'full', 'semi', 'anti'] as const)('%s: the same rows as in memory, unmatched and null-key rows included', async (how) => {
    const inputs = { t: input(1_000, 100), u: input(500, 50, 11) };
    const expected = await run(joined(how), inputs);
    for (const budget of [1, 8_000]) {
      const spill = spillTo(budget);
      const got = await run(joined(how), inputs, { spill });
      expect(got.length).toBe(expected.length);
      expect(sorted(got)).toEqual(sorted(expected));
      expect(existsSync(spill.dir)).toBe(true);
      expect(filesIn(spill.dir)).toEqual([]);
    }
  });
});

describe('spill files', () => {
  const plans: [string, BoundPlan][] = [
    ['deduplicate', dedupe()],
    ['sort', sortPlan],
    ['window', over([win('rn', 'row_number', [], [col(S, 'k')], [key(col(S, 'id'))])])],
    ['join', joined('full')],
  ];

  it.each(plans)('%s: deleted when a limit stops reading early', async (_name, plan) => {
    const spill = spillTo(20_000);
    const limited: BoundPlan = { kind: 'limit', step, schema: plan.schema, input: plan, count: 5 };
    const data = input(5_000, 300);
    const got = await run(limited, { t: data, u: data }, { spill });
    expect(got.length).toBe(5);
    expect(existsSync(spill.dir)).toBe(true);
    expect(filesIn(spill.dir)).toEqual([]);
  });

  it.each(plans)('%s: deleted when the input fails after spilling', async (_name, plan) => {
    const spill = spillTo(20_000);
    const data = input(5_000, 300);
    const ctx: ExecContext = {
      spill,
      scan: async function* () {
        yield* data.slice(0, 10);
        throw new Error('the input broke');
      },
    };
    const consume = async () => {
      for await (const _ of execute(plan, ctx));
    };
    await expect(consume()).rejects.toThrow('the input broke');
    expect(existsSync(spill.dir)).toBe(true);
    expect(filesIn(spill.dir)).toEqual([]);
  });

  it.each(plans)('%s: deleted when the consumer stops mid-merge', async (_name, plan) => {
    const spill = spillTo(20_000);
    const it = execute(plan, { scan: async function* () { yield* input(5_000, 300); }, spill })[Symbol.asyncIterator]();
    await it.next();
    expect(filesIn(spill.dir).length).toBeGreaterThan(0);
    await it.return!(undefined);
    expect(filesIn(spill.dir)).toEqual([]);
  });
});
