import { concatBatches, takeBatch, type Batch } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import { evaluate } from '../evaluate.ts';
import { OUTPUT_BATCH_ROWS, type Stream } from '../stream.ts';
import { sortRows } from '../sort-rows.ts';

/**
 * Materializes the input and sorts a permutation of row indices: each key becomes
 * order-preserving integer codes (direction and null placement applied, Spark's orderings,
 * see keys.ts), then a stable LSD radix sort over the codes; string keys after the first key
 * only break ties (sort-rows.ts). Stable: equal rows keep input order. Emits the permuted rows in batches.
 */
export async function* sort(n: Extract<BoundPlan, { kind: 'sort' }>, input: Stream): AsyncGenerator<Batch> {
  const parts: Batch[] = [];
  for await (const b of input) if (b.length) parts.push(b);
  if (!parts.length) return;
  const all = concatBatches(n.schema, parts);
  const keys = n.keys.map((k) => ({ column: evaluate(k.expr, all), ascending: k.ascending, nullsFirst: k.nullsFirst }));
  const perm = sortRows(null, keys, all.length).order;
  for (let s = 0; s < perm.length; s += OUTPUT_BATCH_ROWS) yield takeBatch(all, perm.subarray(s, s + OUTPUT_BATCH_ROWS));
}
