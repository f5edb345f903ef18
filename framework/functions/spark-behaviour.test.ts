/**
 * Spark 3.5 (spark.sql.ansi.enabled=false) behaviour that the DuckDB oracle cannot vouch for,
 * because DuckDB deliberately differs (see the list at the top of oracle.test.ts). Each expected
 * value is what Spark returns.
 */
import { describe, expect, it } from 'vitest';
import { allocData, makeColumn, valueAt, type Column } from '../columnar/column.ts';
import type { LiteralValue } from '../plan/expr.ts';
import { T, type DataType } from '../schema/types.ts';
import { castColumn, javaFloatText } from './cast.ts';
import { aggregateFunctions, scalarFunctions, windowFunctions } from './index.ts';
import { constantColumn } from './kernel-util.ts';
import { isTypeProblem, type ArgInfo } from './registry.ts';
import { javaRegExp, javaSplit } from './java-regex.ts';

const lit = (v: LiteralValue, t: DataType) => constantColumn(t, v, 1);
const info = (args: Column[]): ArgInfo[] => args.map((a) => ({ type: a.type, literal: { value: valueAt(a, 0) as LiteralValue } }));

function call(fn: string, ...args: Column[]): unknown {
  const f = scalarFunctions.get(fn)!;
  const i = info(args);
  const type = f.resolve(i);
  if (isTypeProblem(type)) throw new Error(type.problem);
  return valueAt(f.kernel(args, 1, type, i), 0);
}
function refusal(fn: string, ...args: Column[]): string {
  const type = scalarFunctions.get(fn)!.resolve(info(args));
  return isTypeProblem(type) ? type.problem : '';
}
const cast = (v: LiteralValue, from: DataType, to: DataType) => valueAt(castColumn(lit(v, from), to), 0);
const S = (s: string | null) => lit(s, T.string);
const I = (x: number | null) => lit(x, T.int32);
const L = (x: bigint) => lit(x, T.int64);
const D = (x: number) => lit(x, T.float64);
const MIN_INT = -2147483648;
const MAX_INT = 2147483647;
const MIN_LONG = -(2n ** 63n);
const MAX_LONG = 2n ** 63n - 1n;

describe('Spark behaviour DuckDB does not share', () => {
  it('integer overflow wraps; decimal overflow is null', () => {
    expect(call('+', I(MAX_INT), I(1))).toBe(MIN_INT);
    expect(call('-', I(MIN_INT), I(1))).toBe(MAX_INT);
    expect(call('*', I(MAX_INT), I(2))).toBe(-2);
    expect(call('negative', I(MIN_INT))).toBe(MIN_INT);
    expect(call('abs', I(MIN_INT))).toBe(MIN_INT);
    expect(call('*', L(MAX_LONG), L(3n))).toBe(MAX_LONG - 2n);
    expect(call('abs', L(MIN_LONG))).toBe(MIN_LONG);
    expect(call('div', L(MIN_LONG), L(-1n))).toBe(MIN_LONG);
    expect(call('%', I(MIN_INT), I(-1))).toBe(0);
    // decimal(18,0) + decimal(18,0) is decimal(19,0) in Spark: no overflow at 18 digits...
    const dec = (u: bigint) => lit(u, T.decimal(18, 0));
    expect(call('+', dec(10n ** 18n - 1n), dec(1n))).toBe(10n ** 18n);
    // ...but decimal(38,0) + decimal(38,0) stays decimal(38,0), and 39 digits are null.
    const wide = (u: bigint) => lit(u, T.decimal(38, 0));
    expect(call('+', wide(10n ** 38n - 1n), wide(1n))).toBeNull();
    expect(call('+', wide(10n ** 37n), wide(1n))).toBe(10n ** 37n + 1n);
  });

  it('division and remainder by zero are null, also for doubles; float arithmetic stays single precision', () => {
    expect(call('/', D(1), D(0))).toBeNull();
    expect(call('/', D(1), D(-0))).toBeNull();
    expect(call('%', D(1.5), D(0))).toBeNull();
    expect(call('div', I(7), I(0))).toBeNull();
    expect(call('/', I(7), I(2))).toBe(3.5);
    expect(call('div', I(-7), I(2))).toBe(-3n);
    expect(call('+', lit(0.1, T.float32), lit(0.2, T.float32))).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    expect(call('negative', D(0))).toBe(-0);
  });

  it('casts: text to numbers (Spark trims ASCII whitespace and control characters only)', () => {
    expect(cast('\t12\n', T.string, T.int32)).toBe(12);
    expect(cast('\u00a012', T.string, T.int32)).toBeNull();
    expect(cast('12.9', T.string, T.int32)).toBe(12);
    expect(cast('-12.9', T.string, T.int64)).toBe(-12n);
    expect(cast('.', T.string, T.int32)).toBe(0);
    expect(cast('1.', T.string, T.int32)).toBe(1);
    expect(cast('+', T.string, T.int32)).toBeNull();
    expect(cast('1e3', T.string, T.int32)).toBeNull();
    expect(cast('2147483648', T.string, T.int32)).toBeNull();
    expect(cast('9223372036854775807', T.string, T.int64)).toBe(MAX_LONG);
    expect(cast(' 1e3 ', T.string, T.float64)).toBe(1000);
    expect(cast('1.5d', T.string, T.float64)).toBe(1.5);
    expect(cast('-Infinity', T.string, T.float64)).toBe(Number.NEGATIVE_INFINITY);
    expect(cast('inf', T.string, T.float64)).toBe(Number.POSITIVE_INFINITY);
    expect(cast('nan', T.string, T.float64)).toBeNaN();
    expect(cast('1,5', T.string, T.float64)).toBeNull();
    expect(cast(' YES ', T.string, T.boolean)).toBe(true);
    expect(cast('0', T.string, T.boolean)).toBe(false);
    expect(cast('maybe', T.string, T.boolean)).toBeNull();
    expect(cast(' 12.345 ', T.string, T.decimal(5, 2))).toBe(1235n);
    expect(cast('1234.5', T.string, T.decimal(5, 2))).toBeNull();
  });

  it('casts: doubles truncate and saturate, longs keep their low 32 bits', () => {
    expect(cast(-2.9, T.float64, T.int32)).toBe(-2);
    expect(cast(1e20, T.float64, T.int32)).toBe(MAX_INT);
    expect(cast(-1e20, T.float64, T.int64)).toBe(MIN_LONG);
    expect(cast(Number.NaN, T.float64, T.int32)).toBe(0);
    expect(cast(4294967297n, T.int64, T.int32)).toBe(1);
    expect(cast(MAX_LONG, T.int64, T.timestamp)).toBe(MAX_LONG);
    expect(cast(1.5, T.float64, T.timestamp)).toBe(1_500_000n);
    expect(cast(-1n, T.timestamp, T.int64)).toBe(-1n);
    expect(cast(0.015, T.float64, T.decimal(5, 2))).toBe(2n); // HALF_UP on the text '0.015'
    expect(cast(-1234n, T.decimal(10, 2), T.int32)).toBe(-12);
  });

  it('casts: text forms (Java Double.toString / Float.toString, UTC timestamps)', () => {
    expect(cast(1e7, T.float64, T.string)).toBe('1.0E7');
    expect(cast(0.001, T.float64, T.string)).toBe('0.001');
    expect(cast(1e-4, T.float64, T.string)).toBe('1.0E-4');
    expect(cast(Math.fround(0.1), T.float32, T.string)).toBe('0.1');
    expect(javaFloatText(Math.fround(3.4e38))).toBe('3.4E38');
    expect(cast(-1n, T.timestamp, T.string)).toBe('1969-12-31 23:59:59.999999');
    expect(cast(1234n, T.decimal(10, 3), T.string)).toBe('1.234');
  });

  it('casts: text to dates and timestamps with Spark formats', () => {
    const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;
    expect(cast('2026-1-5', T.string, T.date)).toBe(day(2026, 1, 5));
    expect(cast('2026', T.string, T.date)).toBe(day(2026, 1, 1));
    expect(cast('2026-03', T.string, T.date)).toBe(day(2026, 3, 1));
    expect(cast(' 2024-02-29 ', T.string, T.date)).toBe(day(2024, 2, 29));
    expect(cast('2024-02-29 anything', T.string, T.date)).toBe(day(2024, 2, 29));
    expect(cast('2024-02-29T10:00', T.string, T.date)).toBe(day(2024, 2, 29));
    expect(cast('2026-02-29', T.string, T.date)).toBeNull();
    expect(cast('2024-02-29 anything', T.string, T.timestamp)).toBeNull();
    expect(cast('2024-02-29T23:59:59.1234567Z', T.string, T.timestamp)).toBe(BigInt(day(2024, 3, 1)) * 86_400_000_000n - 876_544n);
    expect(cast('2024-02-29 10:00:00+02:00', T.string, T.timestamp)).toBe(BigInt(day(2024, 2, 29)) * 86_400_000_000n + 8n * 3_600_000_000n);
    expect(cast('2024-02-29 24:00:00', T.string, T.timestamp)).toBeNull();
  });

  it('round is HALF_UP on the decimal text; floor and ceil saturate to bigint', () => {
    expect(call('round', D(0.15), I(1))).toBe(0.2);
    expect(call('round', D(1.005), I(2))).toBe(1.01);
    expect(call('round', D(2.5))).toBe(3);
    expect(call('round', D(-2.5))).toBe(-3);
    expect(call('round', D(1250), I(-2))).toBe(1300);
    expect(call('round', D(1e300), I(2))).toBe(1e300);
    expect(call('round', I(15), I(-1))).toBe(20);
    expect(call('round', I(-15), I(-1))).toBe(-20);
    expect(call('round', I(MAX_INT), I(-1))).toBe(-2147483646);
    expect(call('floor', D(Number.NaN))).toBe(0n);
    expect(call('ceil', D(1e20))).toBe(MAX_LONG);
    expect(call('floor', D(-0.5))).toBe(-1n);
    expect(call('floor', L(MAX_LONG))).toBe(MAX_LONG);
    expect(call('sqrt', D(-1))).toBeNaN();
  });

  it('split, regexp_extract and regexp_replace follow Java', () => {
    const split = (s: string, p: string) => call('split', S(s), S(p));
    expect(split('a,b,,', ',')).toEqual(['a', 'b', '', '']);
    expect(split(',a', ',')).toEqual(['', 'a']);
    expect(split('', ',')).toEqual(['']);
    expect(split('abc', '')).toEqual(['a', 'b', 'c']);
    expect(split('😀x', '')).toEqual(['😀', 'x']);
    expect(split('a1b2', '(\\d)')).toEqual(['a', 'b', '']);
    expect(javaSplit('ab', javaRegExp('x*', 'g'))).toEqual(['a', 'b', '']);
    expect(call('regexp_extract', S('abc'), S('(x)?(b)'), I(1))).toBe('');
    expect(call('regexp_extract', S('abc'), S('z'), I(0))).toBe('');
    expect(refusal('regexp_extract', S('abc'), S('(b)'), I(2))).toMatch(/group 2 does not exist/);
    expect(call('regexp_replace', S('abc'), S('b'), S('[$0]'))).toBe('a[b]c');
    expect(call('regexp_replace', S('abc'), S('(?<x>b)'), S('${x}${x}'))).toBe('abbc');
    expect(call('regexp_replace', S('abc'), S('b'), S('\\$1'))).toBe('a$1c');
    expect(call('regexp_replace', S('abc'), S('(b)'), S('$11'))).toBe('ab1c');
    expect(refusal('regexp_replace', S('abc'), S('b'), S('$x'))).toMatch(/group number/);
    expect(refusal('regexp_replace', S('abc'), S('b'), S('$1'))).toMatch(/group 1/);
  });

  it('regular expressions: Java meanings kept, Java-only syntax refused', () => {
    expect(call('regexp_extract', S('a\u0085b'), S('a.b'), I(0))).toBe('');
    expect(call('regexp_extract', S('abc\n'), S('c$'), I(0))).toBe('c');
    expect(call('regexp_extract', S('a\u00a0b'), S('a\\sb'), I(0))).toBe('');
    expect(call('regexp_extract', S('xéy'), S('\\bé'), I(0))).toBe('');
    expect(call('regexp_extract', S('ABC'), S('(?i)b'), I(0))).toBe('B');
    for (const p of ['a*+', '\\p{Alpha}', '(?s).', '(?i)é', '[a-z&&[^b]]', '\\v', '\\Aa', '(?>a)', '\\Qa\\E']) {
      expect(refusal('regexp_extract', S('x'), S(p), I(0)), p).toMatch(/cannot run locally/);
    }
    expect(refusal('regexp_extract', S('x'), S('\\p{Lu}+'), I(0))).toBe('');
  });

  it('LIKE: escapes as Spark, characters are code points', () => {
    expect(call('like', S('😀'), S('_'))).toBe(true);
    expect(call('like', S('a-b'), S('a-b'))).toBe(true);
    expect(call('like', S('a\nb'), S('a%b'))).toBe(true);
    expect(refusal('like', S('ab'), S('a\\b'))).toMatch(/escape/);
  });

  it('comparisons cast a string side to the other type; IN refuses mixed strings', () => {
    expect(call('=', S('1.5'), I(1))).toBe(true); // '1.5' cast to int is 1
    expect(call('=', lit(Date.UTC(2024, 1, 29) / 86_400_000, T.date), S('2024-02-29'))).toBe(true);
    expect(call('<', lit(0n, T.timestamp), S('1970-01-01 00:00:01'))).toBe(true);
    expect(call('=', S('abc'), I(1))).toBeNull();
    expect(call('=', D(Number.NaN), D(Number.NaN))).toBe(true);
    expect(call('>', D(Number.NaN), D(Number.POSITIVE_INFINITY))).toBe(true);
    expect(refusal('in', I(1), S('1'))).toMatch(/IN needs values of one type/);
  });

  it('dates: year() reads a date, hour() a timestamp; unix_timestamp parses its format', () => {
    expect(call('year', S('2026-01-05 garbage'))).toBe(2026);
    expect(call('hour', S('2026-01-05 garbage'))).toBeNull();
    expect(call('unix_timestamp', S('2026-01-01'))).toBeNull();
    expect(call('unix_timestamp', S('1970-01-01 00:01:00'))).toBe(60n);
    expect(call('unix_timestamp', S('02/01/1970'), S('dd/MM/yyyy'))).toBe(86_400n);
    expect(call('to_timestamp', S('26-01-01'), S('yyyy-MM-dd'))).toBeNull();
    expect(call('to_date', S('01.02.26'), S('dd.MM.yy'))).toBe(Date.UTC(2026, 1, 1) / 86_400_000);
    expect(call('date_format', lit(0n, T.timestamp), S("EEEE, MMMM d ''yy h a"))).toBe("Thursday, January 1 '70 12 AM");
    expect(refusal('date_format', lit(0n, T.timestamp), S('Q'))).toMatch(/not supported/);
    expect(call('from_unixtime', L(-1n))).toBe('1969-12-31 23:59:59');
    expect(call('date_trunc', S('week'), lit(BigInt(Date.UTC(2024, 1, 29, 13)) * 1000n, T.timestamp))).toBe(BigInt(Date.UTC(2024, 1, 26)) * 1000n);
  });

  it('sum of bigint wraps; sum of many ints is exact; decimal sums overflow to null', () => {
    const sum = (type: DataType, values: (number | bigint)[], groups = values.map(() => 0)) => {
      const f = aggregateFunctions.get('sum')!;
      const args = [{ type }];
      const result = f.resolve(args) as DataType;
      const acc = f.accumulator(args, result, false);
      const data = allocData(type, values.length) as unknown as { [i: number]: unknown };
      values.forEach((v, i) => (data[i] = v));
      acc.update(Int32Array.from(groups), Math.max(...groups) + 1, [makeColumn(type, data as Column['data'], null)], values.length);
      return valueAt(acc.finish(Math.max(...groups) + 1), 0);
    };
    expect(sum(T.int64, [MAX_LONG, 1n])).toBe(MIN_LONG);
    expect(sum(T.int32, Array(5000).fill(MAX_INT))).toBe(BigInt(MAX_INT) * 5000n);
    expect(sum(T.int32, [MAX_INT, MAX_INT, MIN_INT])).toBe(2n * BigInt(MAX_INT) + BigInt(MIN_INT));
    // sum(decimal(18,0)) is decimal(28,0): exact past 64 bits; sum(decimal(38,0)) overflows to null.
    expect(sum(T.decimal(18, 0), [10n ** 17n * 9n, 10n ** 17n * 9n])).toBe(18n * 10n ** 17n);
    expect(sum(T.decimal(38, 0), [10n ** 38n - 1n, 1n])).toBeNull();
  });

  it('lag/lead cast the default to the values type', () => {
    const f = windowFunctions.get('lag')!;
    const argInfo: ArgInfo[] = [{ type: T.int32 }, { type: T.int32, literal: { value: 1 } }, { type: T.float64, literal: { value: 0.5 } }];
    expect(f.resolve(argInfo)).toEqual(T.int32);
    const out = { data: new Int32Array(2), valid: new Uint8Array(2) };
    f.evaluate({
      args: [makeColumn(T.int32, Int32Array.from([7, 8]), null), constantColumn(T.int32, 1, 2), constantColumn(T.float64, 2.5, 2)],
      argInfo,
      order: Int32Array.from([0, 1]),
      start: 0,
      end: 2,
      peerGroupStart: Int32Array.from([0, 1]),
      out,
    });
    expect([...out.data]).toEqual([2, 7]);
  });
});
