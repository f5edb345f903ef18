/**
 * Property-based fuzzing (fast-check) of the readers and of expression evaluation. The seed is
 * fixed, so CI runs the same cases every time; a longer run:
 *
 *   FUZZ_RUNS=2000 FUZZ_SEED=$RANDOM npx vitest run test/reliability/fuzz.test.ts
 *
 * A failure prints the seed and the shrunk counterexample to reproduce it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromZod } from '../../framework/schema/zod.ts';
import { valueAt, ColumnBuilder, type Batch } from '../../framework/columnar/column.ts';
import { readJsonLines } from '../../framework/io/jsonl.ts';
import { readCsv } from '../../framework/io/csv.ts';
import type { BadRecord } from '../../framework/io/types.ts';
import { formatDate } from '../../framework/columnar/calendar.ts';
import { isoTimestamp } from '../../framework/testing/rows.ts';
import { Dataset, PlanContext } from '../../framework/dsl/dataset.ts';
import { col, lit, type Col } from '../../framework/dsl/expr.ts';

type Expr = Col;
import * as F from '../../framework/dsl/functions.ts';
import { Plan } from '../../framework/plan/nodes.ts';
import { analyze } from '../../framework/analyze/analyze.ts';
import { runBoth } from '../oracle/oracle.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const RUNS = Number(process.env.FUZZ_RUNS ?? 0);
const params = (runs: number) => ({ seed: SEED, numRuns: RUNS || runs, endOnFailure: true });

const dir = mkdtempSync(path.join(tmpdir(), 'etl-fuzz-'));
let fileNo = 0;
const fileWith = (content: string, ext: string) => {
  const f = path.join(dir, `f${fileNo++}.${ext}`);
  writeFileSync(f, content);
  return f;
};

const Row = z.object({
  id: z.int64(),
  name: z.string().nullable(),
  n: z.int32().nullable(),
  amount: z.float64().nullable(),
  d: z.iso.date().nullable(),
  ts: z.iso.datetime().nullable(),
  ok: z.boolean().nullable(),
});
const schema = fromZod(Row);

interface Record_ {
  id: bigint;
  name: string | null;
  n: number | null;
  amount: number | null;
  d: number | null;
  ts: bigint | null;
  ok: boolean | null;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DAY_US = 86_400_000_000n;
// Years 1..9999, the range Spark's and Parquet's timestamps share with ISO text.
const MIN_DAY = -719_162;
const MAX_DAY = 2_932_896;

const record: fc.Arbitrary<Record_> = fc.record({
  id: fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  name: fc.option(fc.string({ unit: 'binary', maxLength: 12 }), { nil: null }),
  n: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: null }),
  amount: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)), { nil: null }),
  d: fc.option(fc.integer({ min: MIN_DAY, max: MAX_DAY }), { nil: null }),
  ts: fc.option(fc.bigInt({ min: BigInt(MIN_DAY) * DAY_US, max: BigInt(MAX_DAY + 1) * DAY_US - 1n }), { nil: null }),
  ok: fc.option(fc.boolean(), { nil: null }),
});

/** The record as the reader returns it, for comparison. */
const expected = (r: Record_) => [r.id, r.name, r.n, r.amount, r.d, r.ts, r.ok === null ? null : r.ok];

async function readAll(it: AsyncIterable<Batch>): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for await (const b of it) for (let i = 0; i < b.length; i++) rows.push(b.columns.map((c) => valueAt(c, i)));
  return rows;
}

/** valueAt returns booleans as true/false and int64s as bigints; normalise the few representational differences. */
const normal = (row: unknown[]) => row.map((v) => (typeof v === 'number' && Object.is(v, -0) ? 0 : v));

describe('fuzz: JSON lines reader', () => {
  it('reads back every record written as JSON, in any key order and spacing, with unknown fields', async () => {
    const line = fc.tuple(record, fc.array(fc.constantFrom(' ', '\t', ''), { minLength: 3, maxLength: 3 }), fc.boolean(), fc.nat());
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 25 }), async (lines) => {
        const text = lines
          .map(([r, [s1, s2, s3], extra, order]) => {
            const fields: [string, string][] = [
              ['id', r.id.toString()],
              ['name', JSON.stringify(r.name)],
              ['n', JSON.stringify(r.n)],
              ['amount', r.amount === null ? 'null' : JSON.stringify(r.amount)],
              ['d', r.d === null ? 'null' : JSON.stringify(formatDate(r.d))],
              ['ts', r.ts === null ? 'null' : JSON.stringify(isoTimestamp(r.ts))],
              ['ok', JSON.stringify(r.ok)],
            ];
            if (extra) fields.push(['zz_unknown', '{"a":[1,{"b":null}],"c":"\\u00e9"}']);
            const rotated = [...fields.slice(order % fields.length), ...fields.slice(0, order % fields.length)];
            return `${s1}{${rotated.map(([k, v]) => `${s2}"${k}"${s3}:${s2}${v}`).join(',')}}${s3}`;
          })
          .join('\n');
        const bad: BadRecord[] = [];
        const rows = await readAll(readJsonLines([fileWith(text, 'jsonl')], { schema, mode: 'permissive', onBadRecord: (b) => bad.push(b), batchSize: 7 }));
        expect(bad).toEqual([]);
        expect(rows.map(normal)).toEqual(lines.map(([r]) => expected(r)));
      }),
      params(60),
    );
  });

  it('never throws on arbitrary lines in permissive mode; every line is a row or a bad record with its line number', async () => {
    const good = record.map((r) => JSON.stringify({ id: Number(r.id % 1000n), name: r.name }));
    const noise = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.json({ maxDepth: 3 }), fc.constantFrom('{', '}', '{"id":', '[1,2]', 'null', '{"id":1,}', '{"id":1e999}'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(good, noise), { minLength: 1, maxLength: 30 }), async (lines) => {
        const text = lines.map((l) => l.replace(/[\r\n]/g, ' ')).join('\n');
        const bad: BadRecord[] = [];
        const rows = await readAll(readJsonLines([fileWith(text, 'jsonl')], { schema, mode: 'permissive', onBadRecord: (b) => bad.push(b) }));
        const nonBlank = text.split('\n').filter((l) => l.trim() !== '').length;
        expect(rows.length + bad.length).toBe(nonBlank);
        for (const b of bad) {
          expect(b.line).toBeGreaterThanOrEqual(1);
          expect(b.line).toBeLessThanOrEqual(lines.length);
          expect(b.reason.length).toBeGreaterThan(3);
        }
      }),
      params(150),
    );
  });
});

describe('fuzz: CSV reader', () => {
  const CsvRow = z.object({ id: z.int64(), name: z.string().nullable(), note: z.string().nullable() });
  const csvSchema = fromZod(CsvRow);
  // Text with the characters CSV must quote: delimiters, quotes, CR, LF, and unicode.
  const text = fc.option(fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r\n', 'é', '😀', ';', "'"), maxLength: 10 }), { nil: null });
  const quote = (v: string | null) => (v === null ? '' : `"${v.replace(/"/g, '""')}"`);

  it('reads back fields with delimiters, quotes, CR, LF and unicode exactly, with LF or CRLF line ends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), text, text), { maxLength: 20 }), fc.boolean(), async (records, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const body = records.map(([id, name, note]) => `${id},${quote(name)},${quote(note)}`).join(eol);
        const file = fileWith(`id,name,note${eol}${body}${records.length ? eol : ''}`, 'csv');
        const bad: BadRecord[] = [];
        const rows = await readAll(readCsv([file], { schema: csvSchema, mode: 'permissive', onBadRecord: (b) => bad.push(b), header: true, delimiter: ',', quote: '"' }));
        expect(bad).toEqual([]);
        expect(rows).toEqual(records.map(([id, name, note]) => [id, name, note]));
      }),
      params(100),
    );
  });
});

describe('fuzz: expressions, local engine = DuckDB', () => {
  const Data = z.object({ id: z.int64(), a: z.int32().nullable(), b: z.float64().nullable(), flag: z.boolean().nullable() });
  const dataSchema = fromZod(Data);

  function data(seed: number, n = 64): Batch {
    const rnd = fc.sample(fc.tuple(fc.option(fc.integer({ min: -10, max: 10 }), { nil: null }), fc.option(fc.double({ min: -100, max: 100, noNaN: true }), { nil: null }), fc.option(fc.boolean(), { nil: null })), { seed, numRuns: n });
    const builders = dataSchema.fields.map((f) => new ColumnBuilder(f.type, n));
    rnd.forEach(([a, b, flag], i) => {
      builders[0].push(BigInt(i));
      if (a === null) builders[1].pushNull();
      else builders[1].push(a);
      if (b === null) builders[2].pushNull();
      else builders[2].push(Object.is(b, -0) ? 0 : b);
      if (flag === null) builders[3].pushNull();
      else builders[3].push(flag ? 1 : 0);
    });
    return { schema: dataSchema, length: n, columns: builders.map((x) => x.finish()) };
  }

  // Small ints and at most three levels keep every product inside int32 (overflow is where
  // Spark wraps and DuckDB fails; the function tests pin that case).
  const { num, bool } = fc.letrec<{ num: Expr; bool: Expr }>((tie) => ({
    num: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(col('a')),
      fc.constant(col('b')),
      fc.integer({ min: -5, max: 5 }).map((v) => lit(v)),
      fc.tuple(tie('num'), tie('num'), fc.constantFrom('plus', 'minus', 'times')).map(([x, y, op]) => (x as Expr)[op as 'plus'](y as Expr)),
      fc.tuple(tie('num'), tie('num')).map(([x, y]) => F.coalesce(x as Expr, y as Expr)),
      fc.tuple(tie('bool'), tie('num'), tie('num')).map(([c, x, y]) => F.when(c as Col<boolean>, x as Expr).otherwise(y as Expr)),
    ),
    bool: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(col('flag')),
      fc.tuple(tie('num'), tie('num'), fc.constantFrom('gt', 'lt', 'eq', 'ge', 'le', 'ne')).map(([x, y, op]) => (x as Expr)[op as 'gt'](y as Expr)),
      fc.tuple(tie('bool'), tie('bool'), fc.constantFrom('and', 'or')).map(([x, y, op]) => (x as Expr)[op as 'and'](y as Expr)),
      tie('bool').map((x) => (x as Expr).not()),
      tie('num').map((x) => (x as Expr).isNull()),
    ),
  }));

  it('projections and filters of random expressions give the same rows', async () => {
    const batch = data(SEED);
    await fc.assert(
      fc.asyncProperty(num, bool, async (x, p) => {
        const ctx = new PlanContext();
        const t = new Dataset<Record<string, unknown>>(Plan.scan({ step: { label: 't' }, input: 't', schema: dataSchema }), ctx);
        const plan = analyze(t.filter(p.or(col('id').lt(8))).select('id', x.as('x'), p.as('p')).plan, { job: 'fuzz' });
        const r = await runBoth(plan, { t: batch });
        expect(r.engine, r.sql).toEqual(r.duckdb);
      }),
      params(30),
    );
  });
});
