import { concatBatches, takeBatch, type Batch } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import { evaluate } from '../evaluate.ts';
import type { ExecContext } from '../execute.ts';
import { KeyIndex, orderCodes, type OrderCodes } from '../keys.ts';
import { OUTPUT_BATCH_ROWS, type Stream } from '../stream.ts';

/**
 * One row per key: the first by the ordering, as row_number() over (partition by keys order
 * by ...) = 1 keeps in Spark. Key ids come batch by batch (typed hash table); the ordering is
 * compared on integer codes of the materialized input in one pass, so it is O(n).
 * Exact ties keep the row read first; Spark may keep either, so the DSL should warn unless the
 * ordering ends with a unique column. Null keys are one key (as in Spark's PARTITION BY).
 * Output rows keep input order. Removed rows are reported as filtered.
 */
export async function* deduplicate(n: Extract<BoundPlan, { kind: 'deduplicate' }>, input: Stream, ctx: ExecContext): AsyncGenerator<Batch> {
  const index = new KeyIndex();
  const parts: Batch[] = [];
  const idParts: Int32Array[] = [];
  for await (const b of input) {
    if (!b.length) continue;
    parts.push(b);
    idParts.push(index.assign(n.keys.map((k) => evaluate(k, b)), b.length));
  }
  if (!parts.length) return;
  const all = concatBatches(n.schema, parts);
  const total = all.length;
  const ids = new Int32Array(total);
  for (let p = 0, off = 0; p < idParts.length; off += idParts[p].length, p++) ids.set(idParts[p], off);
  const codes: OrderCodes[] = n.orderBy.map((k) => orderCodes({ column: evaluate(k.expr, all), ascending: k.ascending, nullsFirst: k.nullsFirst }));
  const groups = index.size;
  const best = new Int32Array(groups).fill(-1);
  const K = codes.length;
  const c0 = K > 0 ? codes[0].codes : null;
  for (let i = 0; i < total; i++) {
    const g = ids[i];
    const b = best[g];
    if (b < 0) {
      best[g] = i;
      continue;
    }
    // Strictly smaller wins; ties keep the earlier row.
    let d = c0 === null ? 0 : c0[i] - c0[b];
    for (let j = 1; d === 0 && j < K; j++) d = codes[j].codes[i] - codes[j].codes[b];
    if (d < 0) best[g] = i;
  }
  const keep = best.sort();
  ctx.onRowsFiltered?.(total - keep.length);
  for (let s = 0; s < keep.length; s += OUTPUT_BATCH_ROWS) yield takeBatch(all, keep.subarray(s, s + OUTPUT_BATCH_ROWS));
}
