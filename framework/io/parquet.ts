/**
 * Parquet through parquet-wasm (the Rust parquet crate) and apache-arrow. Our columns become
 * Arrow arrays with the exact buffers (int64 and microsecond timestamps never pass through
 * doubles); timestamps are written as TIMESTAMP(MICROS) adjusted to UTC, strings as STRING,
 * dates as DATE, decimals as DECIMAL, so DuckDB, Spark and Athena read them as written.
 */
import { openAsBlob, promises as fs } from 'node:fs';
import {
  Bool, DateDay, Decimal, Field as ArrowField, Float64, Int32, Int64, List, Map_, Schema as ArrowSchema, Struct, Table, TimeUnit, Timestamp, Utf8,
  RecordBatch, makeData, tableFromIPC, tableToIPC, Type, type DataType as ArrowType, type Data, type Vector,
} from 'apache-arrow';
import type * as ParquetWasm from 'parquet-wasm/node';

type pq = typeof ParquetWasm;
// parquet-wasm compiles its WebAssembly when imported (tens of ms): loaded on first use, so
// commands that never touch Parquet (etl plan, etl list) do not pay for it.
let parquetWasm: Promise<pq> | undefined;
const loadParquetWasm = (): Promise<pq> => (parquetWasm ??= import('parquet-wasm/node'));
import { ColumnBuilder, allocData, emptyBatch, makeColumn, nullColumn, take, type Batch, type Column, type ColumnData } from '../columnar/column.ts';
import { assertNever, typeToString, type DataType, type DatasetSchema } from '../schema/types.ts';
import { castColumn, canCast } from '../functions/cast.ts';
import { parseDateText } from '../functions/datetime-text.ts';
import type { InputFile } from './files.ts';
import { InputFileError, type Compression } from './types.ts';

// ---------- types

export function arrowType(t: DataType): ArrowType {
  switch (t.kind) {
    case 'string':
      return new Utf8();
    case 'boolean':
      return new Bool();
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'float32':
    case 'float64':
      return new Float64();
    case 'date':
      return new DateDay();
    case 'timestamp':
      return new Timestamp(TimeUnit.MICROSECOND, 'UTC');
    case 'decimal':
      return new Decimal(t.scale, t.precision, 128);
    case 'struct':
      return new Struct(t.fields.map((f) => new ArrowField(f.name, arrowType(f.type), f.nullable)));
    case 'array':
      return new List(new ArrowField('element', arrowType(t.element), t.containsNull));
    case 'map':
      return new Map_(new ArrowField('entries', new Struct([new ArrowField('key', arrowType(t.key), false), new ArrowField('value', arrowType(t.value), t.valueContainsNull)])) as never);
    case 'null':
      return new Int32();
    default:
      return assertNever(t);
  }
}

// ---------- write

function packBits(valid: Uint8Array | null, n: number): Uint8Array | undefined {
  if (valid === null) return undefined;
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (valid[i]) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

function nullCount(valid: Uint8Array | null, n: number): number {
  if (valid === null) return 0;
  let c = 0;
  for (let i = 0; i < n; i++) if (valid[i] === 0) c++;
  return c;
}

function toArrowData(c: Column): Data {
  const n = c.length;
  const t = c.type;
  const nullBitmap = packBits(c.valid, n);
  const nulls = nullCount(c.valid, n);
  switch (t.kind) {
    case 'int32':
      return makeData({ type: new Int32(), length: n, data: c.data as Int32Array, nullBitmap, nullCount: nulls });
    case 'int64':
      return makeData({ type: new Int64(), length: n, data: c.data as BigInt64Array, nullBitmap, nullCount: nulls });
    case 'float32':
    case 'float64':
      return makeData({ type: new Float64(), length: n, data: c.data as Float64Array, nullBitmap, nullCount: nulls });
    case 'date':
      return makeData({ type: new DateDay(), length: n, data: c.data as Int32Array, nullBitmap, nullCount: nulls });
    case 'timestamp':
      return makeData({ type: new Timestamp(TimeUnit.MICROSECOND, 'UTC'), length: n, data: c.data as BigInt64Array, nullBitmap, nullCount: nulls });
    case 'boolean': {
      const d = c.data as Uint8Array;
      const bits = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (d[i]) bits[i >> 3] |= 1 << (i & 7);
      return makeData({ type: new Bool(), length: n, data: bits, nullBitmap, nullCount: nulls });
    }
    case 'decimal': {
      const d = c.data as BigInt64Array;
      const words = new BigInt64Array(n * 2);
      for (let i = 0; i < n; i++) {
        words[2 * i] = d[i];
        words[2 * i + 1] = d[i] < 0n ? -1n : 0n;
      }
      return makeData({ type: new Decimal(t.scale, t.precision, 128), length: n, data: new Uint32Array(words.buffer), nullBitmap, nullCount: nulls });
    }
    case 'string': {
      // Encoded straight into one growing buffer: a Buffer per value cost more in allocation
      // and garbage collection than the encoding itself (1M rows x 5 string columns: ~1 s).
      const d = c.data as string[];
      const offsets = new Int32Array(n + 1);
      let buf = Buffer.allocUnsafe(Math.max(64, n * 16));
      let total = 0;
      for (let i = 0; i < n; i++) {
        if (c.valid === null || c.valid[i] === 1) {
          const s = d[i];
          // at most 3 UTF-8 bytes per UTF-16 unit
          if (total + s.length * 3 > buf.length) {
            const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, total + s.length * 3));
            buf.copy(bigger, 0, 0, total);
            buf = bigger;
          }
          total += buf.write(s, total, 'utf8');
        }
        offsets[i + 1] = total;
      }
      return makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: buf.subarray(0, total), nullBitmap, nullCount: nulls });
    }
    case 'struct': {
      const rows = c.data as (Record<string, unknown> | null)[];
      const children = t.fields.map((f) => toArrowData(childColumn(f.type, rows.map((r, i) => (isNull(c, i) || r === null ? undefined : r[f.name])))));
      return makeData({ type: arrowType(t) as Struct, length: n, nullBitmap, nullCount: nulls, children });
    }
    case 'array': {
      const rows = c.data as (unknown[] | null)[];
      const offsets = new Int32Array(n + 1);
      const values: unknown[] = [];
      for (let i = 0; i < n; i++) {
        if (!isNull(c, i) && rows[i]) values.push(...rows[i]!);
        offsets[i + 1] = values.length;
      }
      return makeData({ type: arrowType(t) as List, length: n, nullBitmap, nullCount: nulls, valueOffsets: offsets, child: toArrowData(childColumn(t.element, values)) });
    }
    case 'map': {
      const rows = c.data as (Record<string, unknown> | null)[];
      const offsets = new Int32Array(n + 1);
      const keys: unknown[] = [];
      const values: unknown[] = [];
      for (let i = 0; i < n; i++) {
        if (!isNull(c, i) && rows[i]) {
          for (const [k, v] of Object.entries(rows[i]!)) {
            keys.push(k);
            values.push(v);
          }
        }
        offsets[i + 1] = keys.length;
      }
      const mapType = arrowType(t) as Map_;
      const entries = makeData({
        type: mapType.children[0].type as Struct,
        length: keys.length,
        nullCount: 0,
        children: [toArrowData(childColumn(t.key, keys)), toArrowData(childColumn(t.value, values))],
      });
      return makeData({ type: mapType, length: n, nullBitmap, nullCount: nulls, valueOffsets: offsets, child: entries });
    }
    case 'null':
      return makeData({ type: new Int32(), length: n, data: new Int32Array(n), nullBitmap: new Uint8Array((n + 7) >> 3), nullCount: n });
    default:
      return assertNever(t);
  }
}


const isNull = (c: Column, i: number) => c.valid !== null && c.valid[i] === 0;

/** A column of nested values (already in storage form); undefined and null are nulls. */
function childColumn(type: DataType, values: readonly unknown[]): Column {
  const b = new ColumnBuilder(type, Math.max(16, values.length));
  for (const v of values) {
    if (v === null || v === undefined) b.pushNull();
    else b.push(v);
  }
  return b.finish();
}

export interface WriteOptions {
  readonly compression: Compression;
  readonly rowGroupSize?: number;
}

const COMPRESSION: Record<Compression, keyof typeof ParquetWasm.Compression> = {
  snappy: 'SNAPPY',
  zstd: 'ZSTD',
  gzip: 'GZIP',
  none: 'UNCOMPRESSED',
};

/**
 * Writes batches as one Parquet file (row groups of at most rowGroupSize rows, default 1M).
 * Strings are STRING (UTF8), timestamps TIMESTAMP(MICROS, isAdjustedToUTC=true), dates DATE,
 * decimals DECIMAL(p,s), int64 INT64, nested types as Parquet groups, LIST and MAP.
 */
export async function writeParquet(file: string, batches: Batch | readonly Batch[], schema: DatasetSchema, options: WriteOptions): Promise<void> {
  const list = Array.isArray(batches) ? (batches as readonly Batch[]) : [batches as Batch];
  const fields = schema.fields.map((f) => new ArrowField(f.name, arrowType(f.type), f.nullable));
  const arrowSchema = new ArrowSchema(fields);
  const structType = new Struct(fields);
  const records = (list.length ? list : [emptyBatch(schema)]).map(
    (b) => new RecordBatch(arrowSchema, makeData({ type: structType, length: b.length, nullCount: 0, children: b.columns.map(toArrowData) })),
  );
  const ipc = tableToIPC(new Table(records), 'stream');
  const pq = await loadParquetWasm();
  const props = new pq.WriterPropertiesBuilder()
    .setCompression(pq.Compression[COMPRESSION[options.compression]])
    .setMaxRowGroupSize(options.rowGroupSize ?? 1_000_000)
    .setCreatedBy('lakeform')
    .build();
  const bytes = pq.writeParquet(pq.Table.fromIPCStream(ipc), props);
  await fs.writeFile(file, bytes);
}

// ---------- read

export interface ParquetReadOptions {
  readonly schema: DatasetSchema;
  /** Hive partition columns (values come from the file's folder, not its contents). */
  readonly partitionColumns?: readonly string[];
  /** Per file (same order as `files`, for plain paths): partition values decoded from its path. */
  readonly partitionValues?: readonly Readonly<Record<string, string | null>>[];
  readonly onProgress?: (bytes: number) => void;
  readonly batchSize?: number;
}

/**
 * Reads Parquet files as batches of the declared schema, streaming record batches (of
 * batchSize rows, default 65 536) from a file-backed Blob, so memory holds one batch per file,
 * not the file. Only the schema's columns are decoded. Partition columns take their value
 * from the file's `k=v` folders (`InputFile.partition`) or from `partitionValues[i]` for the i-th file.
 */
export async function* readParquet(files: readonly (InputFile | string)[], opts: ParquetReadOptions): AsyncGenerator<Batch> {
  const partitionColumns = new Set(opts.partitionColumns ?? []);
  for (const values of opts.partitionValues ?? []) for (const k of Object.keys(values)) partitionColumns.add(k);
  for (let fi = 0; fi < files.length; fi++) {
    const entry = files[fi];
    const file: InputFile = typeof entry === 'string' ? { path: entry, size: 0, mtimeMs: 0, partition: opts.partitionValues?.[fi] ?? {} } : entry;
    yield* readOne(file, opts, partitionColumns);
  }
}

const notParquet = (file: string, e: unknown) =>
  new InputFileError(file, `is not a readable Parquet file (${String((e as Error).message ?? e).split('\n')[0]})`, 'the file may be truncated or not Parquet at all; rewrite it or remove it from the input');

async function* readOne(file: InputFile, opts: ParquetReadOptions, partitionColumns: ReadonlySet<string>): AsyncGenerator<Batch> {
  const pq = await loadParquetWasm();
  let pf: ParquetWasm.ParquetFile;
  let inFile: Set<string>;
  try {
    const blob = await openAsBlob(file.path);
    opts.onProgress?.(blob.size);
    pf = await pq.ParquetFile.fromFile(blob);
    inFile = new Set(tableFromIPC(pf.schema().intoIPCStream()).schema.fields.map((f) => f.name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new InputFileError(file.path, 'does not exist');
    throw notParquet(file.path, e);
  }
  try {
    const wanted: string[] = [];
    for (const f of opts.schema.fields) {
      if (partitionColumns.has(f.name)) continue;
      if (inFile.has(f.name)) wanted.push(f.name);
      else if (!f.nullable) throw new InputFileError(file.path, `has no column '${f.name}', which the schema requires`, 'check that the file belongs to this input');
    }
    const convert = (n: number, child: (name: string) => Vector | null): Batch => ({
      schema: opts.schema,
      length: n,
      columns: opts.schema.fields.map((f) => {
        if (partitionColumns.has(f.name)) return partitionColumn(file.path, f.name, f.type, file.partition[f.name] ?? null, n);
        const v = child(f.name);
        return v ? fromArrow(file.path, f.name, v, f.type) : ({ type: f.type, length: n, data: allocData(f.type, n), valid: new Uint8Array(n) } as Column);
      }),
    });
    if (wanted.length === 0) {
      // Only partition columns (or nothing) wanted: the row count comes from the footer.
      const n = Number(pf.metadata().fileMetadata().numRows());
      if (n > 0) yield convert(n, () => null);
      return;
    }
    let stream: AsyncIterable<ParquetWasm.RecordBatch>;
    try {
      stream = (await pf.stream({ batchSize: opts.batchSize ?? 65_536, columns: wanted })) as unknown as AsyncIterable<ParquetWasm.RecordBatch>;
    } catch (e) {
      throw notParquet(file.path, e);
    }
    const it = stream[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<ParquetWasm.RecordBatch>;
      let table: Table;
      try {
        next = await it.next();
        if (next.done) break;
        table = tableFromIPC(next.value.intoIPCStream());
      } catch (e) {
        throw notParquet(file.path, e);
      }
      for (const rb of table.batches) if (rb.numRows > 0) yield convert(rb.numRows, (name) => rb.getChild(name));
    }
  } finally {
    pf.free();
  }
}

function partitionColumn(file: string, name: string, type: DataType, value: string | null, n: number): Column {
  if (value === null) return nullColumn(type, n);
  const text: Column = { type: { kind: 'string' }, length: 1, data: [value], valid: null };
  if (type.kind === 'date' && parseDateText(value) === null) throw new InputFileError(file, `partition value ${name}=${value} is not a date`);
  // The value is cast once and repeated (casting n copies of the same text cost 0.2 s per 1M rows).
  const one = type.kind === 'string' ? text : castColumn(text, type);
  return take(one, new Int32Array(n));
}

function unpackBits(data: Data, n: number): Uint8Array | null {
  if (!data.nullBitmap || data.nullCount === 0) return null;
  const out = new Uint8Array(n);
  const bits = data.nullBitmap;
  const off = data.offset;
  for (let i = 0; i < n; i++) {
    const j = i + off;
    out[i] = (bits[j >> 3] >> (j & 7)) & 1;
  }
  return out;
}

/** Our storage type for an Arrow type read from a file, or undefined when we have none. */
function storedTypeOf(t: ArrowType): DataType | undefined {
  switch (t.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      return { kind: 'string' };
    case Type.Bool:
      return { kind: 'boolean' };
    case Type.Int: {
      const it = t as unknown as { bitWidth: number; isSigned: boolean };
      return it.bitWidth <= 32 && (it.isSigned || it.bitWidth < 32) ? { kind: 'int32' } : { kind: 'int64' };
    }
    case Type.Float:
      return { kind: 'float64' };
    case Type.Date:
      return { kind: 'date' };
    case Type.Timestamp:
      return { kind: 'timestamp' };
    case Type.Decimal: {
      const d = t as unknown as { precision: number; scale: number };
      return { kind: 'decimal', precision: d.precision, scale: d.scale };
    }
    case Type.Dictionary:
      return storedTypeOf((t as unknown as { dictionary: ArrowType }).dictionary);
    default:
      return undefined;
  }
}

function fromArrow(file: string, name: string, vector: Vector, want: DataType): Column {
  if (want.kind === 'struct' || want.kind === 'array' || want.kind === 'map') return nestedFromArrow(vector, want);
  const stored = storedTypeOf(vector.type as ArrowType);
  if (!stored || !canCast(stored, want) || (stored.kind === 'string' && want.kind !== 'string')) {
    throw new InputFileError(
      file,
      `column '${name}' is ${stored ? typeToString(stored) : String(vector.type)} in the file, but the schema says ${typeToString(want)}`,
      'fix the schema, or rewrite the file with the declared type',
    );
  }
  const n = vector.length;
  const data = allocData(stored, n) as { [i: number]: unknown; set?: unknown };
  const valid = new Uint8Array(n).fill(1);
  let hasNull = false;
  let at = 0;
  for (const chunk of vector.data) {
    const m = chunk.length;
    const v = unpackBits(chunk, m);
    if (v) {
      valid.set(v, at);
      hasNull = true;
    }
    copyChunk(chunk as Data, stored, data, at, m);
    at += m;
  }
  const col = makeColumn(stored, data as ColumnData, hasNull ? valid : null);
  return stored.kind === want.kind && typeToString(stored) === typeToString(want) ? col : castColumn(col, want);
}

function copyChunk(chunk: Data, stored: DataType, out: { [i: number]: unknown }, at: number, m: number): void {
  const t = chunk.type as ArrowType;
  if (t.typeId === Type.Dictionary) {
    const dict = chunk.dictionary!;
    const keys = chunk.values as ArrayLike<number>;
    const values = new Array<unknown>(dict.length);
    copyChunkVector(dict as unknown as Vector, stored, values);
    for (let i = 0; i < m; i++) out[at + i] = values[Number(keys[i])] ?? defaultOf(stored);
    return;
  }
  switch (stored.kind) {
    case 'string': {
      const offsets = chunk.valueOffsets as Int32Array | BigInt64Array;
      const bytes = chunk.values as Uint8Array;
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < m; i++) out[at + i] = buf.toString('utf8', Number(offsets[i]), Number(offsets[i + 1]));
      return;
    }
    case 'boolean': {
      const bits = chunk.values as Uint8Array;
      for (let i = 0; i < m; i++) {
        const j = i + chunk.offset;
        out[at + i] = (bits[j >> 3] >> (j & 7)) & 1;
      }
      return;
    }
    case 'int32':
    case 'float64': {
      const src = chunk.values as ArrayLike<number>;
      for (let i = 0; i < m; i++) out[at + i] = src[i];
      return;
    }
    case 'int64': {
      const src = chunk.values as ArrayLike<number | bigint>;
      for (let i = 0; i < m; i++) out[at + i] = BigInt(src[i]);
      return;
    }
    case 'date': {
      const unit = (t as unknown as { unit: number }).unit;
      const src = chunk.values as ArrayLike<number | bigint>;
      // DateDay is days; DateMillisecond is ms.
      for (let i = 0; i < m; i++) out[at + i] = unit === 0 ? Number(src[i]) : Math.floor(Number(src[i]) / 86_400_000);
      return;
    }
    case 'timestamp': {
      const unit = (t as unknown as { unit: TimeUnit }).unit;
      const src = chunk.values as ArrayLike<bigint | number>;
      const toMicros =
        unit === TimeUnit.MICROSECOND ? (x: bigint) => x
        : unit === TimeUnit.MILLISECOND ? (x: bigint) => x * 1000n
        : unit === TimeUnit.SECOND ? (x: bigint) => x * 1_000_000n
        : (x: bigint) => (x >= 0n ? x / 1000n : -((-x + 999n) / 1000n));
      for (let i = 0; i < m; i++) out[at + i] = toMicros(BigInt(src[i]));
      return;
    }
    case 'decimal': {
      const words = chunk.values as Uint32Array;
      const w64 = new BigInt64Array(words.buffer, words.byteOffset, Math.floor(words.byteLength / 8));
      for (let i = 0; i < m; i++) out[at + i] = w64[2 * i];
      return;
    }
    default:
      throw new Error(`unexpected stored type ${stored.kind}`);
  }
}

function copyChunkVector(v: Vector, stored: DataType, out: unknown[]): void {
  let at = 0;
  for (const d of v.data) {
    copyChunk(d as Data, stored, out as { [i: number]: unknown }, at, d.length);
    at += d.length;
  }
}

function defaultOf(t: DataType): unknown {
  return t.kind === 'string' ? '' : t.kind === 'int64' || t.kind === 'timestamp' || t.kind === 'decimal' ? 0n : 0;
}

/** Nested values are rare and passed through: read them as plain JS values. */
function nestedFromArrow(vector: Vector, want: DataType): Column {
  const n = vector.length;
  const data = new Array<unknown>(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = vector.get(i) as unknown;
    if (v === null || v === undefined) continue;
    data[i] = fromArrowValue(v, want);
    valid[i] = 1;
  }
  return makeColumn(want, data, valid);
}

function fromArrowValue(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'struct': {
      const row = (v as { toJSON(): Record<string, unknown> }).toJSON();
      return Object.fromEntries(t.fields.map((f) => [f.name, fromArrowValue(row[f.name], f.type)]));
    }
    case 'array':
      return [...(v as Iterable<unknown>)].map((x) => fromArrowValue(x, t.element));
    case 'map': {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries((v as { toJSON(): Record<string, unknown> }).toJSON());
      return Object.fromEntries(entries.map(([k, x]) => [String(k), fromArrowValue(x, t.value)]));
    }
    case 'int64':
    case 'decimal':
      return typeof v === 'bigint' ? v : BigInt(v as number);
    case 'timestamp':
      return typeof v === 'bigint' ? v : BigInt(Math.round(Number(v))) * 1000n;
    case 'date':
      return typeof v === 'number' ? Math.floor(v / 86_400_000) : v;
    case 'boolean':
      return v ? 1 : 0;
    default:
      return v;
  }
}

