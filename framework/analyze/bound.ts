/**
 * The analyzed ("bound") plan: every column reference resolved to an input index, every
 * function to its registry entry, every expression typed, every node annotated with its output
 * schema. The engine and the SQL compilers consume this, never the raw DSL plan.
 */
import type { AggregateFunction, ArgInfo, ScalarFunction, WindowFunction } from '../functions/registry.ts';
import type { LiteralValue, WindowFrameBound } from '../plan/expr.ts';
import type { Generator, JoinType, Step } from '../plan/nodes.ts';
import type { DataType, DatasetSchema } from '../schema/types.ts';

export type BoundExpr =
  | { readonly kind: 'column'; readonly index: number; readonly name: string; readonly type: DataType }
  | { readonly kind: 'literal'; readonly value: LiteralValue; readonly type: DataType }
  | {
      readonly kind: 'call';
      readonly fn: ScalarFunction;
      readonly args: readonly BoundExpr[];
      readonly argInfo: readonly ArgInfo[];
      readonly type: DataType;
    }
  | {
      readonly kind: 'case';
      readonly branches: readonly { readonly when: BoundExpr; readonly then: BoundExpr }[];
      readonly otherwise: BoundExpr | null;
      readonly type: DataType;
    }
  | { readonly kind: 'cast'; readonly expr: BoundExpr; readonly type: DataType };

export type BoundExprKind = BoundExpr['kind'];

export interface BoundSortKey {
  readonly expr: BoundExpr;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

export interface BoundAggregate {
  readonly name: string;
  readonly fn: AggregateFunction;
  readonly args: readonly BoundExpr[];
  readonly argInfo: readonly ArgInfo[];
  readonly distinct: boolean;
  readonly type: DataType;
}

export type BoundWindowFunction =
  | { readonly kind: 'ranking'; readonly fn: WindowFunction }
  | { readonly kind: 'aggregate'; readonly fn: AggregateFunction };

/**
 * A RANGE bound with a value: `amount` (never negative) in the storage form of `type`, the type
 * Spark compares the order key with after its own coercion: the key's type for numbers and
 * dates (days, an int), an interval for timestamps.
 */
export type BoundRangeBound =
  | Exclude<WindowFrameBound, { kind: 'offset' }>
  | { readonly kind: 'value'; readonly preceding: boolean; readonly amount: number | bigint; readonly type: DataType };

export type BoundWindowFrame =
  | { readonly unit: 'rows'; readonly start: WindowFrameBound; readonly end: WindowFrameBound }
  | { readonly unit: 'range'; readonly start: BoundRangeBound; readonly end: BoundRangeBound };

export interface BoundWindowColumn {
  readonly name: string;
  readonly fn: BoundWindowFunction;
  readonly args: readonly BoundExpr[];
  readonly argInfo: readonly ArgInfo[];
  readonly partitionBy: readonly BoundExpr[];
  readonly orderBy: readonly BoundSortKey[];
  /** Always explicit after analysis: Spark's default frame is filled in (null: the whole partition, no ORDER BY). */
  readonly frame: BoundWindowFrame | null;
  readonly type: DataType;
}

interface Base {
  readonly step: Step;
  readonly schema: DatasetSchema;
}

export type BoundPlan =
  | (Base & { readonly kind: 'scan'; readonly input: string })
  | (Base & { readonly kind: 'filter'; readonly input: BoundPlan; readonly predicate: BoundExpr })
  | (Base & { readonly kind: 'project'; readonly input: BoundPlan; readonly columns: readonly BoundExpr[] })
  | (Base & { readonly kind: 'window'; readonly input: BoundPlan; readonly columns: readonly BoundWindowColumn[] })
  | (Base & {
      readonly kind: 'aggregate';
      readonly input: BoundPlan;
      readonly groupBy: readonly BoundExpr[];
      readonly aggregates: readonly BoundAggregate[];
    })
  | (Base & {
      readonly kind: 'join';
      readonly left: BoundPlan;
      readonly right: BoundPlan;
      readonly how: JoinType;
      /** Key column indices on each side, pairwise; keys are cast to a common type by the analyzer when needed. */
      readonly leftKeys: readonly BoundExpr[];
      readonly rightKeys: readonly BoundExpr[];
      /**
       * Where each output column comes from. A USING key of a right/full join is the
       * coalesce of both sides.
       */
      readonly output: readonly JoinOutputColumn[];
    })
  | (Base & {
      readonly kind: 'union';
      readonly inputs: readonly BoundPlan[];
      /** Per input, per output column: the input column index, or -1 for a missing column (null). */
      readonly columnMaps: readonly (readonly number[])[];
    })
  | (Base & { readonly kind: 'sort'; readonly input: BoundPlan; readonly keys: readonly BoundSortKey[] })
  | (Base & { readonly kind: 'limit'; readonly input: BoundPlan; readonly count: number })
  | (Base & {
      /** The schema: the input's columns, then the generated ones. */
      readonly kind: 'generate';
      readonly input: BoundPlan;
      readonly generator: Generator;
      readonly outer: boolean;
      /** An array or a map. */
      readonly expr: BoundExpr;
    })
  | (Base & {
      readonly kind: 'deduplicate';
      readonly input: BoundPlan;
      readonly keys: readonly BoundExpr[];
      readonly orderBy: readonly BoundSortKey[];
    });

export type JoinOutputColumn =
  | { readonly from: 'left' | 'right'; readonly index: number }
  | { readonly from: 'coalesce'; readonly leftIndex: number; readonly rightIndex: number };

export type BoundPlanKind = BoundPlan['kind'];
