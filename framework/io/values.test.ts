import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseBoolean, parseDate, parseDecimal, parseFloat64, parseInt32, parseInt64, parseTimestamp } from './values.ts';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => BigInt(Date.UTC(y, mo - 1, d, h, mi, s)) * 1000n;

describe('timestamps', () => {
  const ok: [string, bigint][] = [
    ['2026-11-01T10:00:00Z', utc(2026, 11, 1, 10)],
    ['2026-11-01t10:00:00z', utc(2026, 11, 1, 10)],
    ['2026-11-01 10:00:00', utc(2026, 11, 1, 10)], // no zone: UTC
    ['2026-11-01T10:00', utc(2026, 11, 1, 10)],
    ['2026-11-01T10:00:00+02:00', utc(2026, 11, 1, 8)],
    ['2026-11-01T10:00:00-0530', utc(2026, 11, 1, 15, 30)],
    ['2026-11-01T10:00:00+02', utc(2026, 11, 1, 8)],
    ['2026-11-01T00:30:00+01:00', utc(2026, 10, 31, 23, 30)],
    ['2026-11-01T10:00:00.5Z', utc(2026, 11, 1, 10) + 500_000n],
    ['2026-11-01T10:00:00.123456Z', utc(2026, 11, 1, 10) + 123_456n],
    // nanoseconds: truncated to the microsecond (toward the past)
    ['2026-11-01T10:00:00.123456999Z', utc(2026, 11, 1, 10) + 123_456n],
    ['1969-12-31T23:59:59.9999999Z', -1n],
    ['1900-01-01T00:00:00Z', utc(1900, 1, 1)],
    ['2024-02-29T12:00:00Z', utc(2024, 2, 29, 12)],
    ['9999-12-31T23:59:59.999999Z', utc(9999, 12, 31, 23, 59, 59) + 999_999n],
    ['0001-01-01T00:00:00Z', -62135596800000000n],
  ];
  for (const [text, micros] of ok) it(`parses ${text}`, () => expect(parseTimestamp(text)).toBe(micros));

  const bad: [string, RegExp][] = [
    ['2026-02-30T00:00:00Z', /not a valid timestamp: February 2026 has no day 30/],
    ['2025-02-29T00:00:00Z', /February 2025 has no day 29/],
    ['2026-13-01T00:00:00Z', /month 13 does not exist/],
    ['2026-11-01T24:00:00Z', /hour 24 is out of range 0-23 \(write 00:00 of the next day\)/],
    ['2026-11-01T10:60:00Z', /minute 60 is out of range/],
    ['2026-12-31T23:59:60Z', /second 60 is out of range 0-59 \(leap seconds/],
    ['2026-11-01T10:00:00+19:00', /offset \+19:00 is beyond ±18:00/],
    ['2026-11-01', /a date without a time of day/],
    ['2026-11-01T10:00:00.1234567890Z', /more than 9 fractional digits/],
    ['11/01/2026 10:00', /is not an ISO-8601 timestamp/],
    ['2026-11-01T10:00:00 Z', /is not an ISO-8601 timestamp/],
    [' 2026-11-01T10:00:00Z', /is not an ISO-8601 timestamp/],
    ['2026-1-01T10:00:00Z', /is not an ISO-8601 timestamp/],
    ['', /is not an ISO-8601 timestamp/],
  ];
  for (const [text, reason] of bad) it(`refuses ${JSON.stringify(text)}`, () => expect(parseTimestamp(text)).toMatch(reason));

  it('formats as Spark casts to string (and names partition folders)', () => {
    expect(formatTimestamp(utc(2026, 11, 1, 10))).toBe('2026-11-01 10:00:00');
    expect(formatTimestamp(utc(2026, 11, 1, 10) + 500_000n)).toBe('2026-11-01 10:00:00.5');
    expect(formatTimestamp(utc(2026, 11, 1, 10) + 123_456n)).toBe('2026-11-01 10:00:00.123456');
    expect(formatTimestamp(-1n)).toBe('1969-12-31 23:59:59.999999');
  });
});

describe('dates', () => {
  it('parses yyyy-MM-dd to days', () => {
    expect(parseDate('1970-01-01')).toBe(0);
    expect(parseDate('2026-11-01')).toBe(Date.UTC(2026, 10, 1) / 86_400_000);
    expect(parseDate('1969-12-31')).toBe(-1);
    expect(parseDate('2000-02-29')).toBe(Date.UTC(2000, 1, 29) / 86_400_000);
  });
  it('refuses impossible and other shapes', () => {
    expect(parseDate('2026-11-31')).toBe('"2026-11-31" is not a valid date: November 2026 has no day 31');
    expect(parseDate('1900-02-29')).toMatch(/February 1900 has no day 29/);
    expect(parseDate('2026-00-10')).toMatch(/month 0 does not exist/);
    expect(parseDate('2026-11-01T00:00:00Z')).toMatch(/not a date \(expected yyyy-MM-dd\)/);
    expect(parseDate('20261101')).toMatch(/not a date/);
  });
});

describe('numbers and booleans', () => {
  it('int32 range', () => {
    expect(parseInt32('2147483647')).toBe(2147483647);
    expect(parseInt32('-2147483648')).toBe(-2147483648);
    expect(parseInt32('2147483648')).toMatch(/out of the int range/);
    expect(parseInt32('1.0')).toBe('expected int, got a fractional number 1.0');
    expect(parseInt32(' 1')).toMatch(/spaces around the digits/);
    expect(parseInt32('x')).toBe('expected int, got "x"');
  });
  it('int64 exact from the digits', () => {
    expect(parseInt64('9007199254740993')).toBe(9007199254740993n);
    expect(parseInt64('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseInt64('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseInt64('9223372036854775808')).toMatch(/out of the bigint range/);
    expect(parseInt64('1e3')).toMatch(/fractional number/);
    expect(parseInt64('+7')).toBe(7n);
  });
  it('decimals exactly, HALF_UP, within precision', () => {
    expect(parseDecimal('12.345', 10, 2)).toBe(1235n);
    expect(parseDecimal('-12.345', 10, 2)).toBe(-1235n);
    expect(parseDecimal('12.344', 10, 2)).toBe(1234n);
    expect(parseDecimal('0.1', 18, 17)).toBe(10_000_000_000_000_000n);
    expect(parseDecimal('1e2', 5, 2)).toBe(10000n);
    expect(parseDecimal('1.5E-1', 5, 2)).toBe(15n);
    expect(parseDecimal('.5', 5, 0)).toBe(1n);
    expect(parseDecimal('99999999.99', 10, 2)).toBe(9999999999n);
    expect(parseDecimal('99999999.995', 10, 2)).toMatch(/does not fit decimal\(10,2\)/);
    expect(parseDecimal('123456789', 10, 2)).toMatch(/does not fit/);
    expect(parseDecimal('0.000', 3, 3)).toBe(0n);
    expect(parseDecimal('1,5', 5, 2)).toMatch(/expected decimal\(5,2\)/);
  });
  it('doubles and booleans', () => {
    expect(parseFloat64('1.5e3')).toBe(1500);
    expect(parseFloat64('-Inf')).toBe(-Infinity);
    expect(Number.isNaN(parseFloat64('NaN'))).toBe(true);
    expect(parseFloat64('1.5x')).toMatch(/expected double/);
    expect(parseBoolean('true')).toBe(1);
    expect(parseBoolean('False')).toMatch(/expected boolean/);
    expect(parseBoolean('False', true)).toBe(0);
  });
});
