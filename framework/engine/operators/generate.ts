import { ColumnBuilder, take, type Batch } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import { evaluate } from '../evaluate.ts';
import type { Stream } from '../stream.ts';

/**
 * explode / posexplode: one output row per element of each row's array (entry of its map), the
 * input columns gathered by row index; with `outer`, a null or empty one yields one row of nulls.
 * Streams batch by batch.
 */
export async function* generate(n: Extract<BoundPlan, { kind: 'generate' }>, input: Stream): AsyncGenerator<Batch> {
  const width = n.input.schema.fields.length;
  const generated = n.schema.fields.slice(width);
  const withPosition = n.generator === 'posexplode';
  for await (const batch of input) {
    const values = evaluate(n.expr, batch);
    const rows: number[] = [];
    const builders = generated.map((f) => new ColumnBuilder(f.type, Math.max(16, batch.length)));
    const emit = (row: number, position: number | null, items: readonly unknown[] | null) => {
      rows.push(row);
      const cells = [...(withPosition ? [position] : []), ...(items ?? generated.slice(withPosition ? 1 : 0).map(() => null))];
      cells.forEach((v, k) => (v === null || v === undefined ? builders[k].pushNull() : builders[k].push(v)));
    };
    for (let i = 0; i < batch.length; i++) {
      const v = values.valid === null || values.valid[i] === 1 ? (values.data as unknown[])[i] : null;
      // Arrays give their elements, maps (objects by key) their [key, value] entries.
      const items = v === null ? [] : Array.isArray(v) ? v.map((x) => [x]) : Object.entries(v as Record<string, unknown>);
      if (items.length === 0) {
        if (n.outer) emit(i, null, null);
        continue;
      }
      items.forEach((item, position) => emit(i, position, item));
    }
    const indices = Int32Array.from(rows);
    yield { schema: n.schema, length: rows.length, columns: [...batch.columns.map((c) => take(c, indices)), ...builders.map((b) => b.finish())] };
  }
}
