import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { fromZod } from '../schema/zod.ts';
import { ColumnBuilder, valueAt, type Batch } from '../columnar/column.ts';
import { readParquet } from './parquet.ts';
import { TableWriter } from './table-writer.ts';

const schema = fromZod(z.object({ id: z.int64(), name: z.string().nullable(), dt: z.iso.date() }));
const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

function batch(from: number, n: number): Batch {
  const b = schema.fields.map((f) => new ColumnBuilder(f.type, n));
  for (let i = from; i < from + n; i++) {
    b[0].push(BigInt(i));
    if (i % 11 === 0) b[1].pushNull();
    else b[1].push(`name ${i}`);
    b[2].push(day(i % 2 ? '2026-11-01' : '2026-11-02'));
  }
  return { schema, length: n, columns: b.map((x) => x.finish()) };
}

async function written(sizes: number[]): Promise<Map<string, unknown[][]>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-table-writer-'));
  const w = new TableWriter({ dir, schema, partitionColumns: ['dt'], compression: 'snappy', fileTag: 't' });
  let from = 0;
  for (const n of sizes) {
    await w.write(batch(from, n));
    from += n;
  }
  const fileSchema = fromZod(z.object({ id: z.int64(), name: z.string().nullable() }));
  const out = new Map<string, unknown[][]>();
  for (const p of await w.close()) {
    const rows: unknown[][] = [];
    for await (const b of readParquet(p.files.map((f) => path.join(dir, p.relPath, f)), { schema: fileSchema })) {
      for (let i = 0; i < b.length; i++) rows.push(b.columns.map((c) => valueAt(c, i)));
    }
    expect(rows.length).toBe(p.rows);
    out.set(p.relPath, rows);
  }
  return out;
}

const expected = (total: number, odd: boolean) =>
  Array.from({ length: total }, (_, i) => i)
    .filter((i) => (i % 2 === 1) === odd)
    .map((i) => [BigInt(i), i % 11 === 0 ? null : `name ${i}`]);

describe('TableWriter', () => {
  // Large batches are written as they are (one record batch each), small ones joined first: the
  // rows of a partition come back in the order they were written either way.
  for (const [what, sizes] of [
    ['large batches', [10_000, 9_000, 12_000]],
    ['small batches', Array.from({ length: 40 }, (_, i) => 50 + i)],
  ] as const) {
    it(`writes each partition's rows in order from ${what}`, async () => {
      const total = sizes.reduce((s, n) => s + n, 0);
      const files = await written([...sizes]);
      expect([...files.keys()]).toEqual(['dt=2026-11-01', 'dt=2026-11-02']);
      expect(files.get('dt=2026-11-01')).toEqual(expected(total, true));
      expect(files.get('dt=2026-11-02')).toEqual(expected(total, false));
    });
  }
});
