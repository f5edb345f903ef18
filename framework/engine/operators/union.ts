import type { Batch } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import type { Stream } from '../stream.ts';

/** UNION ALL: the analyzer aligned every input to the output's columns, so batches pass through. */
export async function* union(n: Extract<BoundPlan, { kind: 'union' }>, inputs: readonly Stream[]): AsyncGenerator<Batch> {
  for (const input of inputs) for await (const batch of input) yield { ...batch, schema: n.schema };
}
