/**
 * Evaluates bound expressions over a batch, column at a time. Scalar work is done by the
 * registry's kernels; this file only walks the tree and implements CASE (which must not
 * evaluate branches' errors for rows they do not select, so it is not a plain function).
 */
import { allocData, makeColumn, type Batch, type Column } from '../columnar/column.ts';
import type { BoundExpr } from '../analyze/bound.ts';
import { castColumn } from '../functions/cast.ts';
import { constantColumn } from '../functions/kernel-util.ts';

export function evaluate(e: BoundExpr, batch: Batch): Column {
  switch (e.kind) {
    case 'column':
      return batch.columns[e.index];
    case 'literal':
      return constantColumn(e.type, e.value, batch.length);
    case 'call':
      return e.fn.kernel(
        e.args.map((a) => evaluate(a, batch)),
        batch.length,
        e.type,
        e.argInfo,
      );
    case 'cast':
      return castColumn(evaluate(e.expr, batch), e.type);
    case 'case':
      return evaluateCase(e, batch);
  }
}

function evaluateCase(e: Extract<BoundExpr, { kind: 'case' }>, batch: Batch): Column {
  const n = batch.length;
  const data = allocData(e.type, n) as { [i: number]: unknown };
  const valid = new Uint8Array(n);
  const decided = new Uint8Array(n);
  for (const b of e.branches) {
    const cond = evaluate(b.when, batch);
    const then = coerce(evaluate(b.then, batch), e.type);
    const cd = cond.data as Uint8Array;
    const td = then.data as { [i: number]: unknown };
    for (let i = 0; i < n; i++) {
      if (decided[i] === 1) continue;
      // A null condition is not true: the row falls through to the next branch.
      if (cd[i] === 1 && (cond.valid === null || cond.valid[i] === 1)) {
        decided[i] = 1;
        data[i] = td[i];
        valid[i] = then.valid === null ? 1 : then.valid[i];
      }
    }
  }
  if (e.otherwise) {
    const other = coerce(evaluate(e.otherwise, batch), e.type);
    const od = other.data as { [i: number]: unknown };
    for (let i = 0; i < n; i++) {
      if (decided[i] === 1) continue;
      data[i] = od[i];
      valid[i] = other.valid === null ? 1 : other.valid[i];
    }
  }
  return makeColumn(e.type, data as Column['data'], valid);
}

function coerce(c: Column, to: Column['type']): Column {
  return c.type.kind === to.kind && JSON.stringify(c.type) === JSON.stringify(to) ? c : castColumn(c, to);
}
