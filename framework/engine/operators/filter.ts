import { takeBatch, type Batch } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import { evaluate } from '../evaluate.ts';
import type { ExecContext } from '../execute.ts';
import type { Stream } from '../stream.ts';

/** Keeps rows whose predicate is true; null is not true (SQL WHERE). Streams. */
export async function* filter(n: Extract<BoundPlan, { kind: 'filter' }>, input: Stream, ctx: ExecContext): AsyncGenerator<Batch> {
  for await (const batch of input) {
    const p = evaluate(n.predicate, batch);
    const d = p.data as Uint8Array;
    const v = p.valid;
    const selection = new Int32Array(batch.length);
    let k = 0;
    for (let i = 0; i < batch.length; i++) if (d[i] === 1 && (v === null || v[i] === 1)) selection[k++] = i;
    ctx.onRowsFiltered?.(batch.length - k);
    if (k === batch.length) yield { ...batch, schema: n.schema };
    else if (k > 0) yield { ...takeBatch(batch, selection.subarray(0, k)), schema: n.schema };
  }
}
