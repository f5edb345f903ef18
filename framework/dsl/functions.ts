/**
 * Free functions of the DSL, named as in Spark SQL. As in PySpark's functions API, a string in
 * a column position names a column (`lower('country')`); use `lit('text')` for a string value.
 * Patterns, formats and units are always literal. Each builds a `call`, `aggregate` or
 * `window` node naming a registry entry; the registry (framework/functions) defines what they mean.
 */
import { ExprNode } from '../plan/expr.ts';
import { Col, WindowableCol, call, toExpr, type ExprLike } from './expr.ts';

const agg = <V>(fn: string, args: ExprLike[], distinct = false) =>
  new WindowableCol<V>(ExprNode.aggregate(fn, args.map((a) => toExpr(a, true)), distinct));
const ranking = <V>(fn: string, args: ExprLike[]) =>
  new WindowableCol<V>(ExprNode.window(fn, args.map((a) => toExpr(a)), { partitionBy: [], orderBy: [], frame: null }));

// --- conditional and null handling
export const coalesce = (...args: ExprLike[]) => call('coalesce', ...args.map(c));
export const nullif = (a: ExprLike, b: ExprLike) => call('nullif', c(a), c(b));
export const greatest = (...args: ExprLike[]) => call('greatest', ...args.map(c));
export const least = (...args: ExprLike[]) => call('least', ...args.map(c));

class WhenBuilder<V> extends Col<V> {
  constructor(private readonly branches: { when: ReturnType<typeof toExpr>; then: ReturnType<typeof toExpr> }[]) {
    super(ExprNode.caseWhen(branches, null));
  }
  when(cond: Col<boolean>, value: ExprLike): WhenBuilder<V> {
    return new WhenBuilder([...this.branches, { when: cond.node, then: toExpr(value) }]);
  }
  otherwise(value: ExprLike): Col<V> {
    return new Col(ExprNode.caseWhen(this.branches, toExpr(value)));
  }
}

/** CASE WHEN cond THEN value [WHEN ...] [ELSE ...] END; without otherwise() unmatched rows are null. */
export const when = <V = unknown>(cond: Col<boolean>, value: ExprLike) => new WhenBuilder<V>([{ when: cond.node, then: toExpr(value) }]);

// --- strings
export const lower = (s: ExprLike) => call<string>('lower', c(s));
export const upper = (s: ExprLike) => call<string>('upper', c(s));
export const trim = (s: ExprLike) => call<string>('trim', c(s));
export const length = (s: ExprLike) => call<number>('length', c(s));
/** Spark's substring: 1-based `pos` (negative counts from the end), optional length. */
export const substring = (s: ExprLike, pos: number, len?: number) =>
  len === undefined ? call<string>('substring', c(s), pos) : call<string>('substring', c(s), pos, len);
export const concat = (...args: ExprLike[]) => call<string>('concat', ...args.map(c));
export const concatWs = (sep: string, ...args: ExprLike[]) => call<string>('concat_ws', sep, ...args.map(c));
export const split = (s: ExprLike, pattern: string) => call<string[]>('split', c(s), pattern);
export const regexpExtract = (s: ExprLike, pattern: string, group = 1) => call<string>('regexp_extract', c(s), pattern, group);
export const regexpReplace = (s: ExprLike, pattern: string, replacement: string) => call<string>('regexp_replace', c(s), pattern, replacement);

// --- dates and times (UTC)
export const toDate = (x: ExprLike, format?: string) => (format === undefined ? call('to_date', c(x)) : call('to_date', c(x), format));
export const toTimestamp = (x: ExprLike, format?: string) => (format === undefined ? call('to_timestamp', c(x)) : call('to_timestamp', c(x), format));
/** Truncates a timestamp to 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second'. */
export const dateTrunc = (unit: 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second', ts: ExprLike) =>
  call('date_trunc', unit, c(ts));
/** Formats with a Spark datetime pattern, e.g. 'yyyy-MM-dd HH:mm'. */
export const dateFormat = (ts: ExprLike, pattern: string) => call<string>('date_format', c(ts), pattern);
export const dateAdd = (d: ExprLike, days: ExprLike) => call('date_add', c(d), days);
export const dateSub = (d: ExprLike, days: ExprLike) => call('date_sub', c(d), days);
export const datediff = (end: ExprLike, start: ExprLike) => call<number>('datediff', c(end), c(start));
export const year = (d: ExprLike) => call<number>('year', c(d));
export const month = (d: ExprLike) => call<number>('month', c(d));
export const dayOfMonth = (d: ExprLike) => call<number>('dayofmonth', c(d));
export const hour = (ts: ExprLike) => call<number>('hour', c(ts));
export const minute = (ts: ExprLike) => call<number>('minute', c(ts));
/** Seconds since the epoch (bigint). */
export const unixTimestamp = (ts: ExprLike) => call<bigint>('unix_timestamp', c(ts));
export const fromUnixtime = (seconds: ExprLike, format?: string) =>
  format === undefined ? call<string>('from_unixtime', c(seconds)) : call<string>('from_unixtime', c(seconds), format);

// --- math
export const abs = (x: ExprLike) => call<number>('abs', c(x));
export const round = (x: ExprLike, scale = 0) => call<number>('round', c(x), scale);
export const floor = (x: ExprLike) => call<number>('floor', c(x));
export const ceil = (x: ExprLike) => call<number>('ceil', c(x));

// --- aggregates (usable in groupBy().agg() and, with .over(), as window functions)
/** count() counts rows; count(x) counts non-null values of x. */
export const count = (x?: ExprLike) => agg<bigint>('count', x === undefined ? [] : [x]);
export const countDistinct = (x: ExprLike) => agg<bigint>('count', [x], true);
export const sum = (x: ExprLike) => agg<number>('sum', [x]);
export const avg = (x: ExprLike) => agg<number>('avg', [x]);
export const min = (x: ExprLike) => agg('min', [x]);
export const max = (x: ExprLike) => agg('max', [x]);

// --- ranking and offset window functions (need .over(Window...orderBy(...)))
export const rowNumber = () => ranking<number>('row_number', []);
export const rank = () => ranking<number>('rank', []);
export const denseRank = () => ranking<number>('dense_rank', []);
export const lag = (x: ExprLike, offset = 1, defaultValue: ExprLike = null) => ranking('lag', [c(x), offset, defaultValue]);
export const lead = (x: ExprLike, offset = 1, defaultValue: ExprLike = null) => ranking('lead', [c(x), offset, defaultValue]);

/** A string in a column position names a column, as in Spark's functions API. */
function c(x: ExprLike): ExprLike {
  return typeof x === 'string' ? new Col(ExprNode.column(x)) : x;
}
