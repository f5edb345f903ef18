import { concatBatches, sliceBatch, takeBatch, type Batch } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import { evaluate } from '../evaluate.ts';
import { OUTPUT_BATCH_ROWS, type Stream } from '../stream.ts';
import { sortPermutation } from '../sort-keys.ts';

/** Materializes the input, sorts a permutation of row indices, emits in batches. */
export async function* sort(n: Extract<BoundPlan, { kind: 'sort' }>, input: Stream): AsyncGenerator<Batch> {
  const parts: Batch[] = [];
  for await (const b of input) if (b.length) parts.push(b);
  if (!parts.length) return;
  const all = concatBatches(n.schema, parts);
  const keys = n.keys.map((k) => ({ column: evaluate(k.expr, all), ascending: k.ascending, nullsFirst: k.nullsFirst }));
  const sorted = takeBatch(all, sortPermutation(keys, all.length));
  for (let i = 0; i < sorted.length; i += OUTPUT_BATCH_ROWS) yield sliceBatch(sorted, i, Math.min(sorted.length, i + OUTPUT_BATCH_ROWS));
}
