/**
 * Spark results the DuckDB oracle cannot vouch for (DuckDB differs on purpose): each value
 * below is what Spark 3.5 returns with spark.sql.ansi.enabled=false.
 */
import { describe, expect, it } from 'vitest';
import { valueAt, type Column } from '../columnar/column.ts';
import { T, type DataType } from '../schema/types.ts';
import { constantColumn } from './kernel-util.ts';
import { castColumn, javaDoubleText, parseDecimal } from './cast.ts';
import { scalarFunctions } from './index.ts';
import type { LiteralValue } from '../plan/expr.ts';
import { compareStrings } from './compare.ts';
import { formatTimestampText, parseTimestampText } from './datetime-text.ts';

const lit = (v: LiteralValue, t: DataType) => constantColumn(t, v, 1);
function call(fn: string, ...args: Column[]): unknown {
  const f = scalarFunctions.get(fn)!;
  const info = args.map((a) => ({ type: a.type, literal: { value: valueAt(a, 0) as LiteralValue } }));
  const type = f.resolve(info);
  if ('problem' in type) throw new Error(type.problem);
  return valueAt(f.kernel(args, 1, type, info), 0);
}

describe('Spark semantics', () => {
  it('integer overflow wraps', () => {
    expect(call('+', lit(2147483647, T.int32), lit(1, T.int32))).toBe(-2147483648);
    expect(call('*', lit(65536, T.int32), lit(65536, T.int32))).toBe(0);
    expect(call('+', lit(9223372036854775807n, T.int64), lit(1n, T.int64))).toBe(-9223372036854775808n);
  });

  it('division: always double, null on zero; integral div truncates', () => {
    expect(call('/', lit(1, T.int32), lit(2, T.int32))).toBe(0.5);
    expect(call('/', lit(1, T.int32), lit(0, T.int32))).toBeNull();
    expect(call('%', lit(-7, T.int32), lit(3, T.int32))).toBe(-1);
    expect(call('%', lit(7, T.int32), lit(0, T.int32))).toBeNull();
    expect(call('div', lit(-7, T.int32), lit(2, T.int32))).toBe(-3n);
  });

  it('casts: text that does not parse is null, doubles truncate and saturate', () => {
    const cast = (v: LiteralValue, from: DataType, to: DataType) => valueAt(castColumn(lit(v, from), to), 0);
    expect(cast(' 12 ', T.string, T.int32)).toBe(12);
    expect(cast('12.9', T.string, T.int32)).toBe(12);
    expect(cast('abc', T.string, T.int64)).toBeNull();
    expect(cast('9223372036854775808', T.string, T.int64)).toBeNull();
    expect(cast(-2.7, T.float64, T.int32)).toBe(-2);
    expect(cast(1e20, T.float64, T.int32)).toBe(2147483647);
    expect(cast(Number.NaN, T.float64, T.int64)).toBe(0n);
    expect(cast(4294967297n, T.int64, T.int32)).toBe(1);
    expect(cast('yes', T.string, T.boolean)).toBe(true);
    expect(cast('2026-02-30', T.string, T.date)).toBeNull();
    expect(cast(1.0, T.float64, T.string)).toBe('1.0');
    expect(cast(1e7, T.float64, T.string)).toBe('1.0E7');
    expect(cast(0.0001, T.float64, T.string)).toBe('1.0E-4');
    expect(cast(1234567890123456789n, T.int64, T.string)).toBe('1234567890123456789');
  });

  it('Java double text', () => {
    expect(javaDoubleText(123.456)).toBe('123.456');
    expect(javaDoubleText(-0)).toBe('-0.0');
    expect(javaDoubleText(1.5e-10)).toBe('1.5E-10');
  });

  it('decimals parse exactly and round half up', () => {
    expect(parseDecimal('12.345', 2)).toBe(1235n);
    expect(parseDecimal('-12.345', 2)).toBe(-1235n);
    expect(parseDecimal('1e3', 2)).toBe(100000n);
    expect(parseDecimal('abc', 2)).toBeNull();
  });

  it('timestamps: offsets, microseconds, truncated nanoseconds, impossible dates', () => {
    expect(parseTimestampText('2026-11-01T00:30:00+02:00')).toBe(parseTimestampText('2026-10-31T22:30:00Z'));
    expect(formatTimestampText(parseTimestampText('2026-11-01T10:00:00.123456789Z')!)).toBe('2026-11-01 10:00:00.123456');
    expect(parseTimestampText('2026-11-31T10:00:00Z')).toBeNull();
    expect(parseTimestampText('2026-11-01T24:00:00Z')).toBeNull();
    expect(formatTimestampText(-1n)).toBe('1969-12-31 23:59:59.999999');
  });

  it('null handling: concat is null if any part is, concat_ws skips nulls, comparisons with null are null', () => {
    expect(call('concat', lit('a', T.string), lit(null, T.string))).toBeNull();
    expect(call('concat_ws', lit('-', T.string), lit('a', T.string), lit(null, T.string), lit('b', T.string))).toBe('a-b');
    expect(call('=', lit(null, T.int32), lit(1, T.int32))).toBeNull();
    expect(call('<=>', lit(null, T.int32), lit(null, T.int32))).toBe(true);
    expect(call('and', lit(false, T.boolean), lit(null, T.boolean))).toBe(false);
    expect(call('or', lit(true, T.boolean), lit(null, T.boolean))).toBe(true);
    expect(call('in', lit(3, T.int32), lit(1, T.int32), lit(null, T.int32))).toBeNull();
  });

  it('strings compare in code point order (UTF-8 bytes), as Spark does', () => {
    // U+FF61 sorts before U+1F600 in UTF-16 code units' order but after it in code points.
    expect(compareStrings('\uff61', '😀')).toBeLessThan(0);
    expect(compareStrings('😀', '\uff61')).toBeGreaterThan(0);
    expect(compareStrings('a', 'b')).toBeLessThan(0);
  });

  it('substring and length count characters, not UTF-16 units', () => {
    expect(call('length', lit('😀a', T.string))).toBe(2);
    expect(call('substring', lit('😀abc', T.string), lit(2, T.int32), lit(2, T.int32))).toBe('ab');
    expect(call('substring', lit('hello', T.string), lit(-3, T.int32))).toBe('llo');
    expect(call('trim', lit('\t x \t', T.string))).toBe('\t x \t');
  });

  it('refuses Java-only regular expressions', () => {
    const f = scalarFunctions.get('regexp_extract')!;
    const problem = f.resolve([{ type: T.string }, { type: T.string, literal: { value: 'a*+' } }, { type: T.int32, literal: { value: 1 } }]);
    expect(problem).toHaveProperty('problem');
  });
});
