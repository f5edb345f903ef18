import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Field as ArrowField, Schema as ArrowSchema, tableFromIPC, tableToIPC } from 'apache-arrow';
import { binary, decimal, fromZod } from '../schema/zod.ts';
import { ColumnBuilder, nullColumn, type Batch } from '../columnar/column.ts';
import { schemaOf } from '../schema/types.ts';
import { arrowIpcStream } from './arrow-ipc.ts';
import { arrowType } from './parquet.ts';
import { parquetWasm, rawExports } from './parquet-wasm.ts';
import { InternalError } from '../errors/index.ts';

const Everything = z.object({
  s: z.string().nullable(),
  i: z.int32().nullable(),
  l: z.int64().nullable(),
  f: z.float64().nullable(),
  b: z.boolean().nullable(),
  d: z.iso.date().nullable(),
  t: z.iso.datetime().nullable(),
  m: decimal(10, 2).nullable(),
  w: decimal(38, 4).nullable(),
  bin: binary().nullable(),
  st: z.object({ x: z.string(), y: z.int64().nullable() }).nullable(),
  arr: z.array(z.string().nullable()).nullable(),
  mp: z.record(z.string(), z.int32().nullable()).nullable(),
});
const schema = fromZod(Everything);
const arrowSchema = (s = schema) => new ArrowSchema(s.fields.map((f) => new ArrowField(f.name, arrowType(f.type), f.nullable)));

function batch(rows: readonly unknown[][]): Batch {
  const b = schema.fields.map((f) => new ColumnBuilder(f.type, rows.length));
  for (const row of rows) row.forEach((v, k) => (v === null ? b[k].pushNull() : b[k].push(v)));
  return { schema, length: rows.length, columns: b.map((x) => x.finish()) };
}

const bytes = (s: string) => new TextEncoder().encode(s);
const full = [
  ['héllo 😀', 1, 9007199254740993n, 1.5, 1, 20393, 1_762_000_000_123_456n, 12345n, -(10n ** 37n) + 1n, bytes('ab'), { x: 'a', y: 5n }, ['p', null], { k: 1, n: null }],
  ['a\uD83D', -2147483648, -9223372036854775808n, -0.25, 0, -1, -1n, -1n, 10n ** 30n, new Uint8Array(0), { x: 'b', y: null }, [], {}],
  ['\uDE00b', 7, 0n, 0, 1, 0, 0n, 0n, 0n, bytes('c'), { x: '', y: 1n }, ['r'], { '': 2 }],
];
const nulls = Array.from({ length: 9 }, () => schema.fields.map(() => null));

/** The stream as one buffer, as Buffer.alloc would give it (zeroed). */
function streamOf(s: ArrowSchema, batches: readonly Batch[]): Buffer {
  const ipc = arrowIpcStream(s, batches);
  const out = Buffer.alloc(ipc.byteLength);
  ipc.write(out);
  return out;
}

describe('Arrow IPC stream', () => {
  const batches = [batch(full), batch([]), batch([...nulls, full[0]]), batch(nulls)];

  it('is what apache-arrow reads back and writes again byte for byte (its canonical form), for every type, nulls and empty batches', () => {
    const ours = streamOf(arrowSchema(), batches);
    const table = tableFromIPC(ours);
    expect(table.batches.map((b) => b.numRows)).toEqual([3, 0, 10, 9]);
    expect(Buffer.from(tableToIPC(table, 'stream')).equals(ours)).toBe(true);
    const first = table.batches[0];
    expect([0, 1, 2].map((i) => first.getChild('s')!.get(i))).toEqual(['héllo 😀', 'a\uFFFD', '\uFFFDb']);
    expect(first.getChild('l')!.get(0)).toBe(9007199254740993n);
    expect(first.getChild('st')!.get(1)!.toJSON()).toEqual({ x: 'b', y: null });
    expect([...first.getChild('arr')!.get(0)!]).toEqual(['p', null]);
    expect(Object.fromEntries(first.getChild('mp')!.get(0)!)).toEqual({ k: 1, n: null });
    const third = table.batches[2];
    expect(third.nullCount).toBe(0);
    expect(Array.from({ length: 10 }, (_, i) => third.getChild('b')!.get(i))).toEqual([...Array(9).fill(null), true]);
    expect(third.getChild('w')!.nullCount).toBe(9);
  });

  it('writes a column of the null type as int32 values that are all null', () => {
    const s = schemaOf([{ name: 'nothing', type: { kind: 'null' }, nullable: true }]);
    const table = tableFromIPC(streamOf(arrowSchema(s), [{ schema: s, length: 3, columns: [nullColumn({ kind: 'null' }, 3)] }]));
    expect(table.getChild('nothing')!.nullCount).toBe(3);
    expect(table.getChild('nothing')!.toArray()).toEqual(new Int32Array(3));
  });

  it('is handed to parquet-wasm in its own memory; a stream it refuses, or a writer that fails, leaves the instance usable', () => {
    const w = parquetWasm();
    const good = arrowIpcStream(arrowSchema(), batches);
    const table = w.tableFromIPCStream(good.byteLength, (out) => good.write(out));
    expect(table.numBatches).toBe(4);
    table.free();
    expect(() => w.tableFromIPCStream(64, (out) => out.fill(0x7f))).toThrow();
    expect(() => w.tableFromIPCStream(64, () => {
      throw new RangeError('the writer failed');
    })).toThrow('the writer failed');
    const again = w.tableFromIPCStream(good.byteLength, (out) => good.write(out));
    expect(again.numBatches).toBe(4);
    again.free();
    expect(parquetWasm()).toBe(w);
  });

  it('names what a parquet-wasm whose module exports other names lacks, rather than failing inside a write', () => {
    const f = () => 0;
    const complete = { memory: {}, __wbindgen_externrefs: {}, __wbindgen_malloc: f, __wbindgen_free: f, table_fromIPCStream: f, __externref_table_dealloc: f };
    expect(rawExports(complete)).toBe(complete);
    const { table_fromIPCStream: _, memory: __, ...older } = complete;
    expect(() => rawExports(older)).toThrow(InternalError);
    expect(() => rawExports(older)).toThrow(/does not export table_fromIPCStream, memory: .*parquet-wasm\.ts/);
  });
});
