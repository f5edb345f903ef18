import { nullColumn, type Batch, type Column } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import type { Stream } from '../stream.ts';

/**
 * UNION ALL by name: each input's batches are mapped to the output's columns through the
 * analyzer's column map (-1 = a column the input lacks: nulls). The analyzer already projects
 * every input to the output's order and types, so the map is usually the identity and batches
 * pass through. Streams, one input after the other.
 */
export async function* union(n: Extract<BoundPlan, { kind: 'union' }>, inputs: readonly Stream[]): AsyncGenerator<Batch> {
  for (let k = 0; k < inputs.length; k++) {
    const map = n.columnMaps[k] ?? n.schema.fields.map((_, i) => i);
    const identity = map.length === n.schema.fields.length && map.every((m, i) => m === i);
    for await (const batch of inputs[k]) {
      if (batch.length === 0) continue;
      if (identity) {
        yield { ...batch, schema: n.schema };
        continue;
      }
      const columns = map.map((m, i): Column => (m < 0 ? nullColumn(n.schema.fields[i].type, batch.length) : batch.columns[m]));
      yield { schema: n.schema, length: batch.length, columns };
    }
  }
}
