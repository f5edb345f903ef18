/**
 * The function registry: each function is defined once, with its type rule, its vectorized
 * kernel over columns and its SQL rendering (one default, small per-dialect overrides).
 * There is no second list of functions anywhere: the analyzer, the engine and the SQL
 * compilers all look functions up here.
 */
import type { Column } from '../columnar/column.ts';
import type { LiteralValue } from '../plan/expr.ts';
import type { DataType } from '../schema/types.ts';
import { InternalError } from '../errors/index.ts';

export type SqlDialect = 'spark' | 'duckdb';

/** What the type rule sees of one argument: its type and, when it is a literal, its value. */
export interface ArgInfo {
  readonly type: DataType;
  readonly literal?: { readonly value: LiteralValue };
}

/** A type rule's refusal, shown to the user with the step and the job file. */
export interface TypeProblem {
  readonly problem: string;
}

export type TypeRule = (args: readonly ArgInfo[]) => DataType | TypeProblem;

/** SQL rendering: receives already-rendered argument SQL and the argument types. */
export type SqlRender = (args: readonly string[], types: readonly ArgInfo[], result: DataType) => string;

export interface ScalarFunction {
  readonly name: string;
  /** One line for `--help`-style listings and "did you mean". */
  readonly description: string;
  readonly arity: readonly [min: number, max: number];
  readonly resolve: TypeRule;
  /**
   * Computes the result for `length` rows. Arguments are evaluated columns of `length` rows
   * (a literal argument is a constant column). Spark's null semantics are the kernel's job.
   */
  readonly kernel: (args: readonly Column[], length: number, result: DataType, info: readonly ArgInfo[]) => Column;
  readonly sql: SqlRender;
  readonly dialects?: Partial<Record<SqlDialect, SqlRender>>;
}

/** Accumulates one aggregate for many groups at once; group ids come from the hash aggregate. */
export interface Accumulator {
  /** Adds rows: row i belongs to group groupIds[i]; `numGroups` is the number of groups seen so far. */
  update(groupIds: Int32Array, numGroups: number, args: readonly Column[], length: number): void;
  /** One value per group, in group id order. */
  finish(numGroups: number): Column;
}

export interface AggregateFunction {
  readonly name: string;
  readonly description: string;
  readonly arity: readonly [min: number, max: number];
  readonly supportsDistinct: boolean;
  readonly resolve: TypeRule;
  readonly accumulator: (args: readonly ArgInfo[], result: DataType, distinct: boolean) => Accumulator;
  /** Why the aggregate cannot be used over a window, when it cannot (its SQL is no plain call that `OVER` can follow). */
  readonly notOverWindow?: string;
  readonly sql: SqlRender;
  readonly dialects?: Partial<Record<SqlDialect, SqlRender>>;
}

/** Ranking and offset functions that exist only over a window (row_number, rank, lag, ...). */
export interface WindowFunction {
  readonly name: string;
  readonly description: string;
  readonly arity: readonly [min: number, max: number];
  /** Whether the function needs an ORDER BY in its window (Spark requires it for all of these). */
  readonly requiresOrder: boolean;
  /** Whether a frame may be given (Spark forbids frames on ranking and offset functions). */
  readonly allowsFrame: boolean;
  readonly resolve: TypeRule;
  /**
   * Evaluates one partition. `order` lists the partition's row indices in window order;
   * `peerGroupStart[k]` is the position in `order` where row order[k]'s peer group begins
   * (rows equal on the ORDER BY keys are peers). Writes results into `out` at the row indices.
   */
  readonly evaluate: (ctx: WindowPartition) => void;
  readonly sql: SqlRender;
  readonly dialects?: Partial<Record<SqlDialect, SqlRender>>;
}

export interface WindowPartition {
  readonly args: readonly Column[];
  readonly argInfo: readonly ArgInfo[];
  readonly order: Int32Array;
  readonly start: number;
  readonly end: number;
  readonly peerGroupStart: Int32Array;
  readonly out: { data: Column['data']; valid: Uint8Array };
}

export function isTypeProblem(x: DataType | TypeProblem): x is TypeProblem {
  return (x as TypeProblem).problem !== undefined;
}

export function renderSql(fn: { sql: SqlRender; dialects?: Partial<Record<SqlDialect, SqlRender>> }, dialect: SqlDialect): SqlRender {
  return fn.dialects?.[dialect] ?? fn.sql;
}

export class FunctionRegistry<F extends { readonly name: string }> {
  private readonly byName = new Map<string, F>();

  constructor(readonly what: string, fns: readonly F[]) {
    for (const f of fns) {
      if (this.byName.has(f.name)) throw new InternalError(`duplicate ${what} function ${f.name}`);
      this.byName.set(f.name, f);
    }
  }

  get(name: string): F | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}
