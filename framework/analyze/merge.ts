/**
 * The merge rule of an incremental run: how new rows join the rows a partition already has.
 * It is the job's own deduplication (`dropDuplicates(keys, { orderBy })`), read off the bound
 * plan and expressed on the output's columns, so that merging new rows into a partition gives
 * what one run over all the data would have given.
 *
 * That holds only for transforms that work row by row around that deduplication (filter,
 * select, withColumn, rename, sort): an aggregate, join, window or union of a row depends on
 * other rows that an incremental run does not read. Those jobs are refused with the reason.
 */
import type { BoundExpr, BoundPlan, BoundSortKey } from './bound.ts';

export interface MergeRule {
  /** Output column indices of the deduplication keys. */
  readonly keys: readonly number[];
  /** Which row of a key is kept: the first in this order (output column indices). */
  readonly orderBy: readonly { readonly index: number; readonly ascending: boolean; readonly nullsFirst: boolean }[];
  /** The step that declared it, for messages. */
  readonly step: string;
}

export type MergeAnalysis = { readonly ok: true; readonly rule: MergeRule } | { readonly ok: false; readonly problem: string };

/** A column reference, possibly widened by the output binding (int -> bigint keeps equality and order). */
function columnOf(e: BoundExpr): number | undefined {
  if (e.kind === 'column') return e.index;
  if (e.kind === 'cast' && e.expr.kind === 'column') return e.expr.index;
  return undefined;
}

export function mergeRuleOf(output: BoundPlan): MergeAnalysis {
  // toOutput[i]: the output column that carries column i of the current node unchanged.
  let toOutput: (number | undefined)[] = output.schema.fields.map((_, i) => i);
  let node = output;
  for (;;) {
    switch (node.kind) {
      case 'project': {
        const next: (number | undefined)[] = node.input.schema.fields.map(() => undefined);
        node.columns.forEach((e, j) => {
          const from = columnOf(e);
          if (from !== undefined && toOutput[j] !== undefined) next[from] = toOutput[j];
        });
        toOutput = next;
        node = node.input;
        continue;
      }
      case 'filter':
      case 'sort':
        node = node.input;
        continue;
      case 'generate':
        // The input's columns come first, unchanged; the generated ones exist only here.
        toOutput = toOutput.slice(0, node.input.schema.fields.length);
        node = node.input;
        continue;
      case 'deduplicate': {
        const keys = node.keys.map((k) => columnOf(k));
        const orderBy = node.orderBy.map((k: BoundSortKey) => ({ index: columnOf(k.expr), ascending: k.ascending, nullsFirst: k.nullsFirst }));
        const lost = [...node.keys.map((k) => k), ...node.orderBy.map((k) => k.expr)].find((e) => {
          const i = columnOf(e);
          return i === undefined || toOutput[i] === undefined;
        });
        if (lost) {
          return { ok: false, problem: `the ${node.step.label} keys or ordering (${exprName(lost)}) are not output columns, so rows already written cannot be merged by them` };
        }
        const below = notRowWise(node.input);
        if (below) return { ok: false, problem: below };
        return {
          ok: true,
          rule: {
            keys: keys.map((i) => toOutput[i!]!),
            orderBy: orderBy.map((o) => ({ index: toOutput[o.index!]!, ascending: o.ascending, nullsFirst: o.nullsFirst })),
            step: node.step.label,
          },
        };
      }
      case 'scan':
        return { ok: false, problem: 'the transform has no dropDuplicates, so nothing says how new rows merge with the rows a partition has (a retried run would add them twice)' };
      case 'aggregate':
      case 'join':
      case 'window':
      case 'union':
      case 'limit':
        return { ok: false, problem: notRowWise(node)! };
    }
  }
}

/** Why a plan below the deduplication is not row-wise over one input, or undefined. */
function notRowWise(node: BoundPlan): string | undefined {
  switch (node.kind) {
    case 'scan':
      return undefined;
    case 'filter':
    case 'project':
    case 'generate':
      return notRowWise(node.input);
    case 'deduplicate':
    case 'sort':
      return notRowWise(node.input);
    case 'aggregate':
    case 'join':
    case 'window':
    case 'union':
    case 'limit':
      return `its ${node.step.label} computes each row from other rows, which an incremental run does not read`;
  }
}

function exprName(e: BoundExpr): string {
  return e.kind === 'column' ? e.name : e.kind === 'cast' && e.expr.kind === 'column' ? e.expr.name : 'an expression';
}
