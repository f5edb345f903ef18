/**
 * Date and time functions, in UTC (the framework runs Spark with spark.sql.session.timeZone=UTC).
 * Formats use Spark's datetime pattern letters; the subset supported is checked by the type
 * rule so a job never runs with a pattern the engine would read differently.
 */
import { T, isNumeric, typeToString, type DataType } from '../schema/types.ts';
import { LONG_MAX, LONG_MIN, castColumn, decimalText, floorDiv, saturateLong } from './cast.ts';
import { splitMicros, MICROS_PER_DAY, parseTimestampText } from './datetime-text.ts';
import { civilFromDays, daysFromCivil, daysInMonth, formatDate } from '../columnar/calendar.ts';
import { bigintReader, literalArg, mapNary, mapUnary } from './kernel-util.ts';
import type { ArgInfo, ScalarFunction, TypeProblem } from './registry.ts';
import { knownZone, ZoneOffsets } from './time-zones.ts';
import { EtlError, SparkArithmeticError } from '../errors/index.ts';

/** A datetime format the local engine cannot read as Spark does (the analyzer reports it as a type problem of the call). */
class DatetimePatternError extends EtlError {
  override readonly name: string = 'DatetimePatternError';
  readonly phase = 'analysis' as const;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

type Token = { kind: 'field'; letter: string; width: number } | { kind: 'text'; text: string };

/** Splits a Spark datetime pattern into fields and literal text; throws on unsupported letters. */
export function tokenizePattern(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new DatetimePatternError('unclosed quote in the pattern');
      tokens.push({ kind: 'text', text: end === i + 1 ? "'" : pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      if (!'yMdHhmsSaE'.includes(c)) throw new DatetimePatternError(`pattern letter '${c}' is not supported (supported: y M d H h m s S a E)`);
      tokens.push({ kind: 'field', letter: c, width: j - i });
      i = j;
    } else {
      tokens.push({ kind: 'text', text: c });
      i++;
    }
  }
  return tokens;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Monday = 1 ... Sunday = 7 (1970-01-01 was a Thursday). */
function isoDayOfWeek(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

export function formatMicros(micros: bigint, tokens: readonly Token[]): string {
  const [days, tod] = splitMicros(micros);
  const [y, mo, d] = civilFromDays(days);
  const secs = Math.floor(tod / 1e6);
  const h = Math.floor(secs / 3600);
  const mi = Math.floor(secs / 60) % 60;
  const s = secs % 60;
  const frac = tod % 1e6;
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'text') {
      out += t.text;
      continue;
    }
    switch (t.letter) {
      case 'y':
        out += t.width === 2 ? pad(((y % 100) + 100) % 100, 2) : pad(y, t.width);
        break;
      case 'M':
        out += t.width >= 4 ? MONTHS[mo - 1] : t.width === 3 ? MONTHS[mo - 1].slice(0, 3) : pad(mo, t.width);
        break;
      case 'd':
        out += pad(d, t.width);
        break;
      case 'H':
        out += pad(h, t.width);
        break;
      case 'h':
        out += pad(h % 12 === 0 ? 12 : h % 12, t.width);
        break;
      case 'm':
        out += pad(mi, t.width);
        break;
      case 's':
        out += pad(s, t.width);
        break;
      case 'S':
        out += pad(frac, 6).slice(0, t.width).padEnd(t.width, '0');
        break;
      case 'a':
        out += h < 12 ? 'AM' : 'PM';
        break;
      case 'E': {
        const day = DAYS[isoDayOfWeek(days) - 1];
        out += t.width >= 4 ? day : day.slice(0, 3);
        break;
      }
    }
  }
  return out;
}

/** Parses text with a pattern of numeric fields; null when it does not match exactly. */
export function parseWithPattern(text: string, tokens: readonly Token[]): bigint | null {
  let i = 0;
  let y = 1970;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let frac = 0;
  let pm: boolean | null = null;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind === 'text') {
      if (!text.startsWith(t.text, i)) return null;
      i += t.text.length;
      continue;
    }
    if (t.letter === 'a') {
      const ap = text.slice(i, i + 2).toUpperCase();
      if (ap !== 'AM' && ap !== 'PM') return null;
      pm = ap === 'PM';
      i += 2;
      continue;
    }
    if (t.letter === 'E' || (t.letter === 'M' && t.width >= 3)) return null;
    // Adjacent numeric fields need fixed widths; otherwise read as many digits as there are.
    const next = tokens[k + 1];
    const fixed = next?.kind === 'field' ? t.width : t.letter === 'S' ? t.width : undefined;
    let j = i;
    while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57 && (fixed === undefined || j - i < fixed)) j++;
    // Java's DateTimeFormatter: 'yy' is exactly two digits; otherwise a field needs at least as many digits as letters.
    if (j === i || j - i < t.width || (t.letter === 'y' && t.width === 2 && j - i !== 2)) return null;
    const v = Number(text.slice(i, j));
    switch (t.letter) {
      case 'y':
        y = t.width === 2 ? 2000 + v : v;
        break;
      case 'M':
        mo = v;
        break;
      case 'd':
        d = v;
        break;
      case 'H':
      case 'h':
        h = v;
        break;
      case 'm':
        mi = v;
        break;
      case 's':
        s = v;
        break;
      case 'S':
        frac = Number(text.slice(i, j).padEnd(6, '0').slice(0, 6));
        break;
    }
    i = j;
  }
  if (i !== text.length) return null;
  if (pm !== null) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (pm ? 12 : 0);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  return (BigInt(daysFromCivil(y, mo, d)) * 86400n + BigInt(h * 3600 + mi * 60 + s)) * 1_000_000n + BigInt(frac);
}

const patternRule = (a: ArgInfo | undefined): TypeProblem | null => {
  if (a === undefined) return null;
  if (!a.literal || typeof a.literal.value !== 'string') return { problem: 'the format must be a string literal' };
  try {
    tokenizePattern(a.literal.value);
    return null;
  } catch (e) {
    if (!(e instanceof DatetimePatternError)) throw e;
    return { problem: `format '${a.literal.value}': ${e.message}` };
  }
};

const isTemporal = (t: DataType) => t.kind === 'date' || t.kind === 'timestamp' || t.kind === 'string' || t.kind === 'null';
const temporalArg = (a: ArgInfo): TypeProblem | null => (isTemporal(a.type) ? null : { problem: `needs a date, timestamp or string, got ${typeToString(a.type)}` });

/** The argument as timestamps (dates at midnight, strings parsed as Spark casts them). */
const asTimestamp = (c: Parameters<typeof castColumn>[0]) => castColumn(c, T.timestamp);
const asDate = (c: Parameters<typeof castColumn>[0]) => castColumn(c, T.date);

const TRUNC_UNITS = ['year', 'yyyy', 'yy', 'quarter', 'month', 'mon', 'mm', 'week', 'day', 'dd', 'hour', 'minute', 'second'];

function truncate(micros: bigint, unit: string): bigint {
  const [days, tod] = splitMicros(micros);
  const [y, m] = civilFromDays(days);
  const dayStart = BigInt(days) * MICROS_PER_DAY;
  switch (unit) {
    case 'year':
    case 'yyyy':
    case 'yy':
      return BigInt(daysFromCivil(y, 1, 1)) * MICROS_PER_DAY;
    case 'quarter':
      return BigInt(daysFromCivil(y, m - ((m - 1) % 3), 1)) * MICROS_PER_DAY;
    case 'month':
    case 'mon':
    case 'mm':
      return BigInt(daysFromCivil(y, m, 1)) * MICROS_PER_DAY;
    case 'week':
      return BigInt(days - isoDayOfWeek(days) + 1) * MICROS_PER_DAY;
    case 'day':
    case 'dd':
      return dayStart;
    case 'hour':
      return dayStart + BigInt(tod - (tod % 3_600_000_000));
    case 'minute':
      return dayStart + BigInt(tod - (tod % 60_000_000));
    default:
      return dayStart + BigInt(tod - (tod % 1_000_000));
  }
}

/** A field of the time of day; the argument is read as a timestamp (Spark's implicit cast). */
const timePart = (name: string, description: string, f: (micros: bigint) => number): ScalarFunction => ({
  name,
  description,
  arity: [1, 1],
  resolve: ([a]) => temporalArg(a) ?? T.int32,
  kernel: ([a], n) => mapUnary<bigint, number>(asTimestamp(a), T.int32, n, f),
  sql: (a) => `${name}(${a[0]})`,
});

/** A date argument in DuckDB SQL (the oracle): text that is not a date is null there too. */
const duckDate = (sql: string, info: ArgInfo) => (info.type.kind === 'string' ? `TRY_CAST(${sql} AS DATE)` : `CAST(${sql} AS DATE)`);

/** A field of the calendar date; the argument is read as a date (Spark casts strings and timestamps to date). */
const datePart = (name: string, description: string, f: (days: number) => number, duckdb = (date: string) => `${name}(${date})`): ScalarFunction => ({
  name,
  description,
  arity: [1, 1],
  resolve: ([a]) => temporalArg(a) ?? T.int32,
  kernel: ([a], n) => mapUnary<number, number>(asDate(a), T.int32, n, f),
  sql: (a) => `${name}(${a[0]})`,
  dialects: { duckdb: (a, info) => duckdb(duckDate(a[0], info[0])) },
});

// ---- helpers of the calendar functions (add_months, timestampdiff, make_date, ...)

/** unix_micros and friends take a timestamp only: Spark casts neither dates nor text to it there. */
const timestampArg = (a: ArgInfo): TypeProblem | null => (a.type.kind === 'timestamp' || a.type.kind === 'null' ? null : { problem: `must be a timestamp, got ${typeToString(a.type)}` });

const isIntegral = (t: DataType) => t.kind === 'int32' || t.kind === 'int64' || t.kind === 'null';

/** An int or bigint argument; Spark casts it to int (a bigint keeps its low 32 bits, non-ANSI). */
const intRule = (what: string, a: ArgInfo): TypeProblem | null => (isIntegral(a.type) ? null : { problem: `${what} must be an integer, got ${typeToString(a.type)}` });

/** A bigint result Spark computes with Math.*Exact: out of range it fails the query, in any mode. */
function exactLong(v: bigint, call: () => string): bigint {
  if (v < LONG_MIN || v > LONG_MAX) throw new SparkArithmeticError(`${call()}: the result overflows a bigint, where Spark fails with "long overflow"`);
  return v;
}

/** A date (days since 1970-01-01) Spark computes with Math.toIntExact: out of range it fails the query. */
function exactDate(days: number, call: () => string): number {
  if (days < -2147483648 || days > 2147483647) throw new SparkArithmeticError(`${call()}: the date is out of range, where Spark fails with "integer overflow"`);
  return days;
}

/** Days since the epoch of a civil date, or null when there is no such day (Java's LocalDate.of). */
function civilDays(y: number, m: number, d: number): number | null {
  if (Math.abs(y) > 999_999_999 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return daysFromCivil(y, m, d);
}


/** ISO-8601 week number: the week (Monday to Sunday) whose Thursday is in the year is week 1. */
function isoWeek(days: number): number {
  const thursday = days - isoDayOfWeek(days) + 4;
  return Math.floor((thursday - daysFromCivil(civilFromDays(thursday)[0], 1, 1)) / 7) + 1;
}

/** Java's LocalDate.plusMonths: the same day of the month, or the month's last day when it has fewer. */
function addMonths(days: number, months: number): number {
  const [y, m, d] = civilFromDays(days);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return daysFromCivil(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** Spark's day-of-week names for next_day (upper-cased input), as ISO day numbers. */
const WEEKDAYS = new Map(
  ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].flatMap((day, i) => [day.slice(0, 2), day.slice(0, 3), day].map((k) => [k, i + 1] as const)),
);

/** trunc's units (a subset of date_trunc's: none below a week). */
const DATE_TRUNC_UNITS = ['year', 'yyyy', 'yy', 'quarter', 'month', 'mon', 'mm', 'week'];
const DUCK_TRUNC_UNIT: Readonly<Record<string, string>> = { year: 'year', yyyy: 'year', yy: 'year', quarter: 'quarter', month: 'month', mon: 'month', mm: 'month', week: 'week' };

const DIFF_UNITS = ['MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;
type DiffUnit = (typeof DIFF_UNITS)[number];
/** Microseconds in each unit of fixed length (days and weeks too: UTC has no daylight saving). */
const UNIT_MICROS: Partial<Readonly<Record<DiffUnit, bigint>>> = {
  MICROSECOND: 1n, MILLISECOND: 1_000n, SECOND: 1_000_000n, MINUTE: 60_000_000n, HOUR: 3_600_000_000n, DAY: MICROS_PER_DAY, WEEK: 7n * MICROS_PER_DAY,
};
const DUCK_INTERVAL: Readonly<Record<DiffUnit, readonly [fn: string, times: number]>> = {
  MICROSECOND: ['to_microseconds', 1], MILLISECOND: ['to_milliseconds', 1], SECOND: ['to_seconds', 1], MINUTE: ['to_minutes', 1], HOUR: ['to_hours', 1],
  DAY: ['to_days', 1], WEEK: ['to_days', 7], MONTH: ['to_months', 1], QUARTER: ['to_months', 3], YEAR: ['to_months', 12],
};

/** The unit of timestampdiff/timestampadd: in Spark SQL a keyword, so here a literal. */
const unitRule = (u: ArgInfo): TypeProblem | null =>
  u.literal && typeof u.literal.value === 'string' && (DIFF_UNITS as readonly string[]).includes(u.literal.value.toUpperCase()) ? null : { problem: `the unit must be one of ${DIFF_UNITS.join(', ')}` };
const unitName = (u: ArgInfo) => String(u.literal?.value).toUpperCase();

/**
 * Spark's timestampdiff: Java's ChronoUnit.between on the UTC wall-clock times. Units of fixed
 * length divide the difference, truncating toward zero (for days and weeks, Java's moving the end
 * date back a day when its time of day has not reached the start's amounts to the same); months,
 * quarters and years count whole calendar months the same way.
 */
function timestampDiff(unit: DiffUnit, start: bigint, end: bigint): bigint {
  const fixed = UNIT_MICROS[unit];
  if (fixed !== undefined) return (end - start) / fixed;
  const [sd, st] = splitMicros(start);
  let [ed, et] = splitMicros(end);
  if (ed > sd && et < st) ed -= 1;
  else if (ed < sd && et > st) ed += 1;
  // LocalDate.monthsUntil: months and days packed so one truncating division compares both.
  const packed = (days: number) => {
    const [y, m, d] = civilFromDays(days);
    return (y * 12 + m - 1) * 32 + d;
  };
  const months = Math.trunc((packed(ed) - packed(sd)) / 32);
  return BigInt(Math.trunc(months / (unit === 'MONTH' ? 1 : unit === 'QUARTER' ? 3 : 12)));
}

/** Spark's timestampadd: the count is an int (Spark casts a bigint to int, keeping its low 32 bits); out of range it fails the query. */
function timestampAdd(unit: DiffUnit, n: number, ts: bigint): bigint {
  const fail = (what: string) => new SparkArithmeticError(`timestampadd(${unit}, ${n}, ...): ${what}, where Spark fails with DATETIME_OVERFLOW`);
  let micros: bigint;
  const fixed = unit === 'DAY' || unit === 'WEEK' ? undefined : UNIT_MICROS[unit];
  if (fixed !== undefined) micros = ts + BigInt(n) * fixed;
  else {
    // Days, weeks and months are added to the date (an int count, multiplied exactly), keeping the time of day.
    const scaled = n * (unit === 'WEEK' ? 7 : unit === 'QUARTER' ? 3 : unit === 'YEAR' ? 12 : 1);
    if (scaled < -2147483648 || scaled > 2147483647) throw fail('the count overflows an int');
    const [days, tod] = splitMicros(ts);
    micros = BigInt(unit === 'DAY' || unit === 'WEEK' ? days + scaled : addMonths(days, scaled)) * MICROS_PER_DAY + BigInt(tod);
  }
  if (micros < LONG_MIN || micros > LONG_MAX) throw fail('the result is out of range');
  return micros;
}

/** make_timestamp's seconds, as Spark reads them. */
const SECONDS_TYPE = T.decimal(16, 6);

const zoneRule = (z: ArgInfo): TypeProblem | null => {
  if (!z.literal || typeof z.literal.value !== 'string') return { problem: "the time zone must be a string literal, an IANA name such as 'Europe/Paris'" };
  return knownZone(z.literal.value) === null ? { problem: `unknown time zone '${z.literal.value}': use an IANA name such as 'Europe/Paris', 'America/New_York' or 'UTC' (names are case-sensitive)` } : null;
};

const DEFAULT_FORMAT = 'yyyy-MM-dd HH:mm:ss';

export const datetime: ScalarFunction[] = [
  {
    name: 'to_date',
    description: 'to_date(x [, format]): a date from a timestamp or string (null when it does not parse)',
    arity: [1, 2],
    resolve: ([a, f]) => temporalArg(a) ?? patternRule(f) ?? T.date,
    kernel: ([a, f], n) => {
      if (!f) return asDate(a);
      const tokens = tokenizePattern(literalArg<string>(f) ?? '');
      const parsed = mapUnary<string, bigint>(castColumn(a, T.string), T.timestamp, n, (s) => parseWithPattern(s, tokens));
      return asDate(parsed);
    },
    sql: (a) => `to_date(${a.join(', ')})`,
    dialects: { duckdb: (a, info) => (a.length === 2 ? `CAST(try_strptime(${a[0]}, ${duckFormat(info[1])}) AS DATE)` : info[0].type.kind === 'string' ? `TRY_CAST(${a[0]} AS DATE)` : `CAST(${a[0]} AS DATE)`) },
  },
  {
    name: 'to_timestamp',
    description: 'to_timestamp(s [, format]): a timestamp from a string (null when it does not parse)',
    arity: [1, 2],
    resolve: ([a, f]) => temporalArg(a) ?? patternRule(f) ?? T.timestamp,
    kernel: ([a, f], n) => {
      if (!f) return a.type.kind === 'string' ? mapUnary<string, bigint>(a, T.timestamp, n, parseTimestampText) : asTimestamp(a);
      const tokens = tokenizePattern(literalArg<string>(f) ?? '');
      return mapUnary<string, bigint>(castColumn(a, T.string), T.timestamp, n, (s) => parseWithPattern(s, tokens));
    },
    sql: (a) => `to_timestamp(${a.join(', ')})`,
    dialects: { duckdb: (a, info) => (a.length === 2 ? `CAST(try_strptime(${a[0]}, ${duckFormat(info[1])}) AS TIMESTAMPTZ)` : info[0].type.kind === 'string' ? `TRY_CAST(${a[0]} AS TIMESTAMPTZ)` : `CAST(${a[0]} AS TIMESTAMPTZ)`) },
  },
  {
    name: 'date_trunc',
    description: "date_trunc(unit, ts): 'year', 'quarter', 'month', 'week', 'day', 'hour', 'minute' or 'second'",
    arity: [2, 2],
    resolve: ([u, a]) => {
      if (!u.literal || typeof u.literal.value !== 'string' || !TRUNC_UNITS.includes(u.literal.value.toLowerCase())) {
        return { problem: `the unit must be one of ${TRUNC_UNITS.join(', ')}` };
      }
      return temporalArg(a) ?? T.timestamp;
    },
    kernel: ([u, a], n) => {
      const unit = (literalArg<string>(u) ?? 'day').toLowerCase();
      return mapUnary<bigint, bigint>(asTimestamp(a), T.timestamp, n, (v) => truncate(v, unit));
    },
    sql: (a) => `date_trunc(${a[0]}, ${a[1]})`,
    dialects: { duckdb: (a) => `date_trunc(${a[0]}, CAST(${a[1]} AS TIMESTAMPTZ))` },
  },
  {
    name: 'date_format',
    description: "date_format(ts, pattern): text in a Spark datetime pattern such as 'yyyy-MM-dd HH:mm'",
    arity: [2, 2],
    resolve: ([a, f]) => temporalArg(a) ?? patternRule(f) ?? T.string,
    kernel: ([a, f], n) => {
      const tokens = tokenizePattern(literalArg<string>(f) ?? '');
      return mapUnary<bigint, string>(asTimestamp(a), T.string, n, (v) => formatMicros(v, tokens));
    },
    sql: (a) => `date_format(${a[0]}, ${a[1]})`,
    dialects: { duckdb: (a, info) => `strftime(CAST(${a[0]} AS TIMESTAMP), ${duckFormat(info[1])})` },
  },
  ...(['date_add', 'date_sub'] as const).map(
    (name): ScalarFunction => ({
      name,
      description: `${name}(date, days): the date ${name === 'date_add' ? 'after' : 'before'} so many days`,
      arity: [2, 2],
      resolve: ([a, k]) => temporalArg(a) ?? (k.type.kind === 'int32' || k.type.kind === 'null' ? T.date : { problem: `the number of days must be an int, got ${typeToString(k.type)}` }),
      kernel: ([a, k], n) => {
        const dates = asDate(a);
        const dd = dates.data as Int32Array;
        const kd = k.data as Int32Array;
        const sign = name === 'date_add' ? 1 : -1;
        return mapNary([dates, k], T.date, n, (i) => (dd[i] + sign * kd[i]) | 0);
      },
      sql: (a) => `${name}(${a[0]}, ${a[1]})`,
      dialects: { duckdb: (a) => `CAST(CAST(${a[0]} AS DATE) ${name === 'date_add' ? '+' : '-'} CAST(${a[1]} AS INTEGER) AS DATE)` },
    }),
  ),
  {
    name: 'datediff',
    description: 'datediff(end, start): days from start to end',
    arity: [2, 2],
    resolve: ([a, b]) => temporalArg(a) ?? temporalArg(b) ?? T.int32,
    kernel: ([a, b], n) => {
      const x = asDate(a);
      const y = asDate(b);
      const xd = x.data as Int32Array;
      const yd = y.data as Int32Array;
      return mapNary([x, y], T.int32, n, (i) => xd[i] - yd[i]);
    },
    sql: (a) => `datediff(${a[0]}, ${a[1]})`,
    dialects: { duckdb: (a) => `CAST(CAST(${a[0]} AS DATE) - CAST(${a[1]} AS DATE) AS INTEGER)` },
  },
  datePart('year', 'the year', (d) => civilFromDays(d)[0]),
  datePart('month', 'the month, 1 to 12', (d) => civilFromDays(d)[1]),
  datePart('dayofmonth', 'the day of the month', (d) => civilFromDays(d)[2]),
  timePart('hour', 'the hour, 0 to 23 (UTC)', (v) => Math.floor(splitMicros(v)[1] / 3_600_000_000)),
  timePart('minute', 'the minute, 0 to 59', (v) => Math.floor(splitMicros(v)[1] / 60_000_000) % 60),
  timePart('second', 'the second, 0 to 59', (v) => Math.floor(splitMicros(v)[1] / 1_000_000) % 60),
  {
    name: 'unix_timestamp',
    description: "unix_timestamp(x [, format]): whole seconds since 1970-01-01 UTC (bigint, truncated toward zero); strings are parsed with the format, by default 'yyyy-MM-dd HH:mm:ss'",
    arity: [1, 2],
    resolve: ([a, f]) => temporalArg(a) ?? patternRule(f) ?? T.int64,
    kernel: ([a, f], n) => {
      let micros = a;
      if (a.type.kind === 'string') {
        const tokens = tokenizePattern(f ? (literalArg<string>(f) ?? '') : DEFAULT_FORMAT);
        micros = mapUnary<string, bigint>(a, T.timestamp, n, (s) => parseWithPattern(s, tokens));
      }
      // Spark divides here, truncating toward zero (23:59:59.5 on 1969-12-31 is 0); unix_seconds rounds down.
      return mapUnary<bigint, bigint>(asTimestamp(micros), T.int64, n, (v) => v / 1_000_000n);
    },
    sql: (a) => `unix_timestamp(${a.join(', ')})`,
    dialects: {
      duckdb: (a, info) => {
        const ts = info[0].type.kind === 'string' ? `try_strptime(${a[0]}, ${duckFormat(info[1] ?? { type: T.string, literal: { value: DEFAULT_FORMAT } })})` : a[0];
        return `CAST(trunc(epoch(CAST(${ts} AS TIMESTAMPTZ))) AS BIGINT)`;
      },
    },
  },
  {
    name: 'from_unixtime',
    description: "from_unixtime(seconds [, format]): text, by default 'yyyy-MM-dd HH:mm:ss' (UTC)",
    arity: [1, 2],
    resolve: ([a, f]) => (a.type.kind === 'int32' || a.type.kind === 'int64' || a.type.kind === 'null' ? (patternRule(f) ?? T.string) : { problem: `needs seconds as an integer, got ${typeToString(a.type)}` }),
    kernel: ([a, f], n) => {
      const tokens = tokenizePattern(f ? (literalArg<string>(f) ?? '') : 'yyyy-MM-dd HH:mm:ss');
      const read = bigintReader(a);
      return mapNary([a], T.string, n, (i) => formatMicros(read(i) * 1_000_000n, tokens));
    },
    sql: (a) => `from_unixtime(${a.join(', ')})`,
    dialects: { duckdb: (a, info) => `strftime(make_timestamp(CAST(${a[0]} AS BIGINT) * 1000000), ${info[1] ? duckFormat(info[1]) : "'%Y-%m-%d %H:%M:%S'"})` },
  },
  datePart('quarter', 'the quarter of the year, 1 to 4', (d) => Math.ceil(civilFromDays(d)[1] / 3)),
  datePart('dayofweek', 'the day of the week, 1 = Sunday to 7 = Saturday', (d) => isoDayOfWeek(d) % 7 + 1, (date) => `(dayofweek(${date}) + 1)`),
  datePart('dayofyear', 'the day of the year, 1 to 366', (d) => d - daysFromCivil(civilFromDays(d)[0], 1, 1) + 1),
  datePart('weekofyear', 'the ISO week of the year, 1 to 53 (weeks start on Monday; week 1 has the first Thursday)', isoWeek),
  ...(
    [
      ['unix_micros', 1n, 'microseconds'],
      ['unix_millis', 1_000n, 'milliseconds'],
      ['unix_seconds', 1_000_000n, 'seconds'],
    ] as const
  ).map(
    ([name, per, unit]): ScalarFunction => ({
      name,
      description: `${name}(ts): ${unit} since 1970-01-01 UTC (bigint${per > 1n ? ', rounded down' : ''})`,
      arity: [1, 1],
      resolve: ([a]) => timestampArg(a) ?? T.int64,
      kernel: ([a], n) => mapUnary<bigint, bigint>(asTimestamp(a), T.int64, n, (v) => floorDiv(v, per)),
      sql: (a) => `${name}(${a[0]})`,
      dialects: { duckdb: (a) => (per === 1n ? `epoch_us(${a[0]})` : `CAST(floor(epoch_us(${a[0]}) / ${per}) AS BIGINT)`) },
    }),
  ),
  ...(
    [
      ['timestamp_micros', 1n, 'microseconds'],
      ['timestamp_millis', 1_000n, 'milliseconds'],
    ] as const
  ).map(
    ([name, per, unit]): ScalarFunction => ({
      name,
      description: `${name}(n): the timestamp n ${unit} after 1970-01-01 UTC (n an integer)`,
      arity: [1, 1],
      resolve: ([a]) => (isIntegral(a.type) ? T.timestamp : { problem: `needs an integer, got ${typeToString(a.type)}` }),
      kernel: ([a], n) => {
        const read = bigintReader(a);
        return mapNary([a], T.timestamp, n, (i) => exactLong(read(i) * per, () => `${name}(${read(i)})`));
      },
      sql: (a) => `${name}(${a[0]})`,
      dialects: { duckdb: (a) => `make_timestamp(CAST(${a[0]} AS BIGINT)${per === 1n ? '' : ` * ${per}`})` },
    }),
  ),
  {
    name: 'timestamp_seconds',
    description: 'timestamp_seconds(n): the timestamp n seconds after 1970-01-01 UTC (a number; fractions to the microsecond)',
    arity: [1, 1],
    resolve: ([a]) => (isNumeric(a.type) || a.type.kind === 'null' ? T.timestamp : { problem: `needs a number, got ${typeToString(a.type)}` }),
    kernel: ([a], n) => {
      const t = a.type;
      if (t.kind === 'float32' || t.kind === 'float64') {
        // Java's (seconds * 1e6).toLong: truncated and saturated; NaN and infinities are null.
        return mapUnary<number, bigint>(a, T.timestamp, n, (v) => (Number.isFinite(v) ? saturateLong(v * 1e6) : null));
      }
      if (t.kind === 'decimal') {
        // BigDecimal.longValueExact: a fraction below the microsecond fails in Spark ("Rounding necessary").
        const unit = 10n ** BigInt(Math.abs(t.scale - 6));
        return mapUnary<bigint, bigint>(a, T.timestamp, n, (u) => {
          if (t.scale <= 6) return exactLong(u * unit, () => `timestamp_seconds(${decimalText(u, t.scale)})`);
          if (u % unit !== 0n) throw new SparkArithmeticError(`timestamp_seconds(${decimalText(u, t.scale)}): Spark fails with "Rounding necessary" on a fraction below the microsecond`, 'round the seconds to 6 decimals first');
          return u / unit;
        });
      }
      const read = bigintReader(a);
      return mapNary([a], T.timestamp, n, (i) => exactLong(read(i) * 1_000_000n, () => `timestamp_seconds(${read(i)})`));
    },
    sql: (a) => `timestamp_seconds(${a[0]})`,
    dialects: {
      duckdb: (a, info) =>
        isIntegral(info[0].type)
          ? `make_timestamp(CAST(${a[0]} AS BIGINT) * 1000000)`
          : `CASE WHEN isfinite(CAST(${a[0]} AS DOUBLE)) THEN make_timestamp(CAST(trunc(${a[0]} * 1000000) AS BIGINT)) END`,
    },
  },
  {
    name: 'timestampdiff',
    description: `timestampdiff(unit, start, end): whole units from start to end (bigint, truncated toward zero); unit one of ${DIFF_UNITS.join(', ')}`,
    arity: [3, 3],
    resolve: ([u, a, b]) => unitRule(u) ?? temporalArg(a) ?? temporalArg(b) ?? T.int64,
    kernel: ([u, a, b], n) => {
      const unit = (literalArg<string>(u) ?? '').toUpperCase() as DiffUnit;
      const x = asTimestamp(a);
      const y = asTimestamp(b);
      const xd = x.data as BigInt64Array;
      const yd = y.data as BigInt64Array;
      return mapNary([x, y], T.int64, n, (i) => exactLong(timestampDiff(unit, xd[i], yd[i]), () => `timestampdiff(${unit}, ...)`));
    },
    sql: (a, info) => `timestampdiff(${unitName(info[0])}, ${a[1]}, ${a[2]})`,
    dialects: {
      duckdb: (a, info) => {
        const unit = unitName(info[0]) as DiffUnit;
        const [start, end] = [a[1], a[2]].map((x) => `CAST(${x} AS TIMESTAMPTZ)`);
        // DuckDB's integer // truncates toward zero, as Java's division does.
        const fixed = UNIT_MICROS[unit];
        return fixed !== undefined ? `((epoch_us(${end}) - epoch_us(${start})) // ${fixed})` : `date_sub('${unit.toLowerCase()}', ${start}, ${end})`;
      },
    },
  },
  {
    name: 'timestampadd',
    description: `timestampadd(unit, n, ts): ts plus n units (months clamp to the month's end); unit one of ${DIFF_UNITS.join(', ')}`,
    arity: [3, 3],
    resolve: ([u, k, a]) => unitRule(u) ?? intRule('the number of units', k) ?? temporalArg(a) ?? T.timestamp,
    kernel: ([u, k, a], n) => {
      const unit = (literalArg<string>(u) ?? '').toUpperCase() as DiffUnit;
      const x = asTimestamp(a);
      const xd = x.data as BigInt64Array;
      const counts = castColumn(k, T.int32);
      const cd = counts.data as Int32Array;
      return mapNary([x, counts], T.timestamp, n, (i) => timestampAdd(unit, cd[i], xd[i]));
    },
    sql: (a, info) => `timestampadd(${unitName(info[0])}, ${a[1]}, ${a[2]})`,
    dialects: {
      duckdb: (a, info) => {
        const unit = unitName(info[0]) as DiffUnit;
        const [fn, times] = DUCK_INTERVAL[unit];
        return `(CAST(${a[2]} AS TIMESTAMPTZ) + ${fn}(CAST(${a[1]} AS BIGINT)${times === 1 ? '' : ` * ${times}`}))`;
      },
    },
  },
  {
    name: 'add_months',
    description: 'add_months(date, n): the date n months later (a day past the new month\'s end becomes its last day)',
    arity: [2, 2],
    resolve: ([a, k]) => temporalArg(a) ?? intRule('the number of months', k) ?? T.date,
    kernel: ([a, k], n) => {
      const dates = asDate(a);
      const months = castColumn(k, T.int32);
      const dd = dates.data as Int32Array;
      const md = months.data as Int32Array;
      return mapNary([dates, months], T.date, n, (i) => exactDate(addMonths(dd[i], md[i]), () => `add_months(${formatDate(dd[i])}, ${md[i]})`));
    },
    sql: (a) => `add_months(${a[0]}, ${a[1]})`,
    dialects: { duckdb: (a, info) => `CAST(${duckDate(a[0], info[0])} + to_months(CAST(${a[1]} AS INTEGER)) AS DATE)` },
  },
  {
    name: 'last_day',
    description: 'last_day(date): the last day of the date\'s month',
    arity: [1, 1],
    resolve: ([a]) => temporalArg(a) ?? T.date,
    kernel: ([a], n) =>
      mapUnary<number, number>(asDate(a), T.date, n, (d) => {
        const [y, m, day] = civilFromDays(d);
        return d + daysInMonth(y, m) - day;
      }),
    sql: (a) => `last_day(${a[0]})`,
    dialects: { duckdb: (a, info) => `last_day(${duckDate(a[0], info[0])})` },
  },
  {
    name: 'next_day',
    description: "next_day(date, day): the first date after `date` that falls on `day` ('Mon', 'MO' or 'Monday', any case; null for other text)",
    arity: [2, 2],
    resolve: ([a, w]) => temporalArg(a) ?? (w.type.kind === 'string' || w.type.kind === 'null' ? T.date : { problem: `the day of the week must be a string such as 'Mon', got ${typeToString(w.type)}` }),
    kernel: ([a, w], n) => {
      const dates = asDate(a);
      const dd = dates.data as Int32Array;
      const wd = w.data as ArrayLike<string>;
      return mapNary([dates, w], T.date, n, (i) => {
        const target = WEEKDAYS.get(wd[i].toUpperCase());
        return target === undefined ? null : dd[i] + ((target - isoDayOfWeek(dd[i]) + 6) % 7) + 1;
      });
    },
    sql: (a) => `next_day(${a[0]}, ${a[1]})`,
    dialects: {
      duckdb: (a, info) => {
        const date = duckDate(a[0], info[0]);
        const target = `CASE ${[...WEEKDAYS].map(([k, v]) => `WHEN upper(${a[1]}) = '${k}' THEN ${v}`).join(' ')} END`;
        return `CAST(${date} + CAST((${target} - isodow(${date}) + 6) % 7 + 1 AS INTEGER) AS DATE)`;
      },
    },
  },
  {
    name: 'trunc',
    description: `trunc(date, unit): the date truncated to ${DATE_TRUNC_UNITS.join(', ')} (weeks start on Monday)`,
    arity: [2, 2],
    resolve: ([a, u]) => {
      // Spark gives null for another unit (even 'day'); as a literal it is certainly a mistake.
      if (!u.literal || typeof u.literal.value !== 'string' || !DATE_TRUNC_UNITS.includes(u.literal.value.toLowerCase())) {
        return { problem: `the unit must be one of ${DATE_TRUNC_UNITS.join(', ')} (to drop the time of a timestamp, use to_date)` };
      }
      return temporalArg(a) ?? T.date;
    },
    kernel: ([a, u], n) => {
      const unit = (literalArg<string>(u) ?? '').toLowerCase();
      return mapUnary<number, number>(asDate(a), T.date, n, (d) => Number(truncate(BigInt(d) * MICROS_PER_DAY, unit) / MICROS_PER_DAY));
    },
    sql: (a) => `trunc(${a[0]}, ${a[1]})`,
    dialects: { duckdb: (a, info) => `CAST(date_trunc('${DUCK_TRUNC_UNIT[String(info[1].literal?.value).toLowerCase()]}', ${duckDate(a[0], info[0])}) AS DATE)` },
  },
  {
    name: 'make_date',
    description: 'make_date(year, month, day): a date; null when there is no such day',
    arity: [3, 3],
    resolve: ([y, m, d]) => intRule('the year', y) ?? intRule('the month', m) ?? intRule('the day', d) ?? T.date,
    kernel: (args, n) => {
      const [y, m, d] = args.map((c) => castColumn(c, T.int32).data as Int32Array);
      return mapNary(args, T.date, n, (i) => {
        const days = civilDays(y[i], m[i], d[i]);
        return days === null ? null : exactDate(days, () => `make_date(${y[i]}, ${m[i]}, ${d[i]})`);
      });
    },
    sql: (a) => `make_date(${a.join(', ')})`,
    dialects: { duckdb: (a) => `try(make_date(${a.map((x) => `CAST(${x} AS BIGINT)`).join(', ')}))` },
  },
  {
    name: 'make_timestamp',
    description: 'make_timestamp(year, month, day, hour, minute, second): a UTC timestamp; seconds may have a fraction (to the microsecond) and may be 60 (the next minute); null when invalid',
    arity: [6, 6],
    resolve: (args) =>
      ['the year', 'the month', 'the day', 'the hour', 'the minute'].map((what, i) => intRule(what, args[i])).find((p) => p !== null) ??
      (isNumeric(args[5].type) || args[5].type.kind === 'null' ? T.timestamp : { problem: `the seconds must be a number, got ${typeToString(args[5].type)}` }),
    kernel: (args, n) => {
      const [y, mo, d, h, mi] = args.slice(0, 5).map((c) => castColumn(c, T.int32).data as Int32Array);
      // Spark reads the seconds as decimal(16,6) (rounding a double HALF_UP; null when it does not fit).
      const sec = castColumn(args[5], SECONDS_TYPE);
      const sd = sec.data as ArrayLike<bigint>;
      return mapNary([...args.slice(0, 5), sec], T.timestamp, n, (i) => {
        let s = Number(floorDiv(sd[i], 1_000_000n));
        let minutes = mi[i];
        const frac = sd[i] - BigInt(s) * 1_000_000n;
        // 60 seconds with no fraction is the next minute (PostgreSQL's reading, which Spark keeps).
        if (s === 60 && frac === 0n && minutes >= 0 && minutes <= 59) {
          s = 0;
          minutes += 1;
        }
        if (s < 0 || s > 59 || h[i] < 0 || h[i] > 23 || mi[i] < 0 || mi[i] > 59) return null;
        const days = civilDays(y[i], mo[i], d[i]);
        if (days === null) return null;
        const micros = (BigInt(days) * 86_400n + BigInt(h[i] * 3600 + minutes * 60 + s)) * 1_000_000n + frac;
        return exactLong(micros, () => `make_timestamp(${y[i]}, ...)`);
      });
    },
    sql: (a) => `make_timestamp(${a.join(', ')})`,
    dialects: { duckdb: (a) => `try(make_timestamp(${a.slice(0, 5).map((x) => `CAST(${x} AS BIGINT)`).join(', ')}, CAST(${a[5]} AS DOUBLE)))` },
  },
  ...(['from_utc_timestamp', 'to_utc_timestamp'] as const).map(
    (name): ScalarFunction => ({
      name,
      description:
        name === 'from_utc_timestamp'
          ? "from_utc_timestamp(ts, zone): the wall-clock time in an IANA zone (e.g. 'Europe/Paris') at a UTC time, as a timestamp"
          : "to_utc_timestamp(ts, zone): the UTC time of a wall-clock time in an IANA zone (e.g. 'Europe/Paris'); in a gap it moves forward, in an overlap it takes the earlier offset",
      arity: [2, 2],
      resolve: ([a, z]) => temporalArg(a) ?? zoneRule(z) ?? T.timestamp,
      kernel: ([a, z], n) => {
        const zone = new ZoneOffsets(literalArg<string>(z) ?? 'UTC');
        const convert = name === 'from_utc_timestamp' ? (v: bigint) => zone.fromUtc(v) : (v: bigint) => zone.toUtc(v);
        const ts = asTimestamp(a);
        const td = ts.data as BigInt64Array;
        return mapNary([ts, z], T.timestamp, n, (i) => convert(td[i]));
      },
      sql: (a) => `${name}(${a[0]}, ${a[1]})`,
      dialects: { duckdb: (a) => (name === 'from_utc_timestamp' ? `timezone(${a[1]}, CAST(${a[0]} AS TIMESTAMPTZ))` : `timezone(${a[1]}, CAST(${a[0]} AS TIMESTAMP))`) },
    }),
  ),
];

/** A Spark pattern as a strftime format, for the DuckDB oracle. */
function duckFormat(arg: ArgInfo | undefined): string {
  const map: Record<string, string> = {
    y: '%Y', yyy: '%Y', yyyy: '%Y', yy: '%y', MM: '%m', M: '%-m', MMM: '%b', MMMM: '%B', dd: '%d', d: '%-d', HH: '%H', H: '%-H', hh: '%I', h: '%-I',
    mm: '%M', m: '%-M', ss: '%S', s: '%-S', a: '%p', E: '%a', EE: '%a', EEE: '%a', EEEE: '%A', SSS: '%g', SSSSSS: '%f',
  };
  const tokens = tokenizePattern(String(arg?.literal?.value ?? ''));
  const f = tokens.map((t) => (t.kind === 'text' ? t.text.replace(/%/g, '%%') : (map[t.letter.repeat(t.width)] ?? '%?'))).join('');
  return `'${f.replace(/'/g, "''")}'`;
}

