/**
 * Arrow data decoded from a Parquet file -> our columns, for the type the schema declares.
 *
 * What a file's column may be read as (anything else is refused, naming file, column, the
 * file's type and the declared one; nothing is converted silently):
 * - its own type (see `fileTypeOf`): UTF8 -> string; unannotated BYTE_ARRAY and
 *   FIXED_LEN_BYTE_ARRAY -> binary; INT8/16/32 -> int; INT64 -> bigint; unsigned ints into the
 *   next wider signed type (UINT8/16 -> int, UINT32 -> bigint, UINT64 -> decimal(20,0), as Spark);
 *   FLOAT16 and FLOAT -> float; DOUBLE -> double; DECIMAL(p<=38) -> decimal(p,s); DATE; any
 *   TIMESTAMP and INT96 -> timestamp (microseconds; finer units truncated toward the past);
 *   groups, LIST and MAP -> struct, array, map;
 * - a wider type that holds every value exactly (int -> bigint or decimal, float -> double,
 *   decimal -> a decimal with no fewer integer or fraction digits);
 * - binary as string (Spark's `binaryAsString`, for writers that store text without the UTF8
 *   annotation: Impala, old Hive). Spark keeps invalid UTF-8 bytes inside its strings; ours are
 *   JavaScript strings, which cannot, so invalid UTF-8 is refused with the row instead of
 *   being replaced by U+FFFD: declare the column binary() to read such bytes.
 */
import { isAscii } from 'node:buffer';
import { Type, TimeUnit, type DataType as ArrowType, type Data } from 'apache-arrow';
import { allocData, makeColumn, type Column, type ColumnData } from '../columnar/column.ts';
import { MAX_DECIMAL_PRECISION, T, typeToString, type DataType } from '../schema/types.ts';
import { InputFileError } from './types.ts';

/**
 * A file's field for a declared name, as Spark's Parquet reader finds it (spark.sql.caseSensitive
 * false, its default): the same name, else the one field equal to it ignoring case. Several
 * such fields are ambiguous: refused, as Spark refuses them ("Found duplicate field(s)").
 */
export function matchField<F extends { readonly name: string }>(file: string, path: string, fields: readonly F[], name: string): F | undefined {
  const exact = fields.find((x) => x.name === name);
  if (exact) return exact;
  const folded = fields.filter((x) => x.name.toLowerCase() === name.toLowerCase());
  if (folded.length > 1) {
    throw new InputFileError(file, `has ${folded.map((x) => `'${path}${x.name}'`).join(' and ')}, which differ only in case: the schema's '${name}' could be either`, 'rewrite the file with distinct column names');
  }
  return folded[0];
}

/** How a column of the file is decoded: Arrow data of one batch -> a column of the declared type. */
export type ChunkReader = (data: Data, n: number) => Column;

/** The type a file's column reads as without conversion, or why lakeform has none for it. */
export function fileTypeOf(t: ArrowType): DataType | { readonly unsupported: string } {
  switch (t.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      return T.string;
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return T.binary;
    case Type.Bool:
      return T.boolean;
    case Type.Int: {
      const { bitWidth, isSigned } = t as unknown as { bitWidth: number; isSigned: boolean };
      if (bitWidth < 32 || (bitWidth === 32 && isSigned)) return T.int32;
      if (bitWidth === 32 || isSigned) return T.int64;
      return T.decimal(20, 0);
    }
    case Type.Float:
      return (t as unknown as { precision: number }).precision === 2 ? T.float64 : T.float32;
    case Type.Date:
      return T.date;
    case Type.Timestamp:
      return T.timestamp;
    case Type.Decimal: {
      const d = t as unknown as { precision: number; scale: number };
      if (d.precision > MAX_DECIMAL_PRECISION) return { unsupported: `decimal(${d.precision},${d.scale}), wider than Spark's 38 digits` };
      return T.decimal(d.precision, d.scale);
    }
    case Type.Dictionary:
      return fileTypeOf((t as unknown as { dictionary: ArrowType }).dictionary);
    case Type.Null:
      return T.null;
    case Type.Struct: {
      const fields = [];
      for (const c of t.children) {
        const ct = fileTypeOf(c.type as ArrowType);
        if ('unsupported' in ct) return { unsupported: `${c.name}: ${ct.unsupported}` };
        fields.push({ name: c.name, type: ct, nullable: c.nullable });
      }
      return { kind: 'struct', fields };
    }
    case Type.List:
    case Type.FixedSizeList: {
      const c = t.children[0];
      const ct = fileTypeOf(c.type as ArrowType);
      return 'unsupported' in ct ? ct : { kind: 'array', element: ct, containsNull: c.nullable };
    }
    case Type.Map: {
      const [k, v] = t.children[0].type.children;
      const kt = fileTypeOf(k.type as ArrowType);
      const vt = fileTypeOf(v.type as ArrowType);
      if ('unsupported' in kt) return kt;
      if ('unsupported' in vt) return vt;
      return { kind: 'map', key: kt, value: vt, valueContainsNull: v.nullable };
    }
    default:
      return { unsupported: `${String(t)} values, which no lakeform column type holds` };
  }
}

/** Whether values of file type `from` read as declared type `to` exactly (see the module comment). */
function readableAs(from: DataType, to: DataType): boolean {
  if (typeToString(from) === typeToString(to) || from.kind === 'null') return true;
  switch (to.kind) {
    case 'string':
      return from.kind === 'binary';
    case 'int64':
      return from.kind === 'int32';
    case 'float64':
      return from.kind === 'float32' || from.kind === 'int32';
    case 'float32':
      // lakeform writes float columns as DOUBLE (arrowType): its own tables read back.
      return from.kind === 'float64';
    case 'decimal': {
      const digits = to.precision - to.scale;
      if (from.kind === 'int32') return digits >= 10;
      if (from.kind === 'int64') return digits >= 19;
      return from.kind === 'decimal' && to.scale >= from.scale && digits >= from.precision - from.scale;
    }
    default:
      return false;
  }
}

/**
 * A reader for column `name` of `file`, whose Arrow type is `fileType`, as declared type `want`.
 * Refuses up front (an InputFileError naming file, column and both types) when it cannot be read so.
 */
export function chunkReader(file: string, name: string, fileType: ArrowType, want: DataType, physical?: string): ChunkReader {
  check(file, name, fileType, want, physical);
  return (data) => columnOf(file, name, data, want);
}

function check(file: string, path: string, fileType: ArrowType, want: DataType, physical?: string): void {
  const have = fileTypeOf(fileType);
  const refuse = (what: string, hint: string): never => {
    throw new InputFileError(file, `column '${path}' ${what}`, hint);
  };
  if ('unsupported' in have) refuse(`holds ${have.unsupported}${physical ? ` (Parquet ${physical})` : ''}`, 'leave the column out of the schema: lakeform cannot read it');
  const h = have as DataType;
  if (h.kind === 'struct' && want.kind === 'struct') {
    for (const f of want.fields) {
      const c = matchField(file, `${path}.`, fileType.children, f.name);
      if (c) check(file, `${path}.${f.name}`, c.type as ArrowType, f.type, undefined);
      else if (!f.nullable) refuse(`has no field '${f.name}', which the schema requires`, 'make the field nullable, or check the schema');
    }
    return;
  }
  if ((h.kind === 'array' && want.kind === 'array') || (h.kind === 'map' && want.kind === 'map')) {
    const children: [ArrowType, DataType][] =
      want.kind === 'array'
        ? [[fileType.children[0].type as ArrowType, want.element]]
        : [[fileType.children[0].type.children[0].type as ArrowType, (want as { key: DataType }).key], [fileType.children[0].type.children[1].type as ArrowType, (want as { value: DataType }).value]];
    for (const [ct, wt] of children) check(file, `${path}[]`, ct, wt, undefined);
    return;
  }
  if (!readableAs(h, want)) {
    refuse(
      `is ${typeToString(h)} in the file${physical ? ` (Parquet ${physical})` : ''}, but the schema says ${typeToString(want)}`,
      `declare it as ${typeToString(h)} (or a type that holds every ${typeToString(h)} value exactly), or rewrite the file`,
    );
  }
}

const bitAt = (bits: Uint8Array, j: number) => (bits[j >> 3] >> (j & 7)) & 1;

function validity(data: Data): Uint8Array | null {
  if (!data.nullBitmap || data.nullCount === 0) return data.typeId === Type.Null ? new Uint8Array(data.length) : null;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = bitAt(data.nullBitmap, i + data.offset);
  return out;
}

/** One batch's Arrow data of a column -> a column of type `want` (checked compatible beforehand). */
function columnOf(file: string, name: string, data: Data, want: DataType): Column {
  const n = data.length;
  const valid = validity(data);
  if (data.typeId === Type.Null) return { type: want, length: n, data: allocData(want, n), valid: new Uint8Array(n) };
  if (want.kind === 'struct') {
    const type = data.type as ArrowType;
    const children = want.fields.map((f) => {
      const c = matchField(file, `${name}.`, type.children, f.name);
      return c ? columnOf(file, `${name}.${f.name}`, data.children[type.children.indexOf(c)] as Data, f.type) : null;
    });
    const out = new Array<unknown>(n).fill(null);
    for (let r = 0; r < n; r++) {
      if (valid && !valid[r]) continue;
      const row: Record<string, unknown> = {};
      want.fields.forEach((f, k) => (row[f.name] = storageAt(children[k], r)));
      out[r] = row;
    }
    return makeColumn(want, out, valid);
  }
  if (want.kind === 'array' || want.kind === 'map') {
    const offsets = data.valueOffsets as Int32Array | BigInt64Array | undefined;
    const size = (data.type as unknown as { listSize?: number }).listSize;
    const start = (r: number) => (offsets ? Number(offsets[r]) : (r + data.offset) * size!);
    const child = data.children[0] as Data;
    const out = new Array<unknown>(n).fill(null);
    if (want.kind === 'array') {
      const items = columnOf(file, `${name}[]`, child, want.element);
      for (let r = 0; r < n; r++) {
        if (valid && !valid[r]) continue;
        const row: unknown[] = [];
        for (let j = start(r); j < start(r + 1); j++) row.push(storageAt(items, j));
        out[r] = row;
      }
    } else {
      const keys = columnOf(file, `${name} key`, child.children[0] as Data, want.key);
      const values = columnOf(file, `${name} value`, child.children[1] as Data, want.value);
      for (let r = 0; r < n; r++) {
        if (valid && !valid[r]) continue;
        const row: Record<string, unknown> = {};
        for (let j = start(r); j < start(r + 1); j++) {
          const k = String(storageAt(keys, j));
          if (k === '__proto__') Object.defineProperty(row, k, { value: storageAt(values, j), enumerable: true, writable: true, configurable: true });
          else row[k] = storageAt(values, j);
        }
        out[r] = row;
      }
    }
    return makeColumn(want, out, valid);
  }
  const leaf = leafValues(file, name, data, want);
  return makeColumn(want, leaf, valid);
}

const storageAt = (c: Column | null, i: number): unknown => (c === null || (c.valid !== null && !c.valid[i]) ? null : (c.data as ArrayLike<unknown>)[i]);

/** A primitive column's values in the storage of `want` (nulls' slots hold defaults). */
function leafValues(file: string, name: string, data: Data, want: DataType): ColumnData {
  const n = data.length;
  const t = data.type as ArrowType;
  const out = allocData(want, n) as { [i: number]: unknown };
  if (t.typeId === Type.Dictionary) {
    const dict = data.dictionary!;
    const values: unknown[] = [];
    for (const d of dict.data) {
      const part = leafValues(file, name, d as Data, want) as ArrayLike<unknown>;
      for (let i = 0; i < d.length; i++) values.push(part[i]);
    }
    const keys = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) {
      const v = values[Number(keys[i])];
      if (v !== undefined) out[i] = v;
    }
    return out as ColumnData;
  }
  switch (t.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary: {
      const bytes = data.values as Uint8Array;
      const width = (t as unknown as { byteWidth?: number }).byteWidth;
      const offsets = data.valueOffsets as Int32Array | BigInt64Array | undefined;
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const valid = validity(data);
      const strictText = t.typeId !== Type.Utf8 && t.typeId !== Type.LargeUtf8;
      if (t.typeId === Type.Utf8 && want.kind === 'string') {
        utf8Values(buf, offsets as Int32Array, valid, n, out as string[]);
        return out as ColumnData;
      }
      for (let i = 0; i < n; i++) {
        if (valid && !valid[i]) continue;
        const s = offsets ? Number(offsets[i]) : i * width!;
        const e = offsets ? Number(offsets[i + 1]) : s + width!;
        if (want.kind === 'binary') out[i] = new Uint8Array(buf.subarray(s, e));
        else if (strictText) out[i] = utf8Strict(file, name, buf, s, e, i);
        else out[i] = buf.toString('utf8', s, e);
      }
      return out as ColumnData;
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      for (let i = 0; i < n; i++) out[i] = bitAt(bits, i + data.offset);
      return out as ColumnData;
    }
    case Type.Int:
      return intValues(data, want, out);
    case Type.Float: {
      const src = data.values as ArrayLike<number>;
      const half = (t as unknown as { precision: number }).precision === 0;
      if (!half && copiedAsIs(src, out, n)) return out as ColumnData;
      for (let i = 0; i < n; i++) out[i] = half ? halfToFloat(src[i]) : src[i];
      return out as ColumnData;
    }
    case Type.Date: {
      const unit = (t as unknown as { unit: number }).unit;
      const src = data.values as ArrayLike<number | bigint>;
      // DateDay is days; DateMillisecond is ms.
      if (unit === 0 && copiedAsIs(src, out, n)) return out as ColumnData;
      for (let i = 0; i < n; i++) out[i] = unit === 0 ? Number(src[i]) : Math.floor(Number(src[i]) / 86_400_000);
      return want.kind === 'date' ? (out as ColumnData) : (out as ColumnData);
    }
    case Type.Timestamp: {
      const unit = (t as unknown as { unit: TimeUnit }).unit;
      const src = data.values as ArrayLike<bigint | number>;
      if (unit === TimeUnit.MICROSECOND && copiedAsIs(src, out, n)) return out as ColumnData;
      const toMicros =
        unit === TimeUnit.MICROSECOND ? (x: bigint) => x
        : unit === TimeUnit.MILLISECOND ? (x: bigint) => x * 1000n
        : unit === TimeUnit.SECOND ? (x: bigint) => x * 1_000_000n
        : (x: bigint) => (x >= 0n ? x / 1000n : -((-x + 999n) / 1000n));
      for (let i = 0; i < n; i++) out[i] = toMicros(BigInt(src[i]));
      return out as ColumnData;
    }
    case Type.Decimal: {
      const { bitWidth, scale } = t as unknown as { bitWidth: number; scale: number };
      const words = data.values as Uint32Array;
      const w64 = new BigUint64Array(words.buffer, words.byteOffset, Math.floor(words.byteLength / 8));
      const per = bitWidth / 64;
      const shift = BigInt(want.kind === 'decimal' ? want.scale - scale : 0);
      for (let i = 0; i < n; i++) {
        let v = 0n;
        for (let k = per - 1; k >= 0; k--) v = (v << 64n) | w64[i * per + k];
        out[i] = BigInt.asIntN(bitWidth, v) * 10n ** shift;
      }
      return out as ColumnData;
    }
    default:
      throw new InputFileError(file, `column '${name}' holds ${String(t)} values, which no lakeform column type holds`);
  }
}

/** Bytes of text decoded by one call (see utf8Values). */
const TEXT_CHUNK_BYTES = 32 << 10;

/**
 * Arrow Utf8 values as strings (null slots left as they are). A run of values holding about
 * TEXT_CHUNK_BYTES of ASCII is decoded as one string and sliced: a native call per value cost
 * more than the decoding (user_sessions, 1M rows: ~0.3 s). A slice of 13 or more characters
 * shares its run's memory, so a value kept alive keeps at most its run alive, not the batch.
 * A run with other text is decoded value by value.
 */
function utf8Values(buf: Buffer, offsets: Int32Array, valid: Uint8Array | null, n: number, out: string[]): void {
  for (let i = 0; i < n; ) {
    const start = offsets[i];
    let j = i + 1;
    while (j < n && offsets[j + 1] - start <= TEXT_CHUNK_BYTES) j++;
    const end = offsets[j];
    if (isAscii(buf.subarray(start, end))) {
      const text = buf.toString('latin1', start, end);
      for (let k = i; k < j; k++) if (valid === null || valid[k]) out[k] = text.slice(offsets[k] - start, offsets[k + 1] - start);
    } else {
      for (let k = i; k < j; k++) if (valid === null || valid[k]) out[k] = buf.toString('utf8', offsets[k], offsets[k + 1]);
    }
    i = j;
  }
}

/**
 * Copies the first n values at once when the file's values are already in our storage (same
 * typed array: lakeform's own int, bigint, double, date and microsecond timestamp columns);
 * converting value by value cost ~40 ms per 1M-row job.
 */
function copiedAsIs(src: ArrayLike<unknown>, out: unknown, n: number): boolean {
  for (const Storage of [Int32Array, BigInt64Array, Float64Array]) {
    if (src instanceof Storage && out instanceof Storage) {
      (out as Int32Array).set((src as Int32Array).subarray(0, n));
      return true;
    }
  }
  return false;
}

/** Integers of any width and sign into int, bigint, double or decimal storage. */
function intValues(data: Data, want: DataType, out: { [i: number]: unknown }): ColumnData {
  const src = data.values as ArrayLike<number | bigint>;
  const n = data.length;
  if (want.kind !== 'decimal' && copiedAsIs(src, out, n)) return out as ColumnData;
  switch (want.kind) {
    case 'int32':
    case 'float32':
    case 'float64':
      for (let i = 0; i < n; i++) out[i] = Number(src[i]);
      break;
    case 'decimal': {
      const scale = 10n ** BigInt(want.scale);
      for (let i = 0; i < n; i++) out[i] = BigInt(src[i]) * scale;
      break;
    }
    default:
      for (let i = 0; i < n; i++) out[i] = BigInt(src[i]);
  }
  return out as ColumnData;
}

/** IEEE 754 half precision bits -> the number (exact: every half is a float). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return sign * f * 2 ** -24;
  if (e === 31) return f ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + f / 1024) * 2 ** (e - 15);
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

function utf8Strict(file: string, name: string, buf: Buffer, s: number, e: number, row: number): string {
  try {
    return strictDecoder.decode(buf.subarray(s, e));
  } catch {
    throw new InputFileError(
      file,
      `column '${name}' holds bytes that are not UTF-8 text (row ${row + 1} of a batch: ${buf.subarray(s, Math.min(e, s + 16)).toString('hex')}${e - s > 16 ? '…' : ''}), so it cannot be read as a string`,
      'declare the column binary() to read its bytes as they are',
    );
  }
}
