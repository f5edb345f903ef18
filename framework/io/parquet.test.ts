import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DuckDBInstance } from '@duckdb/node-api';
import { fromZod, decimal, binary } from '../schema/zod.ts';
import { ColumnBuilder, valueAt, type Batch } from '../columnar/column.ts';
import { readParquet, writeParquet } from './parquet.ts';
import { InputFileError } from './types.ts';

const Everything = z.object({
  s: z.string().nullable(),
  i: z.int32().nullable(),
  l: z.int64().nullable(),
  f: z.float64().nullable(),
  b: z.boolean().nullable(),
  d: z.iso.date().nullable(),
  t: z.iso.datetime().nullable(),
  m: decimal(10, 2).nullable(),
  st: z.object({ x: z.string(), y: z.int64().nullable() }).nullable(),
  arr: z.array(z.string()).nullable(),
  mp: z.record(z.string(), z.int32()).nullable(),
});
const schema = fromZod(Everything);
const dir = mkdtempSync(path.join(tmpdir(), 'etl-parquet-'));

function batch(): Batch {
  const values: unknown[][] = [
    ['héllo 😀', 1, 9007199254740993n, 1.5, 1, 20393, 1_762_000_000_123_456n, 12345n, { x: 'a', y: 5n }, ['p', 'q'], { k: 1 }],
    ['', -2147483648, -9223372036854775808n, -0.25, 0, -1, -1n, -1n, { x: 'b', y: null }, [], {}],
    [null, null, null, null, null, null, null, null, null, null, null],
  ];
  const b = schema.fields.map((f) => new ColumnBuilder(f.type, 4));
  for (const row of values) row.forEach((v, k) => (v === null ? b[k].pushNull() : b[k].push(v)));
  return { schema, length: values.length, columns: b.map((x) => x.finish()) };
}

async function readBack(file: string) {
  const rows: unknown[][] = [];
  for await (const r of readParquet([file], { schema })) for (let i = 0; i < r.length; i++) rows.push(r.columns.map((c) => valueAt(c, i)));
  return rows;
}

describe('Parquet', () => {
  for (const compression of ['snappy', 'zstd', 'gzip', 'none'] as const) {
    it(`round-trips every type with ${compression}`, async () => {
      const file = path.join(dir, `all-${compression}.parquet`);
      const b = batch();
      await writeParquet(file, b, schema, { compression });
      const expected = Array.from({ length: b.length }, (_, i) => b.columns.map((c) => valueAt(c, i)));
      expect(await readBack(file)).toEqual(expected);
    });
  }

  it('DuckDB reads our Parquet with the same values and types', async () => {
    const file = path.join(dir, 'duck.parquet');
    await writeParquet(file, batch(), schema, { compression: 'snappy' });
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run("SET TimeZone = 'UTC'");
    const types = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson().map((r) => `${r.column_name}:${r.column_type}`);
    expect(types).toEqual([
      's:VARCHAR',
      'i:INTEGER',
      'l:BIGINT',
      'f:DOUBLE',
      'b:BOOLEAN',
      'd:DATE',
      't:TIMESTAMP WITH TIME ZONE',
      'm:DECIMAL(10,2)',
      'st:STRUCT(x VARCHAR, y BIGINT)',
      'arr:VARCHAR[]',
      'mp:MAP(VARCHAR, INTEGER)',
    ]);
    const rows = (
      await conn.runAndReadAll(`SELECT s, l::VARCHAR AS l, d::VARCHAR AS d, strftime(t, '%Y-%m-%d %H:%M:%S.%f') AS t, m::VARCHAR AS m, st.x AS sx, arr[1] AS a1 FROM read_parquet('${file}')`)
    ).getRowObjectsJson();
    expect(rows[0]).toEqual({ s: 'héllo 😀', l: '9007199254740993', d: '2025-11-01', t: '2025-11-01 12:26:40.123456', m: '123.45', sx: 'a', a1: 'p' });
    expect(rows[1]).toMatchObject({ l: '-9223372036854775808', d: '1969-12-31', t: '1969-12-31 23:59:59.999999', m: '-0.01' });
    conn.closeSync();
  });

  it('reads Parquet that DuckDB writes: ZSTD, dictionary-encoded strings, other timestamp units', async () => {
    const file = path.join(dir, 'from-duck.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(
      `COPY (SELECT 'v' || (i % 3) AS s, i::INTEGER AS i, (i * 1000000000000)::BIGINT AS l, TIMESTAMPTZ '2026-11-01 00:00:00+00' + to_microseconds(i) AS t, DATE '2026-11-01' + i::INTEGER AS d FROM range(5) r(i)) TO '${file}' (FORMAT PARQUET, COMPRESSION ZSTD)`,
    );
    conn.closeSync();
    const s = fromZod(z.object({ s: z.string(), i: z.int64(), l: z.int64(), t: z.iso.datetime(), d: z.iso.date() }));
    const rows: unknown[][] = [];
    for await (const r of readParquet([file], { schema: s })) for (let i = 0; i < r.length; i++) rows.push(r.columns.map((c) => valueAt(c, i)));
    expect(rows[4]).toEqual(['v1', 4n, 4_000_000_000_000n, BigInt(Date.UTC(2026, 10, 1)) * 1000n + 4n, Date.UTC(2026, 10, 1) / 86_400_000 + 4]);
  });

  it('reads binary, decimal(38), unsigned ints and binary text as DuckDB writes them, matching names ignoring case as Spark does', async () => {
    const file = path.join(dir, 'wide.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(
      `COPY (SELECT '\\x00\\xFFab'::BLOB AS Payload, 12345678901234567890123456789.123456789::DECIMAL(38,9) AS Big, -99999999999999999999999999999.999999999::DECIMAL(38,9) AS Small,
        200::UTINYINT AS u8, 4000000000::UINTEGER AS u32, 18446744073709551615::UBIGINT AS u64, encode('héllo') AS text_bytes, '\\xFF'::BLOB AS bad_text) TO '${file}' (FORMAT PARQUET)`,
    );
    conn.closeSync();
    const s = fromZod(z.object({ payload: binary(), big: decimal(38, 9), small: decimal(38, 9), u8: z.int32(), u32: z.int64(), u64: decimal(20, 0), text_bytes: z.string() }));
    const rows: unknown[][] = [];
    for await (const r of readParquet([file], { schema: s })) for (let i = 0; i < r.length; i++) rows.push(r.columns.map((c) => valueAt(c, i)));
    expect(rows).toEqual([[new Uint8Array([0, 255, 97, 98]), 12345678901234567890123456789123456789n, -99999999999999999999999999999999999999n, 200, 4000000000n, 18446744073709551615n, 'héllo']]);
    // Bytes that are not UTF-8 are not text: refused, never turned into U+FFFD.
    const err = await (async () => {
      for await (const _ of readParquet([file], { schema: fromZod(z.object({ bad_text: z.string() })) }));
    })().catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(InputFileError);
    expect((err as Error).message).toMatch(/wide\.parquet: column 'bad_text' holds bytes that are not UTF-8 text .*ff/);
    expect((err as InputFileError).hint).toContain('binary()');
    // Narrowing is refused: the file's UINT32 does not fit an int.
    const narrow = await (async () => {
      for await (const _ of readParquet([file], { schema: fromZod(z.object({ u32: z.int32() })) }));
    })().catch((e: unknown) => e as Error);
    expect((narrow as Error).message).toMatch(/column 'u32' is bigint in the file \(Parquet INT32 UINT_32\), but the schema says int/);
  });

  it('writes binary and decimal(38) that DuckDB reads back exactly', async () => {
    const s = fromZod(z.object({ b: binary().nullable(), d: decimal(38, 2).nullable() }));
    const b = s.fields.map((f) => new ColumnBuilder(f.type, 4));
    b[0].push(new Uint8Array([1, 2, 255]));
    b[1].push(-12345678901234567890123456789012345678n);
    b[0].pushNull();
    b[1].push(99999999999999999999999999999999999999n);
    const file = path.join(dir, 'wide-out.parquet');
    await writeParquet(file, { schema: s, length: 2, columns: b.map((x) => x.finish()) }, s, { compression: 'snappy' });
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll(`SELECT hex(b) AS b, d::VARCHAR AS d, typeof(d) AS t FROM read_parquet('${file}')`)).getRowObjectsJson();
    expect(rows).toEqual([
      { b: '0102FF', d: '-123456789012345678901234567890123456.78', t: 'DECIMAL(38,2)' },
      { b: null, d: '999999999999999999999999999999999999.99', t: 'DECIMAL(38,2)' },
    ]);
    conn.closeSync();
  });

  it('names the file and column on a type mismatch, and the file on a damaged footer', async () => {
    const file = path.join(dir, 'typed.parquet');
    await writeParquet(file, batch(), schema, { compression: 'snappy' });
    const wrong = fromZod(z.object({ s: z.int64() }));
    const err = await (async () => {
      for await (const _ of readParquet([file], { schema: wrong }));
    })().catch((e) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect(err.message).toMatch(/column 's' is string in the file \(Parquet BYTE_ARRAY UTF8\), but the schema says bigint/);
    const broken = path.join(dir, 'broken.parquet');
    writeFileSync(broken, Buffer.from('PAR1 definitely not parquet'));
    await expect(readBack(broken)).rejects.toThrow(/broken\.parquet: does not end with the Parquet magic bytes PAR1/);
  });

  it('writes strings exactly whatever their mix of ASCII, other text and nulls, and DuckDB reads them', async () => {
    // Several runs when encoding (utf8Buffers: 256 rows) and decoding (utf8Values: 32 KB): all
    // ASCII ones, ones with other text, nulls at run edges, and lone surrogates at value edges,
    // which must not pair up across two values.
    const s = fromZod(z.object({ s: z.string().nullable() }));
    const values: (string | null)[] = [];
    for (let i = 0; i < 1500; i++) {
      if (i % 256 === 255 || i % 97 === 0) values.push(null);
      else if (i >= 600 && i < 900 && i % 50 === 1) values.push(`é${i}😀`);
      else values.push(i % 3 === 0 ? '' : `v${i}${'x'.repeat(i % 200)}`);
    }
    values[1200] = 'a\uD83D';
    values[1201] = '\uDE00b';
    const b = new ColumnBuilder(s.fields[0].type, values.length);
    for (const v of values) (v === null ? b.pushNull() : b.push(v));
    const file = path.join(dir, 'strings.parquet');
    await writeParquet(file, { schema: s, length: values.length, columns: [b.finish()] }, s, { compression: 'snappy' });
    const expected = [...values];
    [expected[1200], expected[1201]] = ['a\uFFFD', '\uFFFDb'];
    const back: unknown[] = [];
    for await (const r of readParquet([file], { schema: s })) for (let i = 0; i < r.length; i++) back.push(valueAt(r.columns[0], i));
    expect(back).toEqual(expected);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const duck = (await conn.runAndReadAll(`SELECT s FROM read_parquet('${file}')`)).getRowObjectsJson().map((r) => r.s);
    expect(duck).toEqual(expected);
    conn.closeSync();
  });

  it('writes several batches in row groups and streams them back in batches, with partition values per file', async () => {
    const s = fromZod(z.object({ id: z.int64(), name: z.string().nullable(), dt: z.iso.date(), extra: z.string().nullable() }));
    const fileSchema = fromZod(z.object({ id: z.int64(), name: z.string().nullable() }));
    const mk = (from: number, n: number): Batch => {
      const id = new ColumnBuilder(fileSchema.fields[0].type, n);
      const name = new ColumnBuilder(fileSchema.fields[1].type, n);
      for (let i = from; i < from + n; i++) {
        id.push(BigInt(i));
        if (i % 7 === 0) name.pushNull();
        else name.push(`n${i % 5}`);
      }
      return { schema: fileSchema, length: n, columns: [id.finish(), name.finish()] };
    };
    const file = path.join(dir, 'multi.parquet');
    await writeParquet(file, [mk(0, 2500), mk(2500, 2500)], fileSchema, { compression: 'zstd', rowGroupSize: 1000 });
    const lengths: number[] = [];
    const ids: bigint[] = [];
    let nulls = 0;
    for await (const b of readParquet([file], { schema: s, batchSize: 700, partitionValues: [{ dt: '2026-11-01' }] })) {
      lengths.push(b.length);
      for (let i = 0; i < b.length; i++) {
        ids.push(valueAt(b.columns[0], i) as bigint);
        if (valueAt(b.columns[1], i) === null) nulls++;
        expect(valueAt(b.columns[2], i)).toBe(Date.UTC(2026, 10, 1) / 86_400_000);
        expect(valueAt(b.columns[3], i)).toBeNull();
      }
    }
    expect(ids).toEqual(Array.from({ length: 5000 }, (_, i) => BigInt(i)));
    expect(nulls).toBe(715);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(1000);
  });
});
