/**
 * Free functions of the DSL, named as in Spark SQL. As in PySpark's functions API, a string in
 * a column position names a column (`lower('country')`); use `lit('text')` for a string value.
 * Patterns, formats and units are always literal. Each builds a `call`, `aggregate` or
 * `window` node naming a registry entry; the registry (framework/functions) defines what they mean.
 */
import { ExprNode } from '../plan/expr.ts';
import type { z } from 'zod';
import { sparkDialect } from '../compile/sql/dialect.ts';
import type { DataType } from '../schema/types.ts';
import { fromZodType } from '../schema/zod.ts';
import { Col, WindowableCol, call, isDataType, toExpr, type ColumnRefs, type ExprLike, type RefsOf } from './expr.ts';

// Type parameters record the columns each call reads (see Col): `lower('country')` reads 'country'.
// They are named after what they stand for, and constrained by ExprLike, so that the generated
// function reference (scripts/function-reference.ts) can print the constraint in their place.

const agg = <V, N extends string>(fn: string, args: ExprLike[], distinct = false) =>
  new WindowableCol<V, N>(ExprNode.aggregate(fn, args.map((a) => toExpr(a, true)), distinct));
const ranking = <V, N extends string>(fn: string, args: ExprLike[]) =>
  new WindowableCol<V, N>(ExprNode.window(fn, args.map((a) => toExpr(a)), { partitionBy: [], orderBy: [], frame: null }));

// --- conditional and null handling
export const coalesce = <Args extends ExprLike[]>(...args: Args) => call<unknown, ColumnRefs<Args[number]>>('coalesce', ...args.map(c));
export const nullif = <A extends ExprLike, B extends ExprLike>(a: A, b: B) => call<unknown, ColumnRefs<A | B>>('nullif', c(a), c(b));
export const nvl = <A extends ExprLike, B extends ExprLike>(a: A, b: B) => call<unknown, ColumnRefs<A | B>>('nvl', c(a), c(b));
export const ifnull = <A extends ExprLike, B extends ExprLike>(a: A, b: B) => call<unknown, ColumnRefs<A | B>>('ifnull', c(a), c(b));
/** `ifNotNull` where x is not null, else `ifNull`. */
export const nvl2 = <X extends ExprLike, A extends ExprLike, B extends ExprLike>(x: X, ifNotNull: A, ifNull: B) => call<unknown, ColumnRefs<X | A | B>>('nvl2', c(x), c(ifNotNull), c(ifNull));
/** x unless it is NaN, else y. */
export const nanvl = <X extends ExprLike, Y extends ExprLike>(x: X, y: Y) => call<number, ColumnRefs<X | Y>>('nanvl', c(x), c(y));
/** Spark's if(cond, a, b) (`if` is a keyword in TypeScript): a where cond is true, else b (a null condition picks b). */
export const iff = <C extends string, A extends ExprLike, B extends ExprLike>(cond: Col<boolean, C>, then: A, otherwise: B) =>
  call<unknown, C | ColumnRefs<A | B>>('if', cond, c(then), c(otherwise));
export const greatest = <Args extends ExprLike[]>(...args: Args) => call<unknown, ColumnRefs<Args[number]>>('greatest', ...args.map(c));
export const least = <Args extends ExprLike[]>(...args: Args) => call<unknown, ColumnRefs<Args[number]>>('least', ...args.map(c));

class WhenBuilder<V, N extends string> extends Col<V, N> {
  constructor(private readonly branches: { when: ReturnType<typeof toExpr>; then: ReturnType<typeof toExpr> }[]) {
    super(ExprNode.caseWhen(branches, null));
  }
  when<C extends string, T extends ExprLike>(cond: Col<boolean, C>, value: T): WhenBuilder<V, N | C | RefsOf<T>> {
    return new WhenBuilder([...this.branches, { when: cond.node, then: toExpr(value) }]);
  }
  otherwise<T extends ExprLike>(value: T): Col<V, N | RefsOf<T>> {
    return new Col(ExprNode.caseWhen(this.branches, toExpr(value)));
  }
}

/** CASE WHEN cond THEN value [WHEN ...] [ELSE ...] END; without otherwise() unmatched rows are null. */
export const when = <C extends string, T extends ExprLike>(cond: Col<boolean, C>, value: T) =>
  new WhenBuilder<unknown, C | RefsOf<T>>([{ when: cond.node, then: toExpr(value) }]);

// --- strings
export const lower = <X extends ExprLike>(s: X) => call<string, ColumnRefs<X>>('lower', c(s));
export const upper = <X extends ExprLike>(s: X) => call<string, ColumnRefs<X>>('upper', c(s));
export const trim = <X extends ExprLike>(s: X) => call<string, ColumnRefs<X>>('trim', c(s));
export const ltrim = <X extends ExprLike>(s: X) => call<string, ColumnRefs<X>>('ltrim', c(s));
export const rtrim = <X extends ExprLike>(s: X) => call<string, ColumnRefs<X>>('rtrim', c(s));
export const length = <X extends ExprLike>(s: X) => call<number, ColumnRefs<X>>('length', c(s));
/** Spark's substring: 1-based `pos` (negative counts from the end), optional length. */
export const substring = <X extends ExprLike>(s: X, pos: number, len?: number) =>
  len === undefined ? call<string, ColumnRefs<X>>('substring', c(s), pos) : call<string, ColumnRefs<X>>('substring', c(s), pos, len);
export const concat = <Args extends ExprLike[]>(...args: Args) => call<string, ColumnRefs<Args[number]>>('concat', ...args.map(c));
export const concatWs = <Args extends ExprLike[]>(sep: string, ...args: Args) => call<string, ColumnRefs<Args[number]>>('concat_ws', sep, ...args.map(c));
export const split = <X extends ExprLike>(s: X, pattern: string) => call<string[], ColumnRefs<X>>('split', c(s), pattern);
export const regexpLike = <X extends ExprLike>(s: X, pattern: string) => call<boolean, ColumnRefs<X>>('rlike', c(s), pattern);
export const regexpExtract = <X extends ExprLike>(s: X, pattern: string, group = 1) => call<string, ColumnRefs<X>>('regexp_extract', c(s), pattern, group);
export const regexpReplace = <X extends ExprLike>(s: X, pattern: string, replacement: string) => call<string, ColumnRefs<X>>('regexp_replace', c(s), pattern, replacement);
export const contains = <X extends ExprLike, P extends ExprLike>(s: X, part: P) => call<boolean, ColumnRefs<X> | RefsOf<P>>('contains', c(s), part);
export const startsWith = <X extends ExprLike, P extends ExprLike>(s: X, prefix: P) => call<boolean, ColumnRefs<X> | RefsOf<P>>('startswith', c(s), prefix);
export const endsWith = <X extends ExprLike, P extends ExprLike>(s: X, suffix: P) => call<boolean, ColumnRefs<X> | RefsOf<P>>('endswith', c(s), suffix);
/** Pads on the left to `len` characters with repetitions of `pad`; a longer string is cut to `len`. */
export const lpad = <X extends ExprLike, L extends ExprLike>(s: X, len: L, pad = ' ') => call<string, ColumnRefs<X> | RefsOf<L>>('lpad', c(s), len, pad);
/** Pads on the right to `len` characters with repetitions of `pad`; a longer string is cut to `len`. */
export const rpad = <X extends ExprLike, L extends ExprLike>(s: X, len: L, pad = ' ') => call<string, ColumnRefs<X> | RefsOf<L>>('rpad', c(s), len, pad);
/** 1-based position of the first `part` in s, 0 when absent. */
export const instr = <X extends ExprLike, P extends ExprLike>(s: X, part: P) => call<number, ColumnRefs<X> | RefsOf<P>>('instr', c(s), part);
/** 1-based position of the first `part` in s at or after `pos`, 0 when absent (as PySpark's locate, the part comes first). */
export const locate = <P extends ExprLike, X extends ExprLike, Pos extends ExprLike = number>(part: P, s: X, pos?: Pos) =>
  call<number, RefsOf<P | Pos> | ColumnRefs<X>>('locate', part, c(s), pos ?? 1);
export const initcap = <X extends ExprLike>(s: X) => call<string, ColumnRefs<X>>('initcap', c(s));
/** Replaces each character of `from` by the one at the same position of `to` (deleted when `to` is shorter). */
export const translate = <X extends ExprLike>(s: X, from: string, to: string) => call<string, ColumnRefs<X>>('translate', c(s), from, to);
export const reverse = <X extends ExprLike>(s: X) => call<string, ColumnRefs<X>>('reverse', c(s));
export const repeat = <X extends ExprLike, N extends ExprLike>(s: X, times: N) => call<string, ColumnRefs<X> | RefsOf<N>>('repeat', c(s), times);
/** Replaces every occurrence of `search` (a plain string, not a pattern). */
export const replace = <X extends ExprLike, S extends ExprLike, R extends ExprLike = string>(s: X, search: S, replacement?: R) =>
  replacement === undefined ? call<string, ColumnRefs<X> | RefsOf<S>>('replace', c(s), search) : call<string, ColumnRefs<X> | RefsOf<S | R>>('replace', c(s), search, replacement);
export const left = <X extends ExprLike, L extends ExprLike>(s: X, len: L) => call<string, ColumnRefs<X> | RefsOf<L>>('left', c(s), len);
export const right = <X extends ExprLike, L extends ExprLike>(s: X, len: L) => call<string, ColumnRefs<X> | RefsOf<L>>('right', c(s), len);
/** The n-th part of s split at `delimiter` (a plain string); negative n counts from the end, '' when out of range. */
export const splitPart = <X extends ExprLike, D extends ExprLike, K extends ExprLike>(s: X, delimiter: D, n: K) =>
  call<string, ColumnRefs<X> | RefsOf<D | K>>('split_part', c(s), delimiter, n);
/** Hex digests of the string's UTF-8 bytes. */
export const md5 = <X extends ExprLike>(s: X) => call<string, ColumnRefs<X>>('md5', c(s));
export const sha1 = <X extends ExprLike>(s: X) => call<string, ColumnRefs<X>>('sha1', c(s));
export const sha2 = <X extends ExprLike>(s: X, bits: 0 | 224 | 256 | 384 | 512) => call<string, ColumnRefs<X>>('sha2', c(s), bits);
export const crc32 = <X extends ExprLike>(s: X) => call<bigint, ColumnRefs<X>>('crc32', c(s));
/** Spark's Murmur3 hash (seed 42) of the arguments, an int; nulls are skipped. */
export const hash = <Args extends ExprLike[]>(...args: Args) => call<number, ColumnRefs<Args[number]>>('hash', ...args.map(c));
/** Spark's xxHash64 (seed 42) of the arguments, a bigint; nulls are skipped. */
export const xxhash64 = <Args extends ExprLike[]>(...args: Args) => call<bigint, ColumnRefs<Args[number]>>('xxhash64', ...args.map(c));
export const base64 = <X extends ExprLike>(s: X) => call<string, ColumnRefs<X>>('base64', c(s));
/**
 * The arguments formatted by a Java format string, as Spark's format_string: `formatString('%s: %.2f', 'name', 'price')`
 * (strings after the format name columns). %s %b %d %x %f %e with widths, precisions and flags; the format is a literal.
 */
export const formatString = <Args extends ExprLike[]>(format: string, ...args: Args) => call<string, ColumnRefs<Args[number]>>('format_string', format, ...args.map(c));
/** The bytes of base64 text, as Spark decodes it: characters outside the alphabet are skipped, padding is optional; a malformed end fails the job. */
export const unbase64 = <X extends ExprLike>(s: X) => call<Uint8Array, ColumnRefs<X>>('unbase64', c(s));

// --- dates and times (UTC)
export const toDate = <X extends ExprLike>(x: X, format?: string) => (format === undefined ? call<unknown, ColumnRefs<X>>('to_date', c(x)) : call<unknown, ColumnRefs<X>>('to_date', c(x), format));
export const toTimestamp = <X extends ExprLike>(x: X, format?: string) => (format === undefined ? call<unknown, ColumnRefs<X>>('to_timestamp', c(x)) : call<unknown, ColumnRefs<X>>('to_timestamp', c(x), format));
/** Truncates a timestamp to 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second'. */
export const dateTrunc = <X extends ExprLike>(unit: 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second', ts: X) =>
  call<unknown, ColumnRefs<X>>('date_trunc', unit, c(ts));
/** Formats with a Spark datetime pattern, e.g. 'yyyy-MM-dd HH:mm'. */
export const dateFormat = <X extends ExprLike>(ts: X, pattern: string) => call<string, ColumnRefs<X>>('date_format', c(ts), pattern);
export const dateAdd = <X extends ExprLike, Days extends ExprLike>(d: X, days: Days) => call<unknown, ColumnRefs<X> | RefsOf<Days>>('date_add', c(d), days);
export const dateSub = <X extends ExprLike, Days extends ExprLike>(d: X, days: Days) => call<unknown, ColumnRefs<X> | RefsOf<Days>>('date_sub', c(d), days);
export const datediff = <End extends ExprLike, Start extends ExprLike>(end: End, start: Start) => call<number, ColumnRefs<End | Start>>('datediff', c(end), c(start));
export const year = <X extends ExprLike>(d: X) => call<number, ColumnRefs<X>>('year', c(d));
export const month = <X extends ExprLike>(d: X) => call<number, ColumnRefs<X>>('month', c(d));
export const dayOfMonth = <X extends ExprLike>(d: X) => call<number, ColumnRefs<X>>('dayofmonth', c(d));
export const hour = <X extends ExprLike>(ts: X) => call<number, ColumnRefs<X>>('hour', c(ts));
export const minute = <X extends ExprLike>(ts: X) => call<number, ColumnRefs<X>>('minute', c(ts));
export const second = <X extends ExprLike>(ts: X) => call<number, ColumnRefs<X>>('second', c(ts));
export const quarter = <X extends ExprLike>(d: X) => call<number, ColumnRefs<X>>('quarter', c(d));
/** 1 = Sunday, 2 = Monday, ..., 7 = Saturday (Spark's dayofweek). */
export const dayOfWeek = <X extends ExprLike>(d: X) => call<number, ColumnRefs<X>>('dayofweek', c(d));
export const dayOfYear = <X extends ExprLike>(d: X) => call<number, ColumnRefs<X>>('dayofyear', c(d));
/** The ISO-8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
export const weekOfYear = <X extends ExprLike>(d: X) => call<number, ColumnRefs<X>>('weekofyear', c(d));
/** Whole seconds since the epoch (bigint, the fraction dropped): for differences of timestamps prefer unixMicros, which loses nothing. */
export const unixTimestamp = <X extends ExprLike>(ts: X) => call<bigint, ColumnRefs<X>>('unix_timestamp', c(ts));
/** Microseconds since the epoch (bigint): exact, so differences of timestamps compare correctly. */
export const unixMicros = <X extends ExprLike>(ts: X) => call<bigint, ColumnRefs<X>>('unix_micros', c(ts));
/** A day-time interval as a whole number of microseconds (bigint), exact: `intervalMicros(col('ts').minus(col('start')))`. */
export const intervalMicros = <X extends ExprLike>(i: X) => call<bigint, ColumnRefs<X>>('interval_micros', c(i));
/** Milliseconds since the epoch (bigint, rounded down). */
export const unixMillis = <X extends ExprLike>(ts: X) => call<bigint, ColumnRefs<X>>('unix_millis', c(ts));
/** Seconds since the epoch (bigint, rounded down). */
export const unixSeconds = <X extends ExprLike>(ts: X) => call<bigint, ColumnRefs<X>>('unix_seconds', c(ts));
/** The timestamp so many microseconds (an integer) after the epoch. */
export const timestampMicros = <X extends ExprLike>(n: X) => call<unknown, ColumnRefs<X>>('timestamp_micros', c(n));
export const timestampMillis = <X extends ExprLike>(n: X) => call<unknown, ColumnRefs<X>>('timestamp_millis', c(n));
/** The timestamp so many seconds (any number; fractions to the microsecond) after the epoch. */
export const timestampSeconds = <X extends ExprLike>(n: X) => call<unknown, ColumnRefs<X>>('timestamp_seconds', c(n));
export type TimestampUnit = 'MICROSECOND' | 'MILLISECOND' | 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';
/** Whole units from start to end (bigint, truncated toward zero); months, quarters and years count calendar months. */
export const timestampdiff = <Start extends ExprLike, End extends ExprLike>(unit: TimestampUnit, start: Start, end: End) =>
  call<bigint, ColumnRefs<Start | End>>('timestampdiff', unit, c(start), c(end));
/** ts plus n units; adding months clamps to the month's end (Jan 31 + 1 month = Feb 28). */
export const timestampadd = <N extends ExprLike, X extends ExprLike>(unit: TimestampUnit, n: N, ts: X) =>
  call<unknown, RefsOf<N> | ColumnRefs<X>>('timestampadd', unit, n, c(ts));
/** The date n months later; a day past the new month's end becomes its last day. */
export const addMonths = <X extends ExprLike, Months extends ExprLike>(d: X, months: Months) => call<unknown, ColumnRefs<X> | RefsOf<Months>>('add_months', c(d), months);
export const lastDay = <X extends ExprLike>(d: X) => call<unknown, ColumnRefs<X>>('last_day', c(d));
/** The first date after d on the given day of the week: 'Mon', 'MO' or 'Monday' (any case). */
export const nextDay = <X extends ExprLike>(d: X, dayOfWeek: string) => call<unknown, ColumnRefs<X>>('next_day', c(d), dayOfWeek);
/** Truncates a date to 'year' | 'quarter' | 'month' | 'week' (a date; for timestamps see dateTrunc). */
export const trunc = <X extends ExprLike>(d: X, unit: 'year' | 'yyyy' | 'yy' | 'quarter' | 'month' | 'mon' | 'mm' | 'week') => call<unknown, ColumnRefs<X>>('trunc', c(d), unit);
/** A date from its parts; null when there is no such day (2026-02-29). Strings name columns. */
export const makeDate = <Y extends ExprLike, M extends ExprLike, D extends ExprLike>(year: Y, month: M, day: D) =>
  call<unknown, ColumnRefs<Y | M | D>>('make_date', c(year), c(month), c(day));
/** A UTC timestamp from its parts; seconds may have a fraction and may be 60 (the next minute); null when invalid. */
export const makeTimestamp = <Y extends ExprLike, Mo extends ExprLike, D extends ExprLike, H extends ExprLike, Mi extends ExprLike, S extends ExprLike>(year: Y, month: Mo, day: D, hour: H, minute: Mi, second: S) =>
  call<unknown, ColumnRefs<Y | Mo | D | H | Mi | S>>('make_timestamp', c(year), c(month), c(day), c(hour), c(minute), c(second));
/** The wall-clock time in an IANA zone (e.g. 'Europe/Paris') at a UTC timestamp. */
export const fromUtcTimestamp = <X extends ExprLike>(ts: X, zone: string) => call<unknown, ColumnRefs<X>>('from_utc_timestamp', c(ts), zone);
/** The UTC timestamp of a wall-clock time in an IANA zone (e.g. 'Europe/Paris'). */
export const toUtcTimestamp = <X extends ExprLike>(ts: X, zone: string) => call<unknown, ColumnRefs<X>>('to_utc_timestamp', c(ts), zone);
export const fromUnixtime = <X extends ExprLike>(seconds: X, format?: string) =>
  format === undefined ? call<string, ColumnRefs<X>>('from_unixtime', c(seconds)) : call<string, ColumnRefs<X>>('from_unixtime', c(seconds), format);

// --- math
export const abs = <X extends ExprLike>(x: X) => call<number, ColumnRefs<X>>('abs', c(x));
export const round = <X extends ExprLike>(x: X, scale = 0) => call<number, ColumnRefs<X>>('round', c(x), scale);
export const floor = <X extends ExprLike>(x: X) => call<number, ColumnRefs<X>>('floor', c(x));
export const ceil = <X extends ExprLike>(x: X) => call<number, ColumnRefs<X>>('ceil', c(x));
/** Banker's rounding (half to even), as Spark's bround. */
export const bround = <X extends ExprLike>(x: X, scale = 0) => call<number, ColumnRefs<X>>('bround', c(x), scale);
export const sqrt = <X extends ExprLike>(x: X) => call<number, ColumnRefs<X>>('sqrt', c(x));
export const pow = <X extends ExprLike, Y extends ExprLike>(x: X, y: Y) => call<number, ColumnRefs<X> | RefsOf<Y>>('pow', c(x), y);
export const exp = <X extends ExprLike>(x: X) => call<number, ColumnRefs<X>>('exp', c(x));
/** Natural logarithm, or to a base with log(x, base) (Spark SQL writes log(base, x)); null when x or the base is <= 0. */
export const log = <X extends ExprLike>(x: X, base?: number) => (base === undefined ? call<number, ColumnRefs<X>>('log', c(x)) : call<number, ColumnRefs<X>>('log', base, c(x)));
export const log10 = <X extends ExprLike>(x: X) => call<number, ColumnRefs<X>>('log10', c(x));
export const log2 = <X extends ExprLike>(x: X) => call<number, ColumnRefs<X>>('log2', c(x));
export const signum = <X extends ExprLike>(x: X) => call<number, ColumnRefs<X>>('signum', c(x));
/** The remainder of x / n made positive for n > 0 (pmod(-7, 3) = 2); null when n is 0. */
export const pmod = <X extends ExprLike, N extends ExprLike>(x: X, n: N) => call<number, ColumnRefs<X> | RefsOf<N>>('pmod', c(x), n);

// --- arrays, maps and structs (a struct's field: col('device.os') or col('device').getField('os'))
/** The number of elements of an array or entries of a map; -1 for null (Spark 3.5). */
export const size = <X extends ExprLike>(x: X) => call<number, ColumnRefs<X>>('size', c(x));
/** The n-th element of an array (from 1; negative counts from the end; null out of range), or a map's value at a key. */
export const elementAt = <X extends ExprLike, K extends ExprLike>(x: X, indexOrKey: K) => call<unknown, ColumnRefs<X> | RefsOf<K>>('element_at', c(x), indexOrKey);
/** Whether the array holds the value (null when it does not but holds a null). */
export const arrayContains = <X extends ExprLike, V extends ExprLike>(x: X, value: V) => call<boolean, ColumnRefs<X> | RefsOf<V>>('array_contains', c(x), value);
/** The elements without repeats, in first-seen order. */
export const arrayDistinct = <X extends ExprLike>(x: X) => call<unknown[], ColumnRefs<X>>('array_distinct', c(x));
/** The elements sorted; nulls first when ascending, last when descending. */
export const sortArray = <X extends ExprLike>(x: X, ascending = true) => call<unknown[], ColumnRefs<X>>('sort_array', c(x), ascending);
/** The elements of an array of arrays in one array (null when an inner array is null). */
export const flatten = <X extends ExprLike>(x: X) => call<unknown[], ColumnRefs<X>>('flatten', c(x));
export const mapKeys = <X extends ExprLike>(x: X) => call<unknown[], ColumnRefs<X>>('map_keys', c(x));
export const mapValues = <X extends ExprLike>(x: X) => call<unknown[], ColumnRefs<X>>('map_values', c(x));
/** A struct, array or map as JSON text exactly as Spark's to_json writes it (null struct fields left out, timestamps in UTC to the millisecond). */
export const toJson = <X extends ExprLike>(x: X) => call<string, ColumnRefs<X>>('to_json', c(x));
/**
 * JSON text read into a value of the schema, as Spark's from_json reads it: a zod schema
 * (`z.object({ os: z.string().nullable(), n: z.int32().nullable() })`), a type (`types.*`) or
 * Spark's DDL text (`'os STRING, n INT'`). A struct, an array or a map; a malformed record gives
 * a struct of nulls, a field that does not convert is null, blank text is null.
 */
export const fromJson = <X extends ExprLike, S extends z.ZodType | DataType | string>(s: X, schema: S) =>
  call<S extends z.ZodType ? z.output<S> : unknown, ColumnRefs<X>>('from_json', c(s), jsonSchemaDdl(schema));

/** The schema as Spark's DDL text, the literal from_json takes; anything else is left to the type rule to refuse (the schema must be a literal). */
function jsonSchemaDdl(schema: z.ZodType | DataType | string | Col): ExprLike {
  if (typeof schema === 'string' || schema instanceof Col) return schema;
  return sparkDialect.typeName(isDataType(schema) ? schema : fromZodType(schema).type);
}
/** An array of the values (strings name columns), of their common type. */
export const array = <Args extends ExprLike[]>(...args: Args) => call<unknown[], ColumnRefs<Args[number]>>('array', ...args.map(c));
/** A struct of name, value pairs: namedStruct('os', col('os'), 'n', 1). */
export const namedStruct = (...nameValuePairs: ExprLike[]) => call<Record<string, unknown>, any>('named_struct', ...nameValuePairs.map((x, k) => (k % 2 === 0 ? x : c(x))));
/**
 * A struct of the columns, each field named as Spark's struct() names it: after the column, or
 * the alias (`.as(name)`); another expression needs an alias here.
 */
export const struct = <Args extends (string | Col)[]>(...columns: Args) =>
  call<Record<string, unknown>, ColumnRefs<Args[number]>>('named_struct', ...columns.flatMap((x, k) => [structFieldName(x, k), c(x)]));

function structFieldName(x: string | Col, position: number): string {
  if (typeof x === 'string') return x;
  if (x.node.kind === 'alias' || x.node.kind === 'column') return x.node.name;
  throw new TypeError(`struct(...) argument ${position + 1} is an expression without a name: name it with .as('field')`);
}

// --- aggregates (usable in groupBy().agg() and, with .over(), as window functions)
/** count() counts rows; count(x) counts non-null values of x. */
export const count = <X extends ExprLike = never>(x?: X) => agg<bigint, ColumnRefs<X>>('count', x === undefined ? [] : [x]);
export const countDistinct = <X extends ExprLike>(x: X) => agg<bigint, ColumnRefs<X>>('count', [x], true);
export const sum = <X extends ExprLike>(x: X) => agg<number, ColumnRefs<X>>('sum', [x]);
export const avg = <X extends ExprLike>(x: X) => agg<number, ColumnRefs<X>>('avg', [x]);
export const min = <X extends ExprLike>(x: X) => agg<unknown, ColumnRefs<X>>('min', [x]);
export const max = <X extends ExprLike>(x: X) => agg<unknown, ColumnRefs<X>>('max', [x]);
/** The number of rows where the condition is true. */
export const countIf = <P extends ExprLike>(condition: P) => agg<bigint, ColumnRefs<P>>('count_if', [condition]);
/** x of the first row read; order-dependent, so meaningful over an ordered window (Spark's first_value). */
export const first = <X extends ExprLike>(x: X, ignoreNulls = false) => agg<unknown, ColumnRefs<X>>('first', [x, ignoreNulls]);
/** x of the last row read; order-dependent, so meaningful over an ordered window (Spark's last_value). */
export const last = <X extends ExprLike>(x: X, ignoreNulls = false) => agg<unknown, ColumnRefs<X>>('last', [x, ignoreNulls]);
/** x of some row of the group. */
export const anyValue = <X extends ExprLike>(x: X, ignoreNulls = false) => agg<unknown, ColumnRefs<X>>('any_value', [x, ignoreNulls]);
/** x of the row with the largest non-null ord. */
export const maxBy = <X extends ExprLike, O extends ExprLike>(x: X, ord: O) => agg<unknown, ColumnRefs<X | O>>('max_by', [x, ord]);
/** x of the row with the smallest non-null ord. */
export const minBy = <X extends ExprLike, O extends ExprLike>(x: X, ord: O) => agg<unknown, ColumnRefs<X | O>>('min_by', [x, ord]);
export const stddevSamp = <X extends ExprLike>(x: X) => agg<number, ColumnRefs<X>>('stddev_samp', [x]);
/** Spark's stddev is stddev_samp. */
export const stddev = <X extends ExprLike>(x: X) => stddevSamp(x);
export const stddevPop = <X extends ExprLike>(x: X) => agg<number, ColumnRefs<X>>('stddev_pop', [x]);
export const varSamp = <X extends ExprLike>(x: X) => agg<number, ColumnRefs<X>>('var_samp', [x]);
/** Spark's variance is var_samp. */
export const variance = <X extends ExprLike>(x: X) => varSamp(x);
export const varPop = <X extends ExprLike>(x: X) => agg<number, ColumnRefs<X>>('var_pop', [x]);
/** Pearson's correlation of x and y. */
export const corr = <X extends ExprLike, Y extends ExprLike>(x: X, y: Y) => agg<number, ColumnRefs<X | Y>>('corr', [x, y]);
/** The exact p-th percentile (0 <= p <= 1), interpolated linearly between values. */
export const percentile = <X extends ExprLike>(x: X, p: number) => agg<number, ColumnRefs<X>>('percentile', [x, p]);
export const median = <X extends ExprLike>(x: X) => agg<number, ColumnRefs<X>>('median', [x]);
/** The non-null values as an array, in the order rows reach the aggregate (in Spark, that order depends on the input's partitioning). */
export const collectList = <X extends ExprLike>(x: X) => agg<unknown[], ColumnRefs<X>>('collect_list', [x]);
/** The distinct non-null values as an array, sorted ascending (Spark leaves the order unspecified; the plan sorts). */
export const collectSet = <X extends ExprLike>(x: X) => agg<unknown[], ColumnRefs<X>>('collect_set', [x]);

// --- ranking, distribution and offset window functions (need .over(Window...orderBy(...)))
export const rowNumber = () => ranking<number, never>('row_number', []);
export const rank = () => ranking<number, never>('rank', []);
export const denseRank = () => ranking<number, never>('dense_rank', []);
export const lag = <X extends ExprLike>(x: X, offset = 1, defaultValue: ExprLike = null) => ranking<unknown, ColumnRefs<X>>('lag', [c(x), offset, defaultValue]);
export const lead = <X extends ExprLike>(x: X, offset = 1, defaultValue: ExprLike = null) => ranking<unknown, ColumnRefs<X>>('lead', [c(x), offset, defaultValue]);
/** The bucket (1..n) of the row when its partition is split into n nearly equal parts in window order. */
export const ntile = (n: number) => ranking<number, never>('ntile', [n]);
/** (rank - 1) / (partition rows - 1); 0 for a single row. */
export const percentRank = () => ranking<number, never>('percent_rank', []);
/** The fraction of the partition's rows up to the current row and its peers. */
export const cumeDist = () => ranking<number, never>('cume_dist', []);
/** x of the n-th row (n-th non-null x) from the partition start up to the current row and its peers. */
export const nthValue = <X extends ExprLike>(x: X, n: number, ignoreNulls = false) => ranking<unknown, ColumnRefs<X>>('nth_value', [c(x), n, ignoreNulls]);
/** x of the first row of the window frame (Spark's first_value is its first aggregate). */
export const firstValue = <X extends ExprLike>(x: X, ignoreNulls = false) => first(x, ignoreNulls);
/** x of the last row of the window frame; with the default frame, of the current row's last peer. */
export const lastValue = <X extends ExprLike>(x: X, ignoreNulls = false) => last(x, ignoreNulls);

/** A string in a column position names a column, as in Spark's functions API. */
function c(x: ExprLike): ExprLike {
  return typeof x === 'string' ? new Col(ExprNode.column(x)) : x;
}
