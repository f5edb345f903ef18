/**
 * Parquet through parquet-wasm (the Rust parquet crate) and apache-arrow. Our columns become
 * Arrow arrays with the exact buffers (int64 and microsecond timestamps never pass through
 * doubles); timestamps are written as TIMESTAMP(MICROS) adjusted to UTC, strings as STRING,
 * dates as DATE, decimals as DECIMAL, so DuckDB, Spark and Athena read them as written.
 */
import { openAsBlob, promises as fs } from 'node:fs';
import {
  Binary, Bool, DateDay, Decimal, Field as ArrowField, Float64, Int32, Int64, List, Map_, Schema as ArrowSchema, Struct, Table, TimeUnit, Timestamp, Utf8,
  RecordBatch, makeData, tableFromIPC, tableToIPC, type DataType as ArrowType, type Data,
} from 'apache-arrow';
import type * as ParquetWasm from 'parquet-wasm/node';
import { allocData, emptyBatch, isValid, makeColumn, nullColumn, type Batch, type Column, type ColumnData } from '../columnar/column.ts';
import { MAX_LONG_DECIMAL_PRECISION, assertNever, type DataType, type DatasetSchema } from '../schema/types.ts';
import { castColumn } from '../functions/cast.ts';
import { parseDateText } from '../functions/datetime-text.ts';
import type { InputFile } from './files.ts';
import { chunkReader, fileTypeOf, matchField, type ChunkReader } from './parquet-columns.ts';
import { FooterError, PHYSICAL_NAMES, Physical, convertedName, footerTail, leaves, logicalName, readFooter, type Footer, type SchemaNode } from './parquet-footer.ts';
import { isWasmTrap, parquetWasm, type WasmInstance } from './parquet-wasm.ts';
import { InputFileError, type Compression } from './types.ts';
import { InternalError } from '../errors/index.ts';

// ---------- types

export function arrowType(t: DataType): ArrowType {
  switch (t.kind) {
    case 'string':
      return new Utf8();
    case 'binary':
      return new Binary();
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
    case 'interval':
      throw new InternalError('an interval column reached Parquet: the analyzer refuses interval output columns');
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
      // 128-bit two's complement, low word first (wide decimals are bigints beyond 64 bits).
      const d = c.data as ArrayLike<bigint>;
      const words = new BigInt64Array(n * 2);
      for (let i = 0; i < n; i++) {
        const v = d[i];
        words[2 * i] = BigInt.asIntN(64, v);
        words[2 * i + 1] = t.precision <= MAX_LONG_DECIMAL_PRECISION ? (v < 0n ? -1n : 0n) : BigInt.asIntN(64, v >> 64n);
      }
      return makeData({ type: new Decimal(t.scale, t.precision, 128), length: n, data: new Uint32Array(words.buffer), nullBitmap, nullCount: nulls });
    }
    case 'string': {
      const { offsets, bytes } = utf8Buffers(c.data as string[], c.valid, n);
      return makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes, nullBitmap, nullCount: nulls });
    }
    case 'binary': {
      const d = c.data as Uint8Array[];
      const offsets = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + (isNull(c, i) ? 0 : d[i].length);
      const bytes = new Uint8Array(offsets[n]);
      for (let i = 0; i < n; i++) if (!isNull(c, i)) bytes.set(d[i], offsets[i]);
      return makeData({ type: new Binary(), length: n, valueOffsets: offsets, data: bytes, nullBitmap, nullCount: nulls });
    }
    case 'struct': {
      const rows = c.data as (Record<string, unknown> | null)[];
      const children = t.fields.map((f) => {
        const values = new Array<unknown>(n);
        for (let i = 0; i < n; i++) {
          const r = rows[i];
          values[i] = r === null || isNull(c, i) ? undefined : r[f.name];
        }
        return toArrowData(childColumn(f.type, values));
      });
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
        const row = rows[i];
        if (!isNull(c, i) && row) {
          for (const k of Object.keys(row)) {
            keys.push(k);
            values.push(row[k]);
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
    case 'interval':
      throw new InternalError('an interval column reached Parquet: the analyzer refuses interval output columns');
    default:
      return assertNever(t);
  }
}


/** Rows whose values are encoded by one call (see utf8Buffers). */
const UTF8_RUN = 256;

/**
 * The Arrow Utf8 offsets and bytes of a string column. Values are encoded a run of rows at a
 * time, joined into one string: a native call per value cost more than the encoding (1M short
 * strings: ~160 ms by value, ~45 ms by run). A run whose UTF-8 is as long as its UTF-16 is
 * ASCII, so its character offsets are its byte offsets; in any other run each value's UTF-8
 * length is counted (utf8Length) to place its offset.
 */
function utf8Buffers(d: readonly string[], valid: Uint8Array | null, n: number): { offsets: Int32Array; bytes: Uint8Array } {
  const offsets = new Int32Array(n + 1);
  let chars = 0;
  for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) chars += d[i].length;
  // Exact when the column is ASCII (growing a guessed size cost more than this count); grown for other text.
  let buf = Buffer.allocUnsafe(Math.max(64, chars));
  let total = 0;
  const reserve = (bytes: number) => {
    if (total + bytes <= buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, total + bytes));
    buf.copy(bigger, 0, 0, total);
    buf = bigger;
  };
  for (let start = 0; start < n; start += UTF8_RUN) {
    const end = Math.min(n, start + UTF8_RUN);
    let run = '';
    for (let i = start; i < end; i++) {
      if (valid === null || valid[i] === 1) run += d[i];
      offsets[i + 1] = total + run.length;
    }
    const runBytes = Buffer.byteLength(run, 'utf8');
    if (runBytes === run.length) {
      reserve(runBytes);
      total += buf.write(run, total, 'latin1');
      continue;
    }
    let end8 = total;
    for (let i = start; i < end; i++) {
      if (valid === null || valid[i] === 1) end8 += utf8Length(d[i]);
      offsets[i + 1] = end8;
    }
    if (end8 - total === runBytes) {
      reserve(runBytes);
      total += buf.write(run, total, 'utf8');
    } else {
      // A lone surrogate ending one value paired with one starting the next in the joined run
      // (one 4-byte character instead of two replacement characters): encode value by value.
      reserve(end8 - total);
      for (let i = start; i < end; i++) if (valid === null || valid[i] === 1) total += buf.write(d[i], total, 'utf8');
    }
  }
  return { offsets, bytes: buf.subarray(0, total) };
}

/** The length of a string in UTF-8 as Buffer encodes it (a lone surrogate becomes U+FFFD, 3 bytes). */
function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u < 0x80) continue;
    if (u < 0x800) bytes += 1;
    else if (u >= 0xd800 && u < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: two units, four bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

const isNull = (c: Column, i: number) => c.valid !== null && c.valid[i] === 0;

/** A column of nested values (already in storage form); undefined and null are nulls. */
function childColumn(type: DataType, values: readonly unknown[]): Column {
  const n = values.length;
  const data = allocData(type, n) as { [i: number]: unknown };
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    data[i] = v;
    valid[i] = 1;
  }
  return makeColumn(type, data as ColumnData, valid);
}

export interface WriteOptions {
  readonly compression: Compression;
  readonly rowGroupSize?: number;
}

const COMPRESSION: Record<Compression, 'SNAPPY' | 'ZSTD' | 'GZIP' | 'UNCOMPRESSED'> = {
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
  const w = parquetWasm();
  const pq = w.api;
  let bytes: Uint8Array;
  try {
    const props = new pq.WriterPropertiesBuilder()
      .setCompression(pq.Compression[COMPRESSION[options.compression]])
      .setMaxRowGroupSize(options.rowGroupSize ?? 1_000_000)
      .setCreatedBy('lakeform')
      .build();
    bytes = pq.writeParquet(pq.Table.fromIPCStream(ipc), props);
  } catch (e) {
    if (isWasmTrap(e)) w.discard();
    throw e;
  }
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
 * batchSize rows, default 65 536, fewer for wide rows) from a file-backed Blob, so memory
 * holds one batch per file, not the file. Only the schema's columns are decoded. Partition
 * columns take their value from the file's `k=v` folders (`InputFile.partition`) or from
 * `partitionValues[i]` for the i-th file. Every failure is an InputFileError naming the file
 * (and the column, when one is at fault), never a crash: see parquet-wasm.ts.
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

const DAMAGED_HINT = 'the file is damaged or was cut short: rewrite it, or remove it from the input';
/** A decoded batch is kept under this many bytes (estimated from the column chunks' uncompressed sizes). */
const MAX_BATCH_BYTES = 256 << 20;
/** A single row larger than this cannot be held (V8's longest string is about 512 MiB). */
const MAX_ROW_BYTES = 256 << 20;

/** The decoder failed on the file's contents (not on our checks): what the column probe looks into. */
class DecodeError extends InputFileError {
  constructor(file: string, readonly reason: string, column?: string) {
    super(file, `${column ? `column '${column}' ` : ''}could not be decoded: ${reason}`, DAMAGED_HINT);
  }
}

function decoderFailure(file: string, e: unknown): InputFileError {
  const first = String((e as Error)?.message ?? e).split('\n')[0].replace(/^Parquet error: /, '');
  return isWasmTrap(e) ? new DecodeError(file, `the Parquet decoder failed on it (${(e as Error).name}: ${first})`) : new InputFileError(file, `is not a readable Parquet file (${first})`, DAMAGED_HINT);
}

/** Runs a synchronous call into the decoder; a trap discards its instance (see parquet-wasm.ts). */
function guarded<T>(w: WasmInstance, file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isWasmTrap(e)) w.discard();
    throw decoderFailure(file, e);
  }
}

async function guardedAsync<T>(w: WasmInstance, file: string, p: () => Promise<T>): Promise<T> {
  try {
    return await w.settle(p());
  } catch (e) {
    if (isWasmTrap(e)) w.discard();
    throw decoderFailure(file, e);
  }
}

interface OpenFile {
  readonly pf: ParquetWasm.ParquetFile;
  readonly footer: Footer;
  readonly arrowFields: readonly ArrowField[];
}

/**
 * Opens a file for parquet-wasm: its footer read by us first (parquet-footer.ts), amended when a
 * writer put a field of the wrong type in it, and given an Arrow schema hint when a column is
 * INT96, so arrow-rs converts it to microseconds (exact over the whole INT96 range) instead of
 * 64-bit nanoseconds (which wrap after 2262: Spark's 9999-12-31 would read as 1816).
 */
async function openParquet(w: WasmInstance, file: string): Promise<OpenFile> {
  let blob: Blob;
  try {
    blob = await openAsBlob(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new InputFileError(file, 'does not exist');
    throw new InputFileError(file, `could not be read: ${(e as Error).message}`);
  }
  let footer: Footer;
  try {
    footer = await readFooter(blob);
  } catch (e) {
    if (e instanceof FooterError) throw new InputFileError(file, e.message, e.message.includes('encrypted') ? 'decrypt it with the writer\'s tools first' : DAMAGED_HINT);
    throw e;
  }
  const int96 = footer.columns.some((c) => leaves(c).some((l) => l.physical === Physical.INT96));
  const body = blob.slice(0, footer.offset);
  let source = footer.amended.length || int96 ? new Blob([body, footerTail(footer)]) : blob;
  let pf = await guardedAsync(w, file, () => w.api.ParquetFile.fromFile(source));
  let arrowFields = guarded(w, file, () => tableFromIPC(pf.schema().intoIPCStream()).schema.fields);
  if (int96) {
    const hinted = arrowFields.map((f) => (f.type instanceof Timestamp && f.type.unit === TimeUnit.NANOSECOND && isInt96(footer, f.name) ? new ArrowField(f.name, new Timestamp(TimeUnit.MICROSECOND, null), f.nullable, f.metadata) : f));
    const hint = Buffer.from(tableToIPC(new Table(new ArrowSchema(hinted)), 'stream')).toString('base64');
    pf.free();
    source = new Blob([body, footerTail(footer, { key: 'ARROW:schema', value: hint })]);
    pf = await guardedAsync(w, file, () => w.api.ParquetFile.fromFile(source));
    arrowFields = guarded(w, file, () => tableFromIPC(pf.schema().intoIPCStream()).schema.fields);
  }
  return { pf, footer, arrowFields };
}

const isInt96 = (footer: Footer, name: string) => footer.columns.some((c) => c.name === name && c.physical === Physical.INT96);

async function* readOne(file: InputFile, opts: ParquetReadOptions, partitionColumns: ReadonlySet<string>): AsyncGenerator<Batch> {
  const w = parquetWasm();
  const { pf, footer, arrowFields } = await openParquet(w, file.path);
  try {
    opts.onProgress?.(footer.offset);
    /** The file's column for each declared one, found as Spark's Parquet reader finds it (matchField). */
    const inFile = new Map<string, string>();
    const readers = new Map<string, ChunkReader>();
    for (const f of opts.schema.fields) {
      if (partitionColumns.has(f.name)) continue;
      const af = matchField(file.path, '', arrowFields, f.name);
      if (af) {
        inFile.set(f.name, af.name);
        readers.set(f.name, chunkReader(file.path, f.name, af.type as ArrowType, f.type, physicalOf(footer.columns.find((c) => c.name === af.name))));
      } else if (!f.nullable) throw new InputFileError(file.path, `has no column '${f.name}', which the schema requires`, 'check that the file belongs to this input');
    }
    const wanted = [...inFile.values()];
    const expected = footer.numRows;
    const convert = (n: number, child: (name: string) => Data | null): Batch => ({
      schema: opts.schema,
      length: n,
      columns: opts.schema.fields.map((f) => {
        if (partitionColumns.has(f.name)) return partitionColumn(file.path, f.name, f.type, file.partition[f.name] ?? null, n);
        const d = inFile.has(f.name) ? child(inFile.get(f.name)!) : null;
        return d ? readers.get(f.name)!(d, n) : nullColumn(f.type, n);
      }),
    });
    if (wanted.length === 0) {
      // Only partition columns (or nothing) wanted: the row count comes from the footer.
      const n = Number(expected);
      if (n > 0) yield convert(n, () => null);
      return;
    }
    const batchSize = batchRows(file.path, footer, wanted, opts.batchSize ?? 65_536);
    let delivered = 0n;
    try {
      for await (const rb of recordBatches(w, file.path, pf, wanted, batchSize)) {
        delivered += BigInt(rb.numRows);
        yield convert(rb.numRows, (name) => {
          const i = rb.schema.fields.findIndex((x) => x.name === name);
          return i < 0 ? null : (rb.data.children[i] as Data);
        });
      }
    } catch (e) {
      if (e instanceof DecodeError && wanted.length > 1) {
        const column = await failingColumn(file.path, wanted, batchSize);
        if (column) throw new DecodeError(file.path, e.reason, column);
      }
      throw e;
    }
    if (delivered !== expected) {
      throw new InputFileError(file.path, `yielded ${delivered} rows where its row groups hold ${expected}`, DAMAGED_HINT);
    }
  } finally {
    try {
      pf.free();
    } catch {
      // an instance that trapped cannot free; it is discarded with everything it held
    }
  }
}

/** The file's non-empty record batches for the given columns, each failure an InputFileError. */
async function* recordBatches(w: WasmInstance, file: string, pf: ParquetWasm.ParquetFile, columns: readonly string[], batchSize: number): AsyncGenerator<RecordBatch> {
  const stream = await guardedAsync(w, file, () => pf.stream({ batchSize, columns: [...columns] }) as Promise<unknown>);
  const it = (stream as AsyncIterable<ParquetWasm.RecordBatch>)[Symbol.asyncIterator]();
  for (;;) {
    const next = await guardedAsync(w, file, () => it.next());
    if (next.done) return;
    const table = guarded(w, file, () => tableFromIPC(next.value.intoIPCStream()));
    for (const rb of table.batches) if (rb.numRows > 0) yield rb;
  }
}

/**
 * After the decoder failed on several columns at once: the first that fails when decoded
 * alone, so the error can name it (the decoder's own message does not).
 */
async function failingColumn(file: string, columns: readonly string[], batchSize: number): Promise<string | undefined> {
  for (const column of columns) {
    const w = parquetWasm();
    try {
      const { pf } = await openParquet(w, file);
      try {
        for await (const _ of recordBatches(w, file, pf, [column], batchSize));
      } finally {
        try {
          pf.free();
        } catch {
          // trapped instance: discarded with what it held
        }
      }
    } catch (e) {
      if (e instanceof DecodeError) return column;
      return undefined;
    }
  }
  return undefined;
}

/**
 * Rows per batch: the default, fewer when rows are wide (estimated from each wanted column's
 * uncompressed bytes per row), so a batch stays well inside the decoder's 4 GB of WebAssembly
 * memory. A row too large to hold at all is refused, naming its widest column, before the
 * decoder runs out of memory and traps.
 */
function batchRows(file: string, footer: Footer, wanted: readonly string[], preferred: number): number {
  let rows = preferred;
  footer.rowGroupRows.forEach((n, g) => {
    if (n === 0n) return;
    let perRow = 0;
    let widest = { name: '', bytes: 0 };
    for (const [path, bytes] of footer.chunkBytes[g]) {
      const top = path.split('.')[0];
      if (!wanted.includes(top)) continue;
      const b = Number(bytes) / Number(n);
      perRow += b;
      if (b > widest.bytes) widest = { name: top, bytes: b };
    }
    if (perRow > MAX_ROW_BYTES) {
      throw new InputFileError(
        file,
        `column '${widest.name}' holds about ${Math.round(widest.bytes / 2 ** 20)} MiB per row (row group ${g}: ${n} rows), more than lakeform can hold in memory (${MAX_ROW_BYTES / 2 ** 20} MiB per row)`,
        'leave the column out of the schema, or split its values across more rows',
      );
    }
    rows = Math.min(rows, Math.max(1, Math.floor(MAX_BATCH_BYTES / Math.max(1, perRow))));
  });
  return rows;
}

function partitionColumn(file: string, name: string, type: DataType, value: string | null, n: number): Column {
  if (value === null) return nullColumn(type, n);
  const text: Column = { type: { kind: 'string' }, length: 1, data: [value], valid: null };
  if (type.kind === 'date' && parseDateText(value) === null) throw new InputFileError(file, `partition value ${name}=${value} is not a date`);
  // The value is cast once and repeated (casting n copies of the same text cost 0.2 s per 1M rows).
  const one = type.kind === 'string' ? text : castColumn(text, type);
  if (!isValid(one, 0)) return nullColumn(type, n);
  // Repeated by fill: gathering n copies with take cost ~70 ms per 1M rows.
  const data = allocData(type, n);
  (data as unknown as { fill(v: unknown): void }).fill((one.data as ArrayLike<unknown>)[0]);
  return { type, length: n, data, valid: null };
}

/** The Parquet type of a primitive column, for messages: `FIXED_LEN_BYTE_ARRAY(2) FLOAT16`. */
function physicalOf(node: SchemaNode | undefined): string | undefined {
  if (!node || node.physical === undefined) return undefined;
  const name = PHYSICAL_NAMES[node.physical] ?? `type ${node.physical}`;
  const len = node.physical === Physical.FIXED_LEN_BYTE_ARRAY ? `(${node.typeLength})` : '';
  const annotation = node.convertedType !== undefined ? convertedName(node.convertedType) : node.logicalType !== undefined ? logicalName(node.logicalType) : '';
  return `${name}${len}${annotation ? ` ${annotation}` : ''}`;
}

/** A column of a Parquet file with the lakeform type it reads as (see parquet-columns.ts), or why it has none. */
export interface ParquetColumn {
  readonly name: string;
  readonly type: DataType | { readonly unsupported: string };
  readonly nullable: boolean;
  /** The Parquet type of a primitive column, e.g. `INT96`, `FIXED_LEN_BYTE_ARRAY(2) FLOAT16`. */
  readonly physical?: string;
}

/** The columns of a Parquet file as lakeform would declare them (for `etl sample`, docs and the conformance suite). */
export async function describeParquet(file: string): Promise<ParquetColumn[]> {
  const w = parquetWasm();
  const { pf, footer, arrowFields } = await openParquet(w, file);
  try {
    return arrowFields.map((f) => {
      const physical = physicalOf(footer.columns.find((c) => c.name === f.name));
      return { name: f.name, type: fileTypeOf(f.type as ArrowType), nullable: f.nullable, ...(physical ? { physical } : {}) };
    });
  } finally {
    pf.free();
  }
}
