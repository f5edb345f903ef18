/**
 * Decimal arithmetic and aggregates, up to 38 digits, against local Spark: for generated
 * operands of many precisions and scales (and the edges: the largest values, ties at the last
 * kept digit, zero divisors, ints and bigints as operands), the local engine's result type and
 * value must be Spark's exactly (typeof and CAST AS STRING), nulls included.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocData, makeColumn, valueAt, type Column } from '../../framework/columnar/column.ts';
import { SparkArithmeticError } from '../../framework/errors/index.ts';
import { castColumn, decimalText } from '../../framework/functions/cast.ts';
import { aggregateFunctions, scalarFunctions } from '../../framework/functions/index.ts';
import { constantColumn } from '../../framework/functions/kernel-util.ts';
import { isTypeProblem } from '../../framework/functions/registry.ts';
import { T, typeToString, type DataType } from '../../framework/schema/types.ts';
import { ROOT } from '../run/helpers.ts';
import { seededRandom } from '../support/random.ts';
import { assertSparkInstalled } from './spark.ts';

type Dec = Extract<DataType, { kind: 'decimal' }>;

const rnd = seededRandom(38);
const pick = <X>(xs: readonly X[]) => xs[Math.floor(rnd() * xs.length)];

/** A random unscaled value with up to `digits` digits (often the full width, sometimes tiny). */
function unscaled(digits: number): bigint {
  const n = pick([digits, digits, 1 + Math.floor(rnd() * digits)]);
  let s = '';
  for (let i = 0; i < n; i++) s += String(Math.floor(rnd() * 10));
  const v = BigInt(s || '0');
  return rnd() < 0.5 ? -v : v;
}

const TYPES: DataType[] = [T.decimal(38, 0), T.decimal(38, 10), T.decimal(38, 37), T.decimal(20, 2), T.decimal(10, 2), T.decimal(18, 6), T.decimal(5, 5), T.decimal(30, 15), T.int32, T.int64];

function randomValue(t: DataType): { text: string; stored: bigint | number } {
  if (t.kind === 'int32') {
    const v = Math.floor((rnd() - 0.5) * 2 ** 31);
    return { text: String(v), stored: v };
  }
  if (t.kind === 'int64') {
    const v = BigInt.asIntN(64, unscaled(19));
    return { text: String(v), stored: v };
  }
  const d = t as Dec;
  const u = unscaled(d.precision);
  return { text: decimalText(u, d.scale), stored: u };
}

const sparkName = (t: DataType) => typeToString(t);

interface OpCase {
  op: string;
  a: { text: string; stored: bigint | number };
  ta: DataType;
  b: { text: string; stored: bigint | number };
  tb: DataType;
}

function opCases(): OpCase[] {
  const cases: OpCase[] = [];
  for (const op of ['+', '-', '*', '/', '%']) {
    for (let i = 0; i < 70; i++) {
      const ta = pick(TYPES.slice(0, 8));
      const tb = pick(TYPES);
      cases.push({ op, a: randomValue(ta), ta, b: randomValue(tb), tb });
    }
  }
  const dec = (text: string, p: number, s: number): Pick<OpCase, 'a'>['a'] => ({ text, stored: BigInt(text.replace('.', '')) });
  const t = (p: number, s: number) => T.decimal(p, s);
  // Edges: overflow to null, division by zero, ties at the last kept digit, the two roundings of * and /.
  cases.push(
    { op: '+', a: dec('99999999999999999999999999999999999999', 38, 0), ta: t(38, 0), b: dec('1', 38, 0), tb: t(38, 0) },
    { op: '/', a: dec('1.00', 10, 2), ta: t(10, 2), b: dec('0.00', 10, 2), tb: t(10, 2) },
    { op: '%', a: dec('5.5', 10, 1), ta: t(10, 1), b: dec('0.0', 10, 1), tb: t(10, 1) },
    { op: '/', a: dec('2', 38, 0), ta: t(38, 0), b: dec('3', 38, 0), tb: t(38, 0) },
    { op: '/', a: dec('1', 38, 0), ta: t(38, 0), b: dec('8', 38, 0), tb: t(38, 0) },
    { op: '/', a: dec('-1', 38, 0), ta: t(38, 0), b: dec('16', 38, 0), tb: t(38, 0) },
    { op: '*', a: dec('0.0000000005', 38, 10), ta: t(38, 10), b: dec('0.1000000000', 38, 10), tb: t(38, 10) },
    { op: '*', a: dec('1234567890123456789012345678.0123456789', 38, 10), ta: t(38, 10), b: dec('9876543210987654321098765432.9876543210', 38, 10), tb: t(38, 10) },
    { op: '*', a: dec('12345678901234567890.123456789012345678', 38, 18), ta: t(38, 18), b: dec('3.000000000000000005', 38, 18), tb: t(38, 18) },
    { op: '/', a: dec('99999999999999999999999999999.999999999', 38, 9), ta: t(38, 9), b: dec('0.000000003', 38, 9), tb: t(38, 9) },
  );
  return cases;
}

function local(c: OpCase): [string, string | null] {
  const f = scalarFunctions.get(c.op)!;
  const args = [constantColumn(c.ta, c.a.stored, 1), constantColumn(c.tb, c.b.stored, 1)];
  const info = args.map((a) => ({ type: a.type }));
  const type = f.resolve(info);
  if (isTypeProblem(type)) return [`refused: ${type.problem}`, null];
  let result: Column;
  try {
    result = f.kernel(args, 1, type, info);
  } catch (e) {
    // Where Spark fails, the local engine must fail too (not produce a value).
    if (e instanceof SparkArithmeticError && e.message.includes('Division impossible')) return ['error', 'Division impossible'];
    throw e;
  }
  // Compared as CAST(... AS STRING) on both sides: the cast's text (1.0E-7 for tiny values) is proved too.
  return [typeToString(type), valueAt(castColumn(result, T.string), 0) as string | null];
}

function localAggregate(fn: string, t: Dec, values: (bigint | null)[]): [string, string | null] {
  const f = aggregateFunctions.get(fn)!;
  const info = [{ type: t as DataType }];
  const result = f.resolve(info) as DataType;
  const acc = f.accumulator(info, result, false);
  const data = allocData(t, values.length) as unknown as { [i: number]: bigint };
  const valid = new Uint8Array(values.length);
  values.forEach((v, i) => {
    if (v !== null) {
      data[i] = v;
      valid[i] = 1;
    }
  });
  acc.update(new Int32Array(values.length), 1, [makeColumn(t, data as unknown as Column['data'], valid)], values.length);
  return [typeToString(result), valueAt(castColumn(acc.finish(1), T.string), 0) as string | null];
}

describe('decimals on local Spark', () => {
  it('+ - * / % give Spark\'s result types and values (nulls on overflow), sum and avg too', () => {
    assertSparkInstalled();
    const ops = opCases();
    const aggs: { fn: string; t: Dec; values: (bigint | null)[] }[] = [];
    for (const fn of ['sum', 'avg', 'min', 'max']) {
      for (const t of [T.decimal(38, 0), T.decimal(38, 10), T.decimal(10, 2), T.decimal(18, 6), T.decimal(30, 2)] as Dec[]) {
        for (let k = 0; k < 3; k++) aggs.push({ fn, t, values: Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => (rnd() < 0.1 ? null : unscaled(t.precision))) });
      }
    }
    // sum overflowing decimal(38): null
    aggs.push({ fn: 'sum', t: T.decimal(38, 0) as Dec, values: [10n ** 38n - 1n, 10n ** 38n - 1n] });
    const input = JSON.stringify({
      ops: ops.map((c) => ({ op: c.op, a: c.a.text, ta: sparkName(c.ta), b: c.b.text, tb: sparkName(c.tb) })),
      aggs: aggs.map((a) => ({ fn: a.fn, t: sparkName(a.t), values: a.values.map((v) => (v === null ? null : decimalText(v, a.t.scale))) })),
    });
    const r = spawnSync(path.join(ROOT, '.venv/bin/python'), [path.join(ROOT, 'test/spark/decimal_ops.py')], { input, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 280_000 });
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    const spark = JSON.parse(r.stdout) as { ops: [string, string | null][]; aggs: [string, string | null][] };
    const diffs: string[] = [];
    ops.forEach((c, i) => {
      const mine = local(c);
      if (JSON.stringify(mine) !== JSON.stringify(spark.ops[i])) diffs.push(`${c.a.text}::${sparkName(c.ta)} ${c.op} ${c.b.text}::${sparkName(c.tb)}: local ${JSON.stringify(mine)}, Spark ${JSON.stringify(spark.ops[i])}`);
    });
    aggs.forEach((a, i) => {
      const mine = localAggregate(a.fn, a.t, a.values);
      if (JSON.stringify(mine) !== JSON.stringify(spark.aggs[i])) diffs.push(`${a.fn}(${sparkName(a.t)}) over ${a.values.length}: local ${JSON.stringify(mine)}, Spark ${JSON.stringify(spark.aggs[i])}`);
    });
    expect(diffs).toEqual([]);
    // The cases must reach both outcomes, or they prove little.
    expect(spark.ops.filter(([, v]) => v === null).length).toBeGreaterThan(5);
    expect(spark.ops.filter(([, v]) => v !== null).length).toBeGreaterThan(300);
  });
});
