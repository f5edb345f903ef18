/**
 * apache/parquet-testing through lakeform's Parquet reader (see parquet-suite.ts): no file may
 * crash or give a value the reference reader does not, and every outcome must be the one
 * docs/conformance.json records (`npm run conformance` regenerates it after an intended change).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { instancesCreated } from '../../framework/io/parquet-wasm.ts';
import { readParquet } from '../../framework/io/parquet.ts';
import { InputFileError } from '../../framework/io/types.ts';
import { T, field, schemaOf } from '../../framework/schema/types.ts';
import { conformanceDir, PROJECT_ROOT } from './locate.ts';
import { pinned, runParquetSuite } from './outcomes.ts';
import { pyarrowAvailable } from './parquet-suite.ts';

const dir = conformanceDir();
const file = (rel: string) => path.join(dir, 'parquet-testing', rel);

describe('parquet-testing', () => {
  it('has its reference readers', () => {
    expect(pyarrowAvailable()).toBeNull();
  });

  it('reads every file as the reference does, or refuses it naming the file; nothing crashes', async () => {
    const outcomes = await runParquetSuite(dir);
    expect(outcomes.length).toBe(73);
    const bad = outcomes.filter((o) => o.kind === 'crash' || o.kind === 'wrong');
    expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
    // The suite must exercise both readers and most files, or it proves little.
    expect(outcomes.filter((o) => o.kind === 'identical' && o.reference === 'pyarrow').length).toBeGreaterThan(3);
    expect(outcomes.filter((o) => o.kind === 'identical').length).toBeGreaterThan(60);
    const committed = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'docs/conformance.json'), 'utf8')) as Record<string, string>;
    const now = pinned({ parquet: outcomes, json: [] });
    for (const [k, v] of Object.entries(now)) expect(`${k}: ${v}`).toBe(`${k}: ${committed[k]}`);
  }, 300_000);

  it('after the decoder traps on a damaged file, a fresh instance reads the next file exactly', async () => {
    const damaged = file('bad_data/ARROW-RS-GH-6229-LEVELS.parquet');
    const before = instancesCreated;
    const schema = schemaOf([field('outer', { kind: 'array', element: { kind: 'struct', fields: [field('c', T.int32)] }, containsNull: true })]);
    const err = await (async () => {
      for await (const _ of readParquet([damaged], { schema }));
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect((err as Error).message).toContain(damaged);
    expect((err as Error).message).toContain('could not be decoded');
    const ints = schemaOf([field('id', T.int32), field('bool_col', T.boolean)]);
    const rows: unknown[] = [];
    for await (const b of readParquet([file('data/alltypes_plain.parquet')], { schema: ints })) for (let i = 0; i < b.length; i++) rows.push((b.columns[0].data as Int32Array)[i]);
    expect(rows).toEqual([4, 5, 6, 7, 2, 3, 0, 1]);
    expect(instancesCreated).toBeGreaterThan(before);
  });

  it('reads INT96 in microseconds over its whole range, FLOAT16 as floats, UINT64 as decimal(20,0)', async () => {
    const ts: bigint[] = [];
    for await (const b of readParquet([file('data/int96_from_spark.parquet')], { schema: schemaOf([field('a', T.timestamp)]) })) for (let i = 0; i < b.length; i++) ts.push((b.columns[0].data as BigInt64Array)[i]);
    expect(ts[2]).toBe(253402225200000000n); // 9999-12-31T03:00:00Z, Spark's sentinel
    expect(ts[5]).toBe(9089380393200000000n);
    const half: number[] = [];
    for await (const b of readParquet([file('data/float16_nonzeros_and_nans.parquet')], { schema: schemaOf([field('x', T.float32)]) })) for (let i = 0; i < b.length; i++) half.push(b.columns[0].valid?.[i] === 0 ? Number.NaN * 0 : (b.columns[0].data as Float64Array)[i]);
    expect(half.slice(1)).toEqual([1, -2, Number.NaN, 0, -1, -0, 2]);
  });

  it('refuses an undeclarable or mismatched column naming the file, the column and the Parquet type', async () => {
    const err = await (async () => {
      for await (const _ of readParquet([file('data/float16_zeros_and_nans.parquet')], { schema: schemaOf([field('x', T.int32)]) }));
    })().catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/float16_zeros_and_nans\.parquet: column 'x' is float in the file \(Parquet FIXED_LEN_BYTE_ARRAY\(2\) FLOAT16\), but the schema says int/);
  });
});
