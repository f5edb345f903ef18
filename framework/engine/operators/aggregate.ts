import { concatColumns, emptyBatch, take, type Batch, type Column } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import { evaluate } from '../evaluate.ts';
import type { Stream } from '../stream.ts';
import { KeyIndex } from '../keys.ts';

/**
 * Hash aggregate: group ids from the key columns (typed-array hash table, see keys.ts), then
 * the registry's accumulators updated a batch at a time with the group id of each row.
 * Holds one accumulator slot per group and each group's key values, not the input rows.
 * Null keys form a group of their own (SQL GROUP BY); NaN is one group and -0.0 = 0.0.
 * Without GROUP BY there is always one row, even over no input (count = 0, sum = null), as Spark.
 */
export async function* aggregate(n: Extract<BoundPlan, { kind: 'aggregate' }>, input: Stream): AsyncGenerator<Batch> {
  const index = new KeyIndex();
  const accumulators = n.aggregates.map((a) => a.fn.accumulator(a.argInfo, a.type, a.distinct));
  const keyChunks: Column[][] = n.groupBy.map(() => []);
  const grouped = n.groupBy.length > 0;
  for await (const batch of input) {
    if (batch.length === 0) continue;
    const keys = n.groupBy.map((g) => evaluate(g, batch));
    const before = index.size;
    const groups = grouped ? index.assign(keys, batch.length) : new Int32Array(batch.length);
    const numGroups = grouped ? index.size : 1;
    if (grouped && numGroups > before) {
      // Remember the key values of the groups first seen in this batch, in id order.
      const first = new Int32Array(numGroups - before).fill(-1);
      for (let i = 0; i < batch.length; i++) {
        const g = groups[i] - before;
        if (g >= 0 && first[g] < 0) first[g] = i;
      }
      keys.forEach((k, j) => keyChunks[j].push(take(k, first)));
    }
    for (let j = 0; j < accumulators.length; j++) {
      accumulators[j].update(groups, numGroups, n.aggregates[j].args.map((a) => evaluate(a, batch)), batch.length);
    }
  }
  const numGroups = grouped ? index.size : 1;
  if (numGroups === 0) {
    yield emptyBatch(n.schema);
    return;
  }
  const keyColumns = n.groupBy.map((g, j) => concatColumns(g.type, keyChunks[j]));
  const aggColumns = accumulators.map((a) => a.finish(numGroups));
  yield { schema: n.schema, length: numGroups, columns: [...keyColumns, ...aggColumns] };
}
