import { sliceBatch, type Batch } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import type { Stream } from '../stream.ts';

/** The first `count` rows; stops pulling its input once it has them. */
export async function* limit(n: Extract<BoundPlan, { kind: 'limit' }>, input: Stream): AsyncGenerator<Batch> {
  let left = n.count;
  if (left === 0) return;
  for await (const batch of input) {
    if (batch.length >= left) {
      yield { ...sliceBatch(batch, 0, left), schema: n.schema };
      return;
    }
    left -= batch.length;
    yield { ...batch, schema: n.schema };
  }
}
