/**
 * Date and time functions, in UTC (the framework runs Spark with spark.sql.session.timeZone=UTC).
 * Formats use Spark's datetime pattern letters; the subset supported is checked by the type
 * rule so a job never runs with a pattern the engine would read differently.
 */
import { T, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { splitMicros, MICROS_PER_DAY, parseTimestampText } from './datetime-text.ts';
import { civilFromDays, daysFromCivil, daysInMonth } from '../columnar/calendar.ts';
import { bigintReader, literalArg, mapNary, mapUnary } from './kernel-util.ts';
import type { ArgInfo, ScalarFunction, TypeProblem } from './registry.ts';
import { EtlError } from '../errors/index.ts';

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
        const dow = (((days + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
        out += t.width >= 4 ? DAYS[dow] : DAYS[dow].slice(0, 3);
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
    case 'week': {
      const dow = (((days + 3) % 7) + 7) % 7; // Monday = 0
      return BigInt(days - dow) * MICROS_PER_DAY;
    }
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

/** A field of the calendar date; the argument is read as a date (Spark casts strings and timestamps to date). */
const datePart = (name: string, description: string, f: (days: number) => number): ScalarFunction => ({
  name,
  description,
  arity: [1, 1],
  resolve: ([a]) => temporalArg(a) ?? T.int32,
  kernel: ([a], n) => mapUnary<number, number>(asDate(a), T.int32, n, f),
  sql: (a) => `${name}(${a[0]})`,
  dialects: { duckdb: (a, info) => `${name}(${info[0].type.kind === 'string' ? `TRY_CAST(${a[0]} AS DATE)` : a[0]})` },
});

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
    description: "unix_timestamp(x [, format]): seconds since 1970-01-01 UTC (bigint); strings are parsed with the format, by default 'yyyy-MM-dd HH:mm:ss'",
    arity: [1, 2],
    resolve: ([a, f]) => temporalArg(a) ?? patternRule(f) ?? T.int64,
    kernel: ([a, f], n) => {
      let micros = a;
      if (a.type.kind === 'string') {
        const tokens = tokenizePattern(f ? (literalArg<string>(f) ?? '') : DEFAULT_FORMAT);
        micros = mapUnary<string, bigint>(a, T.timestamp, n, (s) => parseWithPattern(s, tokens));
      }
      // Spark divides the microseconds as a Java long: toward zero (1969-12-31 23:59:59.5 is 0, not -1).
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

