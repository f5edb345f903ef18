/**
 * Edge cases of the calendar and epoch functions (add_months, timestampdiff, make_timestamp,
 * time zones, ...): negative epochs, leap years, month ends, nulls and Spark's failures. Each
 * expected value is what Spark 3.5 returns (spark.sql.ansi.enabled=false, session zone UTC).
 */
import { describe, expect, it } from 'vitest';
import { valueAt, type Column } from '../columnar/column.ts';
import { T, type DataType } from '../schema/types.ts';
import { constantColumn } from './kernel-util.ts';
import { scalarFunctions } from './index.ts';
import type { LiteralValue } from '../plan/expr.ts';
import { parseDateText, parseTimestampText } from './datetime-text.ts';
import { formatDate } from '../columnar/calendar.ts';
import { SparkArithmeticError } from '../errors/index.ts';

const lit = (v: LiteralValue, t: DataType) => constantColumn(t, v, 1);
const ts = (s: string) => lit(parseTimestampText(s), T.timestamp);
const date = (s: string) => lit(parseDateText(s), T.date);
const int = (n: number) => lit(n, T.int32);
const str = (s: string) => lit(s, T.string);

function resolve(fn: string, args: Column[]) {
  const info = args.map((a) => ({ type: a.type, literal: { value: valueAt(a, 0) as LiteralValue } }));
  return { info, type: scalarFunctions.get(fn)!.resolve(info) };
}
function call(fn: string, ...args: Column[]): unknown {
  const { info, type } = resolve(fn, args);
  if ('problem' in type) throw new Error(type.problem);
  return valueAt(scalarFunctions.get(fn)!.kernel(args, 1, type, info), 0);
}
const problem = (fn: string, ...args: Column[]) => {
  const { type } = resolve(fn, args);
  return 'problem' in type ? type.problem : null;
};
const asDate = (v: unknown) => (v === null ? null : formatDate(v as number));

describe('epoch functions', () => {
  it('unix_micros/millis/seconds round down, also before 1970', () => {
    expect(call('unix_micros', ts('2026-11-01T00:00:00.000001Z'))).toBe(1793491200000001n);
    expect(call('unix_millis', ts('1969-12-31T23:59:59.9995Z'))).toBe(-1n);
    expect(call('unix_seconds', ts('1969-12-31T23:59:59.5Z'))).toBe(-1n);
    expect(call('unix_seconds', lit(null, T.timestamp))).toBeNull();
    // Spark casts neither dates nor text to a timestamp here.
    expect(problem('unix_seconds', date('2026-11-01'))).toMatch(/must be a timestamp/);
    expect(problem('unix_micros', str('2026-11-01'))).toMatch(/must be a timestamp/);
  });

  it('timestamp_seconds/millis/micros: fractions truncate, NaN is null, overflow fails as in Spark', () => {
    expect(call('timestamp_seconds', lit(-1.5, T.float64))).toBe(-1_500_000n);
    expect(call('timestamp_seconds', lit(-0.0000015, T.float64))).toBe(-1n);
    expect(call('timestamp_seconds', lit(Number.NaN, T.float64))).toBeNull();
    expect(call('timestamp_seconds', lit(1e300, T.float64))).toBe(2n ** 63n - 1n);
    expect(call('timestamp_seconds', lit(1234567n, T.decimal(10, 6)))).toBe(1_234_567n);
    expect(() => call('timestamp_seconds', lit(10000001n, T.decimal(20, 7)))).toThrow(SparkArithmeticError);
    expect(() => call('timestamp_seconds', lit(9223372036855n, T.int64))).toThrow(SparkArithmeticError);
    expect(call('timestamp_millis', int(-1))).toBe(-1000n);
    expect(() => call('timestamp_millis', lit(9223372036854776n, T.int64))).toThrow(SparkArithmeticError);
    expect(call('timestamp_micros', lit(2n ** 63n - 1n, T.int64))).toBe(2n ** 63n - 1n);
    expect(problem('timestamp_millis', lit(1.5, T.float64))).toMatch(/needs an integer/);
    expect(problem('timestamp_seconds', str('1'))).toMatch(/needs a number/);
  });
});

describe('timestampdiff and timestampadd', () => {
  const diff = (unit: string, a: string, b: string) => call('timestampdiff', str(unit), ts(a), ts(b));
  it('counts whole calendar months as Java does, month ends and leap days included', () => {
    expect(diff('MONTH', '2026-01-31 00:00:00', '2026-02-28 00:00:00')).toBe(0n);
    expect(diff('MONTH', '2026-01-31 10:00:00', '2026-03-31 09:59:59')).toBe(1n);
    expect(diff('MONTH', '2026-03-31 00:00:00', '2026-02-28 00:00:00')).toBe(-1n);
    expect(diff('month', '2024-03-01 00:00:00.000001', '2026-11-01 00:00:00')).toBe(31n);
    expect(diff('YEAR', '2024-02-29 00:00:00', '2025-02-28 00:00:00')).toBe(0n);
    expect(diff('YEAR', '2028-02-29 00:00:00', '2024-02-28 23:00:00')).toBe(-4n);
    expect(diff('QUARTER', '2024-01-01 00:00:00', '2024-12-31 00:00:00')).toBe(3n);
  });
  it('truncates units of fixed length toward zero', () => {
    expect(diff('DAY', '2026-01-03 09:00:00', '2026-01-01 10:00:00')).toBe(-1n);
    expect(diff('WEEK', '2026-01-15 00:00:00', '2026-01-01 00:00:00.000001')).toBe(-1n);
    expect(diff('SECOND', '2026-01-01 00:00:01', '2026-01-01 00:00:00.5')).toBe(0n);
    expect(diff('MILLISECOND', '1969-12-31 23:59:59.9995', '1970-01-01 00:00:00')).toBe(0n);
    expect(diff('MICROSECOND', '0001-01-01 00:00:00', '9999-12-31 23:59:59.999999')).toBe(315537897599999999n);
    expect(call('timestampdiff', str('HOUR'), date('2026-01-01'), str('2026-01-02 05:00:00'))).toBe(29n);
    expect(call('timestampdiff', str('DAY'), lit(null, T.timestamp), ts('2026-01-01'))).toBeNull();
    expect(problem('timestampdiff', str('SQL_TSI_DAY'), ts('2026-01-01'), ts('2026-01-01'))).toMatch(/unit must be one of/);
  });
  it('adds months clamping to the month end; the count is an int', () => {
    const add = (unit: string, n: LiteralValue, at: string, t: DataType = T.int32) => call('timestampadd', str(unit), lit(n, t), ts(at));
    expect(add('MONTH', 1, '2026-01-31 10:00:00')).toBe(parseTimestampText('2026-02-28 10:00:00'));
    expect(add('QUARTER', -1, '2024-05-31 10:00:00')).toBe(parseTimestampText('2024-02-29 10:00:00'));
    expect(add('YEAR', 1, '2024-02-29 10:00:00')).toBe(parseTimestampText('2025-02-28 10:00:00'));
    expect(add('WEEK', 2, '2024-05-31 10:00:00')).toBe(parseTimestampText('2024-06-14 10:00:00'));
    // Spark casts the count to int: 2^63 - 1 is -1.
    expect(add('SECOND', 2n ** 63n - 1n, '2026-01-31 10:00:00', T.int64)).toBe(parseTimestampText('2026-01-31 09:59:59'));
    expect(() => add('DAY', 2147483647, '2026-01-31 10:00:00')).toThrow(SparkArithmeticError);
    expect(() => add('MONTH', 2147483647, '2024-05-31 10:00:00')).toThrow(SparkArithmeticError);
  });
});

describe('calendar functions', () => {
  it('add_months, last_day, next_day, trunc', () => {
    expect(asDate(call('add_months', date('2026-01-31'), int(1)))).toBe('2026-02-28');
    expect(asDate(call('add_months', date('2019-02-28'), int(1)))).toBe('2019-03-28');
    expect(asDate(call('add_months', date('2024-02-29'), int(-12)))).toBe('2023-02-28');
    expect(asDate(call('add_months', str('2026-01-31 10:00:00'), lit(1n, T.int64)))).toBe('2026-02-28');
    expect(asDate(call('add_months', date('1969-12-31'), int(2)))).toBe('1970-02-28');
    expect(call('add_months', date('2026-01-31'), lit(null, T.int32))).toBeNull();
    expect(asDate(call('last_day', date('2024-02-10')))).toBe('2024-02-29');
    expect(asDate(call('last_day', date('1900-02-10')))).toBe('1900-02-28');
    expect(asDate(call('last_day', ts('2023-12-10 10:00:00')))).toBe('2023-12-31');
    expect(asDate(call('next_day', date('2026-11-01'), str('Mon')))).toBe('2026-11-02');
    expect(asDate(call('next_day', date('2026-11-01'), str('SU')))).toBe('2026-11-08');
    expect(asDate(call('next_day', date('1969-12-31'), str('thursday')))).toBe('1970-01-01');
    expect(call('next_day', date('2026-11-01'), str('Tues'))).toBeNull();
    expect(call('next_day', date('2026-11-01'), str('sun '))).toBeNull();
    expect(asDate(call('trunc', date('2026-11-18'), str('week')))).toBe('2026-11-16');
    expect(asDate(call('trunc', date('1969-12-31'), str('week')))).toBe('1969-12-29');
    expect(asDate(call('trunc', str('2026-11-18 10:00'), str('MON')))).toBe('2026-11-01');
    expect(asDate(call('trunc', date('2026-11-18'), str('quarter')))).toBe('2026-10-01');
    expect(problem('trunc', date('2026-11-18'), str('day'))).toMatch(/unit must be one of/);
  });

  it('day of week, day of year, ISO week, quarter', () => {
    expect(call('dayofweek', date('2026-11-01'))).toBe(1);
    expect(call('dayofweek', date('1969-12-31'))).toBe(4);
    expect(call('dayofweek', str('2026-11-07 10:00'))).toBe(7);
    expect(call('dayofyear', date('2024-12-31'))).toBe(366);
    expect(call('dayofyear', date('1969-12-31'))).toBe(365);
    expect(call('weekofyear', date('2027-01-01'))).toBe(53);
    expect(call('weekofyear', date('2021-01-03'))).toBe(53);
    expect(call('weekofyear', date('1969-12-31'))).toBe(1);
    expect(call('quarter', date('2026-11-01'))).toBe(4);
    expect(call('second', ts('2026-11-01 10:11:12.9'))).toBe(12);
  });

  it('make_date: null when there is no such day; bigints keep their low 32 bits', () => {
    expect(asDate(call('make_date', int(2024), int(2), int(29)))).toBe('2024-02-29');
    expect(call('make_date', int(2026), int(2), int(29))).toBeNull();
    expect(call('make_date', int(2024), int(13), int(1))).toBeNull();
    expect(call('make_date', int(-1), int(1), int(1))).toBe(-719893);
    expect(asDate(call('make_date', lit(4294969322n, T.int64), int(11), int(1)))).toBe('2026-11-01');
    expect(call('make_date', int(5881580), int(7), int(11))).toBe(2147483647);
    expect(() => call('make_date', int(5881580), int(7), int(12))).toThrow(SparkArithmeticError);
  });

  it('make_timestamp: fractions to the microsecond, 60 seconds is the next minute only without a fraction', () => {
    const mk = (sec: LiteralValue, t: DataType, h = 10, mi = 11) => call('make_timestamp', int(2026), int(11), int(1), int(h), int(mi), lit(sec, t));
    expect(mk(12500000n, T.decimal(16, 6))).toBe(parseTimestampText('2026-11-01 10:11:12.5'));
    expect(mk(60, T.int32)).toBe(parseTimestampText('2026-11-01 10:12:00'));
    expect(call('make_timestamp', int(2026), int(12), int(31), int(23), int(59), int(60))).toBe(parseTimestampText('2027-01-01 00:00:00'));
    expect(mk(60500000n, T.decimal(16, 6))).toBeNull();
    expect(mk(61, T.int32)).toBeNull();
    expect(mk(-0.5, T.float64)).toBeNull();
    expect(mk(12.9999999, T.float64)).toBe(parseTimestampText('2026-11-01 10:11:13'));
    expect(mk(1e20, T.float64)).toBeNull();
    expect(mk(0, T.int32, 24)).toBeNull();
    expect(mk(0, T.int32, 10, 60)).toBeNull();
    expect(mk(null, T.int32)).toBeNull();
    expect(call('make_timestamp', int(2026), int(2), int(29), int(10), int(11), int(0))).toBeNull();
  });
});

describe('time zones', () => {
  const conv = (fn: string, at: string, zone: string) => call(fn, ts(at), str(zone));
  it('from_utc_timestamp: the wall clock in the zone, historical offsets included', () => {
    expect(conv('from_utc_timestamp', '2026-07-01 00:00:00', 'Europe/Paris')).toBe(parseTimestampText('2026-07-01 02:00:00'));
    expect(conv('from_utc_timestamp', '2026-07-01 00:00:00', 'Asia/Kolkata')).toBe(parseTimestampText('2026-07-01 05:30:00'));
    expect(conv('from_utc_timestamp', '1900-01-01 00:00:00', 'Europe/Paris')).toBe(-2208988239000000n);
    expect(conv('from_utc_timestamp', '1800-01-01 00:00:00', 'America/New_York')).toBe(-5364680162000000n);
    expect(call('from_utc_timestamp', date('2026-07-01'), str('Asia/Tokyo'))).toBe(parseTimestampText('2026-07-01 09:00:00'));
  });
  it('to_utc_timestamp: a gap moves forward, an overlap takes the earlier offset (Java)', () => {
    expect(conv('to_utc_timestamp', '2026-03-29 02:30:00', 'Europe/Paris')).toBe(parseTimestampText('2026-03-29 01:30:00'));
    expect(conv('to_utc_timestamp', '2026-10-25 02:30:00', 'Europe/Paris')).toBe(parseTimestampText('2026-10-25 00:30:00'));
    expect(conv('to_utc_timestamp', '2026-11-01 01:30:00', 'America/New_York')).toBe(1793511000000000n);
    expect(conv('to_utc_timestamp', '2026-03-08 02:30:00', 'America/New_York')).toBe(1772955000000000n);
    expect(call('to_utc_timestamp', lit(null, T.timestamp), str('UTC'))).toBeNull();
  });
  it('refuses a zone Spark does not know, at analysis', () => {
    expect(problem('from_utc_timestamp', ts('2026-07-01'), str('Bogus/Zone'))).toMatch(/unknown time zone 'Bogus\/Zone'/);
    expect(problem('to_utc_timestamp', ts('2026-07-01'), str('europe/paris'))).toMatch(/case-sensitive/);
    expect(problem('to_utc_timestamp', ts('2026-07-01'), str('utc'))).toMatch(/unknown time zone/);
  });
});
