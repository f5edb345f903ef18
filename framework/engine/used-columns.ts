/**
 * Which columns of each scan the plan reads. A Parquet input then decodes only those (the
 * others are passed on as nulls nobody looks at): user_sessions reads 5 of analytics.events'
 * 10 columns, and its nested device/properties columns cost more to decode than all the rest.
 * The walk is top-down: a node needs from its input what its own expressions reference plus
 * what its consumers need of its output.
 */
import type { BoundExpr, BoundPlan, BoundSortKey } from '../analyze/bound.ts';
import { assertNeverPlan } from '../analyze/exhaustive.ts';

/** Per scan node: used[i] is true when column i of its schema is read by the plan. */
export type UsedColumns = Map<BoundPlan & { kind: 'scan' }, boolean[]>;

export function usedColumns(root: BoundPlan): UsedColumns {
  const out: UsedColumns = new Map();
  visit(root, new Set(root.schema.fields.map((_, i) => i)), out);
  return out;
}

function visit(n: BoundPlan, needed: ReadonlySet<number>, out: UsedColumns): void {
  switch (n.kind) {
    case 'scan': {
      const used = out.get(n) ?? n.schema.fields.map(() => false);
      for (const i of needed) used[i] = true;
      out.set(n, used);
      return;
    }
    case 'filter':
      return visit(n.input, refs([n.predicate], new Set(needed)), out);
    case 'project':
      return visit(n.input, refs([...needed].map((i) => n.columns[i]), new Set()), out);
    case 'window': {
      const width = n.input.schema.fields.length;
      const s = new Set([...needed].filter((i) => i < width));
      // every window column is computed, whichever the consumers read
      for (const w of n.columns) refs([...w.args, ...w.partitionBy], s), sortRefs(w.orderBy, s);
      return visit(n.input, s, out);
    }
    case 'aggregate':
      return visit(n.input, refs([...n.groupBy, ...n.aggregates.flatMap((a) => a.args)], new Set()), out);
    case 'join': {
      const left = refs(n.leftKeys, new Set());
      const right = refs(n.rightKeys, new Set());
      for (const i of needed) {
        const o = n.output[i];
        if (o.from === 'coalesce') left.add(o.leftIndex), right.add(o.rightIndex);
        else (o.from === 'left' ? left : right).add(o.index);
      }
      visit(n.left, left, out);
      return visit(n.right, right, out);
    }
    case 'union':
      n.inputs.forEach((input, k) => visit(input, new Set([...needed].map((i) => n.columnMaps[k][i]).filter((i) => i >= 0)), out));
      return;
    case 'sort':
      return visit(n.input, sortRefs(n.keys, new Set(needed)), out);
    case 'limit':
      return visit(n.input, needed, out);
    case 'deduplicate':
      return visit(n.input, sortRefs(n.orderBy, refs(n.keys, new Set(needed))), out);
    case 'generate': {
      const width = n.input.schema.fields.length;
      return visit(n.input, refs([n.expr], new Set([...needed].filter((i) => i < width))), out);
    }
    default:
      return assertNeverPlan(n);
  }
}

function sortRefs(keys: readonly BoundSortKey[], into: Set<number>): Set<number> {
  return refs(keys.map((k) => k.expr), into);
}

/** Adds the input columns the expressions reference to `into`. */
function refs(exprs: readonly BoundExpr[], into: Set<number>): Set<number> {
  const walk = (e: BoundExpr): void => {
    switch (e.kind) {
      case 'column':
        into.add(e.index);
        return;
      case 'literal':
        return;
      case 'call':
        return e.args.forEach(walk);
      case 'case':
        for (const b of e.branches) walk(b.when), walk(b.then);
        if (e.otherwise) walk(e.otherwise);
        return;
      case 'cast':
        return walk(e.expr);
    }
  };
  exprs.forEach(walk);
  return into;
}
