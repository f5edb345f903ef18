import { describe, expect, it } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ColumnBuilder, valueAt, type Batch } from '../columnar/column.ts';
import type { InputSpec } from '../dsl/sources.ts';
import { writeParquet } from '../io/parquet.ts';
import { T, field, schemaOf } from '../schema/types.ts';
import { readerOf } from './inputs.ts';

describe('a Parquet input read for some of its columns', () => {
  it('passes the unread ones on as nulls, one column per batch length shared by its batches', async () => {
    const schema = schemaOf([field('id', T.int64), field('name', T.string), field('score', T.float64)]);
    const rows = 150_000; // three batches of the reader's 65,536 rows, the last shorter
    const b = schema.fields.map((f) => new ColumnBuilder(f.type, rows));
    for (let i = 0; i < rows; i++) b[0].push(BigInt(i)), b[1].push(`n${i}`), b[2].push(i / 2);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'etl-inputs-')), 'part-0.parquet');
    await writeParquet(file, { schema, length: rows, columns: b.map((x) => x.finish()) }, schema, { compression: 'snappy' });

    const listed = { files: [{ path: file, size: statSync(file).size, mtimeMs: 0, partition: {} }], partitionColumns: [] };
    const batches: Batch[] = [];
    for await (const batch of readerOf({ format: 'parquet' } as InputSpec, listed).open(schema, { onBadRecord: () => {} }, [true, false, true])) batches.push(batch);

    expect(batches.map((x) => x.length)).toEqual([65_536, 65_536, 18_928]);
    expect(batches[1].columns[1]).toBe(batches[0].columns[1]);
    for (const x of batches) {
      expect(x.columns[1].length).toBe(x.length);
      expect(x.columns[1].valid!.every((v) => v === 0)).toBe(true);
    }
    expect([valueAt(batches[2].columns[0], 0), valueAt(batches[2].columns[2], 0)]).toEqual([131_072n, 65_536]);
  });
});
