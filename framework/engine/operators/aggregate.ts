import { concatColumns, emptyBatch, take, type Batch, type Column } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import { evaluate } from '../evaluate.ts';
import type { Stream } from '../stream.ts';
import { KeyIndex } from '../keys.ts';

/**
 * Hash aggregate: group ids from the key columns, accumulators updated a batch at a time.
 * Holds one accumulator slot per group and each group's key values, not the input rows.
 */
export async function* aggregate(n: Extract<BoundPlan, { kind: 'aggregate' }>, input: Stream): AsyncGenerator<Batch> {
  const index = new KeyIndex();
  const accumulators = n.aggregates.map((a) => a.fn.accumulator(a.argInfo, a.type, a.distinct));
  const keyChunks: Column[][] = n.groupBy.map(() => []);
  for await (const batch of input) {
    if (batch.length === 0) continue;
    const keys = n.groupBy.map((g) => evaluate(g, batch));
    const before = index.size;
    const groups = n.groupBy.length ? index.assign(keys, batch.length) : new Int32Array(batch.length);
    const numGroups = n.groupBy.length ? index.size : 1;
    if (n.groupBy.length && index.size > before) {
      // Remember the key values of groups first seen in this batch.
      const firstRows: number[] = [];
      for (let i = 0, next = before; i < batch.length; i++) if (groups[i] === next) (firstRows.push(i), next++);
      keys.forEach((k, j) => keyChunks[j].push(take(k, firstRows)));
    }
    accumulators.forEach((acc, j) => acc.update(groups, numGroups, n.aggregates[j].args.map((a) => evaluate(a, batch)), batch.length));
  }
  // Without GROUP BY there is always one row, even over no input (count = 0, sum = null).
  const numGroups = n.groupBy.length ? index.size : 1;
  if (numGroups === 0) {
    yield emptyBatch(n.schema);
    return;
  }
  const keyColumns = n.groupBy.map((g, j) => concatColumns(g.type, keyChunks[j]));
  const aggColumns = accumulators.map((a) => a.finish(numGroups));
  yield { schema: n.schema, length: numGroups, columns: [...keyColumns, ...aggColumns] };
}
