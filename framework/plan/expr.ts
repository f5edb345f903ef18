/**
 * Expressions as data: frozen nodes with a `kind` tag. Every consumer (analyzer, engine,
 * SQL compiler) switches over `kind` exhaustively, so a new kind fails to compile until handled.
 * Scalar functions, operators included, are `call` nodes naming an entry of the function registry.
 */
import type { DataType } from '../schema/types.ts';

export type LiteralValue = string | number | bigint | boolean | null;

export interface ColumnRef {
  readonly kind: 'column';
  readonly name: string;
}

export interface Literal {
  readonly kind: 'literal';
  readonly value: LiteralValue;
  readonly type: DataType;
}

export interface Call {
  readonly kind: 'call';
  readonly fn: string;
  readonly args: readonly Expr[];
}

export interface CaseWhen {
  readonly kind: 'case';
  readonly branches: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly otherwise: Expr | null;
}

export interface Cast {
  readonly kind: 'cast';
  readonly expr: Expr;
  readonly to: DataType;
}

export interface Alias {
  readonly kind: 'alias';
  readonly expr: Expr;
  readonly name: string;
}

export interface AggregateCall {
  readonly kind: 'aggregate';
  readonly fn: string;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
}

type FixedBound = { readonly kind: 'unboundedPreceding' } | { readonly kind: 'unboundedFollowing' } | { readonly kind: 'currentRow' };

/** A ROWS bound: a row count, negative = preceding. */
export type WindowFrameBound = FixedBound | { readonly kind: 'offset'; readonly rows: number };

/**
 * A RANGE bound: a value added to the (single) order key, negative = preceding: a number for
 * numeric and date keys (days), an interval literal for timestamp keys.
 */
export type RangeFrameBound = FixedBound | { readonly kind: 'value'; readonly offset: Literal };

export type WindowFrame =
  | { readonly unit: 'rows'; readonly start: WindowFrameBound; readonly end: WindowFrameBound }
  | { readonly unit: 'range'; readonly start: RangeFrameBound; readonly end: RangeFrameBound };

export interface SortKey {
  readonly expr: Expr;
  readonly ascending: boolean;
  /** Spark's default: nulls first when ascending, last when descending. */
  readonly nullsFirst: boolean;
}

export interface WindowSpec {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortKey[];
  /** null = Spark's default frame (whole partition without ORDER BY, running up to the current row's peers with it). */
  readonly frame: WindowFrame | null;
}

export interface WindowCall {
  readonly kind: 'window';
  /** A ranking/offset function (row_number, rank, dense_rank, lag, lead) or an aggregate. */
  readonly fn: string;
  readonly args: readonly Expr[];
  readonly spec: WindowSpec;
}

export type Expr = ColumnRef | Literal | Call | CaseWhen | Cast | Alias | AggregateCall | WindowCall;
export type ExprKind = Expr['kind'];

const freeze = <T extends object>(node: T): T => Object.freeze(node);

export const ExprNode = {
  column: (name: string): ColumnRef => freeze({ kind: 'column', name }),
  literal: (value: LiteralValue, type: DataType): Literal => freeze({ kind: 'literal', value, type }),
  call: (fn: string, args: readonly Expr[]): Call => freeze({ kind: 'call', fn, args: Object.freeze([...args]) }),
  caseWhen: (branches: readonly { when: Expr; then: Expr }[], otherwise: Expr | null): CaseWhen =>
    freeze({ kind: 'case', branches: Object.freeze(branches.map((b) => freeze({ ...b }))), otherwise }),
  cast: (expr: Expr, to: DataType): Cast => freeze({ kind: 'cast', expr, to }),
  alias: (expr: Expr, name: string): Alias => freeze({ kind: 'alias', expr, name }),
  aggregate: (fn: string, args: readonly Expr[], distinct = false): AggregateCall =>
    freeze({ kind: 'aggregate', fn, args: Object.freeze([...args]), distinct }),
  window: (fn: string, args: readonly Expr[], spec: WindowSpec): WindowCall =>
    freeze({ kind: 'window', fn, args: Object.freeze([...args]), spec: freeze(spec) }),
  sortKey: (expr: Expr, ascending = true, nullsFirst = ascending): SortKey => freeze({ expr, ascending, nullsFirst }),
} as const;

/** Children of an expression, for generic walks (column collection, window extraction). */
export function exprChildren(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'column':
    case 'literal':
      return [];
    case 'call':
    case 'aggregate':
      return e.args;
    case 'case':
      return [...e.branches.flatMap((b) => [b.when, b.then]), ...(e.otherwise ? [e.otherwise] : [])];
    case 'cast':
    case 'alias':
      return [e.expr];
    case 'window':
      return [...e.args, ...e.spec.partitionBy, ...e.spec.orderBy.map((k) => k.expr)];
  }
}

/** Column names an expression reads. */
export function referencedColumns(e: Expr, out = new Set<string>()): Set<string> {
  if (e.kind === 'column') out.add(e.name);
  for (const c of exprChildren(e)) referencedColumns(c, out);
  return out;
}

export function containsKind(e: Expr, kind: ExprKind): boolean {
  return e.kind === kind || exprChildren(e).some((c) => containsKind(c, kind));
}

/** The name Spark would give an unaliased expression in a projection; we require aliases instead of guessing. */
export function outputName(e: Expr): string | undefined {
  if (e.kind === 'alias') return e.name;
  if (e.kind === 'column') return e.name;
  return undefined;
}
