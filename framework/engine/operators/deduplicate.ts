import { concatBatches, takeBatch, type Batch } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import { evaluate } from '../evaluate.ts';
import type { ExecContext } from '../execute.ts';
import { KeyIndex } from '../keys.ts';
import { rowComparator } from '../sort-keys.ts';
import { OUTPUT_BATCH_ROWS, type Stream } from '../stream.ts';

/**
 * One row per key: the first by the ordering, as row_number() over (partition by keys order
 * by ...) = 1 keeps in Spark. Exact ties keep the row read first; Spark may keep either, so
 * a tie-free ordering (add a unique column) makes both agree.
 */
export async function* deduplicate(n: Extract<BoundPlan, { kind: 'deduplicate' }>, input: Stream, ctx: ExecContext): AsyncGenerator<Batch> {
  const parts: Batch[] = [];
  for await (const b of input) if (b.length) parts.push(b);
  if (!parts.length) return;
  const all = concatBatches(n.schema, parts);
  const ids = new KeyIndex().assign(n.keys.map((k) => evaluate(k, all)), all.length);
  const cmp = rowComparator(n.orderBy.map((k) => ({ column: evaluate(k.expr, all), ascending: k.ascending, nullsFirst: k.nullsFirst })));
  const best = new Int32Array(all.length).fill(-1);
  let groups = 0;
  for (let i = 0; i < all.length; i++) {
    const g = ids[i];
    if (g >= groups) groups = g + 1;
    if (best[g] < 0 || cmp(i, best[g]) < 0) best[g] = i;
  }
  const keep = best.subarray(0, groups).slice().sort();
  ctx.onRowsFiltered?.(all.length - keep.length);
  for (let s = 0; s < keep.length; s += OUTPUT_BATCH_ROWS) yield takeBatch(all, keep.subarray(s, s + OUTPUT_BATCH_ROWS));
}
