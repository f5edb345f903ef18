/**
 * The expression builder users write transforms with: `col('amount').gt(0).and(col('country').isNotNull())`.
 * Each method returns a new builder around a frozen plan expression; nothing is evaluated here.
 * The type parameter is a phantom of the value's TypeScript type, for readable signatures only:
 * the analyzer is the authority on types.
 */
import { ExprNode, type Expr, type LiteralValue, type SortKey, type WindowSpec } from '../plan/expr.ts';
import { T, type DataType } from '../schema/types.ts';
import { fromZodType } from '../schema/zod.ts';
import type { z } from 'zod';

export type ExprLike = Col | LiteralValue | Date;

export class Col<V = unknown> {
  declare readonly __value?: V;
  constructor(readonly node: Expr) {}

  // arithmetic (Spark: `/` on integers gives a double; use `div` for integral division)
  plus(o: ExprLike): Col<number> { return call('+', this, o); }
  minus(o: ExprLike): Col<number> { return call('-', this, o); }
  times(o: ExprLike): Col<number> { return call('*', this, o); }
  div(o: ExprLike): Col<number> { return call('/', this, o); }
  intDiv(o: ExprLike): Col<number> { return call('div', this, o); }
  mod(o: ExprLike): Col<number> { return call('%', this, o); }
  negate(): Col<number> { return call('negative', this); }

  // comparison (null when either side is null, as in SQL)
  eq(o: ExprLike): Col<boolean> { return call('=', this, o); }
  ne(o: ExprLike): Col<boolean> { return call('!=', this, o); }
  lt(o: ExprLike): Col<boolean> { return call('<', this, o); }
  le(o: ExprLike): Col<boolean> { return call('<=', this, o); }
  gt(o: ExprLike): Col<boolean> { return call('>', this, o); }
  ge(o: ExprLike): Col<boolean> { return call('>=', this, o); }
  /** Null-safe equality (`<=>`): true when both sides are null. */
  eqNullSafe(o: ExprLike): Col<boolean> { return call('<=>', this, o); }

  // logic (three-valued)
  and(o: ExprLike): Col<boolean> { return call('and', this, o); }
  or(o: ExprLike): Col<boolean> { return call('or', this, o); }
  not(): Col<boolean> { return call('not', this); }

  isNull(): Col<boolean> { return call('isnull', this); }
  isNotNull(): Col<boolean> { return call('isnotnull', this); }
  isIn(...values: ExprLike[]): Col<boolean> { return call('in', this, ...values); }
  between(lo: ExprLike, hi: ExprLike): Col<boolean> { return call('between', this, lo, hi); }
  /** SQL LIKE: `%` any run of characters, `_` one character, `\` escapes. */
  like(pattern: string): Col<boolean> { return call('like', this, pattern); }

  cast(to: DataType | z.ZodType): Col {
    return new Col(ExprNode.cast(this.node, isDataType(to) ? to : fromZodType(to).type));
  }

  /** Names the expression (for select and aggregations). */
  as(name: string): Col<V> { return new Col(ExprNode.alias(this.node, name)); }

  asc(): SortSpec { return new SortSpec(ExprNode.sortKey(this.node, true)); }
  desc(): SortSpec { return new SortSpec(ExprNode.sortKey(this.node, false)); }
  ascNullsLast(): SortSpec { return new SortSpec(ExprNode.sortKey(this.node, true, false)); }
  descNullsFirst(): SortSpec { return new SortSpec(ExprNode.sortKey(this.node, false, true)); }
}

export class SortSpec {
  constructor(readonly key: SortKey) {}
}

/** An aggregate or ranking call that becomes a window function with `.over(window)`. */
export class WindowableCol<V = unknown> extends Col<V> {
  over(spec: WindowSpecBuilder): Col<V> {
    const n = this.node;
    if (n.kind !== 'aggregate' && n.kind !== 'window') throw new TypeError('over() applies to aggregate and ranking functions');
    return new Col(ExprNode.window(n.fn, n.args, spec.spec));
  }
}

export class WindowSpecBuilder {
  constructor(readonly spec: WindowSpec) {}
  partitionBy(...cols: (string | Col)[]): WindowSpecBuilder {
    return new WindowSpecBuilder({ ...this.spec, partitionBy: cols.map((c) => toExpr(c, true)) });
  }
  orderBy(...keys: (string | Col | SortSpec)[]): WindowSpecBuilder {
    return new WindowSpecBuilder({ ...this.spec, orderBy: keys.map(toSortKey) });
  }
  /** ROWS BETWEEN start AND end; offsets are row counts (negative = preceding), or the Window.* bounds. */
  rowsBetween(start: number, end: number): WindowSpecBuilder {
    return new WindowSpecBuilder({ ...this.spec, frame: { unit: 'rows', start: bound(start), end: bound(end) } });
  }
}

export const Window = {
  unboundedPreceding: Number.NEGATIVE_INFINITY,
  unboundedFollowing: Number.POSITIVE_INFINITY,
  currentRow: 0,
  partitionBy: (...cols: (string | Col)[]) => new WindowSpecBuilder({ partitionBy: [], orderBy: [], frame: null }).partitionBy(...cols),
  orderBy: (...keys: (string | Col | SortSpec)[]) => new WindowSpecBuilder({ partitionBy: [], orderBy: [], frame: null }).orderBy(...keys),
} as const;

function bound(n: number) {
  if (n === Number.NEGATIVE_INFINITY) return { kind: 'unboundedPreceding' } as const;
  if (n === Number.POSITIVE_INFINITY) return { kind: 'unboundedFollowing' } as const;
  if (n === 0) return { kind: 'currentRow' } as const;
  if (!Number.isInteger(n)) throw new TypeError(`window frame bounds are whole row counts, got ${n}`);
  return { kind: 'offset', rows: n } as const;
}

function isDataType(x: unknown): x is DataType {
  return typeof x === 'object' && x !== null && 'kind' in x && typeof (x as { kind: unknown }).kind === 'string' && !('_zod' in x);
}

/** A column by name. */
export function col<V = unknown>(name: string): Col<V> {
  return new Col(ExprNode.column(name));
}

/** A literal. Integers within 32 bits are int, larger ones or bigints are bigint, other numbers double, Dates timestamps. */
export function lit<V extends LiteralValue | Date>(value: V): Col<V> {
  return new Col(literalNode(value));
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

export function call<V = unknown>(fn: string, ...args: ExprLike[]): Col<V> {
  return new Col(ExprNode.call(fn, args.map((a) => toExpr(a))));
}
