/**
 * The expression builder users write transforms with: `col('amount').gt(0).and(col('country').isNotNull())`.
 * Each method returns a new builder around a frozen plan expression; nothing is evaluated here.
 * Two phantom type parameters: V, the value's TypeScript type (for readable signatures; the
 * analyzer is the authority on types), and N, the names of the columns the expression reads, so
 * that a Dataset verb can refuse at compile time a column its rows do not have. N is `any` when
 * the names are not known statically (a name built at run time): such an expression is checked
 * by the analyzer only.
 */
import { ExprNode, type Expr, type Literal, type LiteralValue, type RangeFrameBound, type SortKey, type WindowSpec } from '../plan/expr.ts';
import { T, type DataType } from '../schema/types.ts';
import { fromZodType } from '../schema/zod.ts';
import { parseInterval } from '../columnar/interval.ts';
import type { z } from 'zod';

export type ExprLike = Col | LiteralValue | Date;

/** The columns an operand reads: those of an expression; a plain value reads none. */
export type RefsOf<X> = X extends Col<unknown, infer N> ? N : never;

/** The columns an argument in a column position reads: a string there names a column (as in PySpark). */
export type ColumnRefs<X> = X extends string ? (string extends X ? any : X) : RefsOf<X>;

// `any` as the default of N: an expression whose columns are unknown (typed `Col` by a user) passes every check.
export class Col<V = unknown, N extends string = any> {
  declare readonly __value?: V;
  declare readonly __columns?: N;
  constructor(readonly node: Expr) {}

  // arithmetic (Spark: `/` on integers gives a double; use `div` for integral division)
  plus<O extends ExprLike>(o: O): Col<number, N | RefsOf<O>> { return call('+', this, o); }
  minus<O extends ExprLike>(o: O): Col<number, N | RefsOf<O>> { return call('-', this, o); }
  times<O extends ExprLike>(o: O): Col<number, N | RefsOf<O>> { return call('*', this, o); }
  div<O extends ExprLike>(o: O): Col<number, N | RefsOf<O>> { return call('/', this, o); }
  intDiv<O extends ExprLike>(o: O): Col<number, N | RefsOf<O>> { return call('div', this, o); }
  mod<O extends ExprLike>(o: O): Col<number, N | RefsOf<O>> { return call('%', this, o); }
  negate(): Col<number, N> { return call('negative', this); }

  // comparison (null when either side is null, as in SQL)
  eq<O extends ExprLike>(o: O): Col<boolean, N | RefsOf<O>> { return call('=', this, o); }
  ne<O extends ExprLike>(o: O): Col<boolean, N | RefsOf<O>> { return call('!=', this, o); }
  lt<O extends ExprLike>(o: O): Col<boolean, N | RefsOf<O>> { return call('<', this, o); }
  le<O extends ExprLike>(o: O): Col<boolean, N | RefsOf<O>> { return call('<=', this, o); }
  gt<O extends ExprLike>(o: O): Col<boolean, N | RefsOf<O>> { return call('>', this, o); }
  ge<O extends ExprLike>(o: O): Col<boolean, N | RefsOf<O>> { return call('>=', this, o); }
  /** Null-safe equality (`<=>`): true when both sides are null. */
  eqNullSafe<O extends ExprLike>(o: O): Col<boolean, N | RefsOf<O>> { return call('<=>', this, o); }

  // logic (three-valued)
  and<O extends ExprLike>(o: O): Col<boolean, N | RefsOf<O>> { return call('and', this, o); }
  or<O extends ExprLike>(o: O): Col<boolean, N | RefsOf<O>> { return call('or', this, o); }
  not(): Col<boolean, N> { return call('not', this); }

  isNull(): Col<boolean, N> { return call('isnull', this); }
  isNotNull(): Col<boolean, N> { return call('isnotnull', this); }
  isIn<A extends ExprLike[]>(...values: A): Col<boolean, N | RefsOf<A[number]>> { return call('in', this, ...values); }
  between<L extends ExprLike, H extends ExprLike>(lo: L, hi: H): Col<boolean, N | RefsOf<L> | RefsOf<H>> { return call('between', this, lo, hi); }
  /** SQL LIKE: `%` any run of characters, `_` one character, `\` escapes. */
  like(pattern: string): Col<boolean, N> { return call('like', this, pattern); }
  /** Whether the Java regular expression matches somewhere in the value (Spark's RLIKE; anchor with ^ and $ for a whole match). */
  rlike(pattern: string): Col<boolean, N> { return call('rlike', this, pattern); }

  // nested values
  /** A struct's field (as col('struct.field')). */
  getField(name: string): Col<unknown, N> { return call('get_field', this, name); }
  /** An array's element at a 0-based index (null out of range), or a map's value at a key: Spark's x[i]. */
  getItem<K extends ExprLike>(indexOrKey: K): Col<unknown, N | RefsOf<K>> { return call('get_item', this, indexOrKey); }

  cast(to: DataType | z.ZodType): Col<unknown, N> {
    return new Col(ExprNode.cast(this.node, isDataType(to) ? to : fromZodType(to).type));
  }

  /** Names the expression (for select and aggregations). */
  as(name: string): Col<V, N> { return new Col(ExprNode.alias(this.node, name)); }

  asc(): SortSpec<N> { return new SortSpec(ExprNode.sortKey(this.node, true)); }
  desc(): SortSpec<N> { return new SortSpec(ExprNode.sortKey(this.node, false)); }
  ascNullsLast(): SortSpec<N> { return new SortSpec(ExprNode.sortKey(this.node, true, false)); }
  descNullsFirst(): SortSpec<N> { return new SortSpec(ExprNode.sortKey(this.node, false, true)); }
}

/** A sort key; N: the columns it reads (see Col). */
export class SortSpec<N extends string = any> {
  declare readonly __columns?: N;
  constructor(readonly key: SortKey) {}
}

/** The columns a sort key reads: a string names a column. */
export type SortRefs<X> = X extends SortSpec<infer N> ? N : ColumnRefs<X>;

/** An aggregate or ranking call that becomes a window function with `.over(window)`. */
export class WindowableCol<V = unknown, N extends string = any> extends Col<V, N> {
  /** The window's partition and order columns are read too: the Dataset verb that uses the result checks them. */
  over<W extends string>(spec: WindowSpecBuilder<W>): Col<V, N | W> {
    const n = this.node;
    if (n.kind !== 'aggregate' && n.kind !== 'window') throw new TypeError('over() applies to aggregate and ranking functions');
    return new Col(ExprNode.window(n.fn, n.args, spec.spec));
  }
}

/** A window specification; N: the columns its partition and order keys read. */
export class WindowSpecBuilder<N extends string = never> {
  declare readonly __columns?: N;
  constructor(readonly spec: WindowSpec) {}
  partitionBy<A extends (string | Col)[]>(...cols: A): WindowSpecBuilder<N | ColumnRefs<A[number]>> {
    return new WindowSpecBuilder({ ...this.spec, partitionBy: cols.map((c) => toExpr(c, true)) });
  }
  orderBy<A extends (string | Col | SortSpec)[]>(...keys: A): WindowSpecBuilder<N | SortRefs<A[number]>> {
    return new WindowSpecBuilder({ ...this.spec, orderBy: keys.map(toSortKey) });
  }
  /** ROWS BETWEEN start AND end; offsets are row counts (negative = preceding), or the Window.* bounds. */
  rowsBetween(start: number, end: number): WindowSpecBuilder<N> {
    return new WindowSpecBuilder({ ...this.spec, frame: { unit: 'rows', start: bound(start), end: bound(end) } });
  }
  /**
   * RANGE BETWEEN start AND end: the rows whose order key lies within the current row's key plus
   * each offset (negative = preceding, toward the start of the window order), peers included.
   * Offsets are numbers for a numeric order key, whole days for a date key, intervals for a
   * timestamp key (`rangeBetween(interval('-30 minutes'), Window.currentRow)`), or the Window.*
   * bounds; a value offset needs exactly one order key.
   */
  rangeBetween(start: RangeOffset, end: RangeOffset): WindowSpecBuilder<N> {
    return new WindowSpecBuilder({ ...this.spec, frame: { unit: 'range', start: rangeBound(start), end: rangeBound(end) } });
  }
}

/** A RANGE frame offset: a number (Window.* bounds included), a bigint, or an interval literal. */
export type RangeOffset = number | bigint | Col<Interval, never>;

function rangeBound(x: RangeOffset): RangeFrameBound {
  if (x instanceof Col) {
    if (x.node.kind !== 'literal' || x.node.type.kind !== 'interval') throw new TypeError("a rangeBetween offset must be a number or an interval literal such as interval('-30 minutes')");
    return x.node.value === 0n ? { kind: 'currentRow' } : { kind: 'value', offset: x.node };
  }
  if (typeof x === 'number' && (Number.isNaN(x) || !Number.isFinite(x))) {
    if (Number.isNaN(x)) throw new TypeError('a rangeBetween offset cannot be NaN');
    return { kind: x < 0 ? 'unboundedPreceding' : 'unboundedFollowing' };
  }
  if (x === 0 || x === 0n) return { kind: 'currentRow' };
  return { kind: 'value', offset: literalNode(x) as Literal };
}

export const Window = {
  unboundedPreceding: Number.NEGATIVE_INFINITY,
  unboundedFollowing: Number.POSITIVE_INFINITY,
  currentRow: 0,
  partitionBy: <A extends (string | Col)[]>(...cols: A) => new WindowSpecBuilder({ partitionBy: [], orderBy: [], frame: null }).partitionBy(...cols),
  orderBy: <A extends (string | Col | SortSpec)[]>(...keys: A) => new WindowSpecBuilder({ partitionBy: [], orderBy: [], frame: null }).orderBy(...keys),
} as const;

function bound(n: number) {
  if (n === Number.NEGATIVE_INFINITY) return { kind: 'unboundedPreceding' } as const;
  if (n === Number.POSITIVE_INFINITY) return { kind: 'unboundedFollowing' } as const;
  if (n === 0) return { kind: 'currentRow' } as const;
  if (!Number.isInteger(n)) throw new TypeError(`window frame bounds are whole row counts, got ${n}`);
  return { kind: 'offset', rows: n } as const;
}

export function isDataType(x: unknown): x is DataType {
  return typeof x === 'object' && x !== null && 'kind' in x && typeof (x as { kind: unknown }).kind === 'string' && !('_zod' in x);
}

/**
 * A column by name. Its name is part of its type: a Dataset verb given an expression that reads
 * a column its rows lack is a compile error naming the column (`ds.col(name)` also knows the value type).
 */
export function col<K extends string>(name: K): Col<unknown, ColumnRefs<K>> {
  return new Col(ExprNode.column(name));
}

/** A literal. Integers within 32 bits are int, larger ones or bigints are bigint, other numbers double, Dates timestamps. */
export function lit<V extends LiteralValue | Date>(value: V): Col<V, never> {
  return new Col(literalNode(value));
}

/** The value type of a day-time interval expression (Spark's `interval day to second`); a phantom, for signatures. */
export interface Interval {
  readonly __interval: 'day to second';
}

/**
 * A day-time interval literal: `interval('30 minutes')`, `interval('1 day 2 hours')`,
 * `interval('-1.5 seconds')`. Add it to a timestamp, compare it with a difference of timestamps
 * (`col('ts').minus(lag('ts').over(w)).gt(interval('30 minutes'))`), or use it as a range frame
 * offset. Units: weeks, days, hours, minutes, seconds, milliseconds, microseconds.
 */
export function interval(text: string): Col<Interval, never> {
  const micros = parseInterval(text);
  if (typeof micros !== 'bigint') throw new TypeError(micros.problem);
  return new Col(ExprNode.literal(micros, T.interval));
}

function literalNode(value: LiteralValue | Date): Expr {
  if (value instanceof Date) return ExprNode.literal(BigInt(value.getTime()) * 1000n, T.timestamp);
  if (value === null) return ExprNode.literal(null, T.null);
  switch (typeof value) {
    case 'string':
      return ExprNode.literal(value, T.string);
    case 'boolean':
      return ExprNode.literal(value, T.boolean);
    case 'bigint':
      return ExprNode.literal(value, T.int64);
    case 'number':
      if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) return ExprNode.literal(value, T.int32);
      if (Number.isSafeInteger(value)) return ExprNode.literal(BigInt(value), T.int64);
      return ExprNode.literal(value, T.float64);
  }
}

/** Plan expression of a builder, a column name (when `namesAreColumns`) or a literal. */
export function toExpr(x: ExprLike, namesAreColumns = false): Expr {
  if (x instanceof Col) return x.node;
  if (namesAreColumns && typeof x === 'string') return ExprNode.column(x);
  return literalNode(x);
}

export function toSortKey(k: string | Col | SortSpec): SortKey {
  if (k instanceof SortSpec) return k.key;
  return ExprNode.sortKey(toExpr(k, true), true);
}

export function call<V = unknown, N extends string = any>(fn: string, ...args: ExprLike[]): Col<V, N> {
  return new Col(ExprNode.call(fn, args.map((a) => toExpr(a))));
}
