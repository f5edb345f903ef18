import type { Batch } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import { evaluate } from '../evaluate.ts';
import type { Stream } from '../stream.ts';

/** Computes the output columns of each batch. Streams; column references are not copied. */
export async function* project(n: Extract<BoundPlan, { kind: 'project' }>, input: Stream): AsyncGenerator<Batch> {
  for await (const batch of input) yield projectBatch(n, batch);
}

export function projectBatch(n: Extract<BoundPlan, { kind: 'project' }>, batch: Batch): Batch {
  return { schema: n.schema, length: batch.length, columns: n.columns.map((c) => evaluate(c, batch)) };
}
