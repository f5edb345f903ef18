/**
 * In-memory columnar data shared by the readers, the engine and the writers.
 *
 * The layout follows Arrow's (typed value buffers plus validity), with one deliberate
 * difference: strings are kept as JavaScript strings rather than UTF-8 bytes, because every
 * string kernel in JavaScript (lower, regexp, hashing) needs a decoded string anyway.
 * Conversion to and from Arrow happens once, at the Parquet edge (framework/io/parquet.ts).
 */
import { MAX_LONG_DECIMAL_PRECISION, assertNever, type DataType, type DatasetSchema } from '../schema/types.ts';

export type ColumnData = Int32Array | Float64Array | BigInt64Array | Uint8Array | string[] | unknown[];

/**
 * Storage per type:
 *  boolean: Uint8Array (0/1) · int32, date (days since epoch): Int32Array
 *  int64, timestamp (UTC microseconds), decimal up to 18 digits (unscaled): BigInt64Array
 *  decimal of 19-38 digits (unscaled): bigint[] (a BigInt64Array would wrap them silently)
 *  float32, float64: Float64Array · string: string[] · binary: Uint8Array[]
 *  struct, array, map: unknown[] (plain JS values)
 *  null: Uint8Array of zeros, always invalid
 * `valid` is one byte per row (1 = value present); `null` means no nulls at all.
 * Values behind a null slot are unspecified but always of the storage type (0, 0n, '').
 */
export interface Column {
  readonly type: DataType;
  readonly length: number;
  readonly data: ColumnData;
  readonly valid: Uint8Array | null;
}

export interface Batch {
  readonly schema: DatasetSchema;
  readonly length: number;
  readonly columns: readonly Column[];
}

const EMPTY_BYTES = new Uint8Array(0);

export function allocData(type: DataType, length: number): ColumnData {
  switch (type.kind) {
    case 'boolean':
    case 'null':
      return new Uint8Array(length);
    case 'int32':
    case 'date':
      return new Int32Array(length);
    case 'int64':
    case 'timestamp':
    case 'interval':
      return new BigInt64Array(length);
    case 'decimal':
      return type.precision <= MAX_LONG_DECIMAL_PRECISION ? new BigInt64Array(length) : new Array<bigint>(length).fill(0n);
    case 'float32':
    case 'float64':
      return new Float64Array(length);
    case 'string':
      return new Array<string>(length).fill('');
    case 'binary':
      return new Array<Uint8Array>(length).fill(EMPTY_BYTES);
    case 'struct':
    case 'array':
    case 'map':
      return new Array<unknown>(length).fill(null);
    default:
      return assertNever(type);
  }
}

export function makeColumn(type: DataType, data: ColumnData, valid: Uint8Array | null): Column {
  return { type, length: data.length, data, valid: valid && valid.indexOf(0) === -1 ? null : valid };
}

export function nullColumn(type: DataType, length: number): Column {
  return { type, length, data: allocData(type, length), valid: new Uint8Array(length) };
}

export function isValid(c: Column, i: number): boolean {
  return c.valid === null || c.valid[i] === 1;
}

export function nullCount(c: Column): number {
  if (c.valid === null) return 0;
  let n = 0;
  for (let i = 0; i < c.length; i++) if (c.valid[i] === 0) n++;
  return n;
}

/** Gather rows by index (selection vectors, sort permutations, join matches). Index -1 yields null. */
export function take(c: Column, indices: Int32Array | Uint32Array | number[]): Column {
  const n = indices.length;
  const out = allocData(c.type, n);
  const src = c.data as ArrayLike<unknown> & { [i: number]: unknown };
  const dst = out as { [i: number]: unknown };
  let valid: Uint8Array | null = null;
  let hasNegative = false;
  for (let i = 0; i < n; i++) if (indices[i] < 0) { hasNegative = true; break; }
  if (c.valid !== null || hasNegative) {
    valid = new Uint8Array(n);
    const sv = c.valid;
    for (let i = 0; i < n; i++) {
      const j = indices[i];
      if (j < 0) continue;
      dst[i] = src[j];
      valid[i] = sv === null ? 1 : sv[j];
    }
  } else {
    for (let i = 0; i < n; i++) dst[i] = src[indices[i]];
  }
  return makeColumn(c.type, out, valid);
}

export function sliceColumn(c: Column, start: number, end: number): Column {
  const data = c.data.slice(start, end) as ColumnData;
  return { type: c.type, length: end - start, data, valid: c.valid ? c.valid.slice(start, end) : null };
}

export function concatColumns(type: DataType, parts: readonly Column[]): Column {
  const length = parts.reduce((s, p) => s + p.length, 0);
  const data = allocData(type, length) as { [i: number]: unknown; set?: (a: ArrayLike<unknown>, o: number) => void };
  const anyNull = parts.some((p) => p.valid !== null);
  const valid = anyNull ? new Uint8Array(length) : null;
  let offset = 0;
  for (const p of parts) {
    if (Array.isArray(data)) {
      const src = p.data as unknown[];
      for (let i = 0; i < p.length; i++) data[offset + i] = src[i];
    } else {
      (data as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set(p.data as unknown as ArrayLike<unknown>, offset);
    }
    if (valid) {
      if (p.valid) valid.set(p.valid, offset);
      else valid.fill(1, offset, offset + p.length);
    }
    offset += p.length;
  }
  return makeColumn(type, data as unknown as ColumnData, valid);
}

export function takeBatch(b: Batch, indices: Int32Array | Uint32Array | number[]): Batch {
  return { schema: b.schema, length: indices.length, columns: b.columns.map((c) => take(c, indices)) };
}

export function sliceBatch(b: Batch, start: number, end: number): Batch {
  return { schema: b.schema, length: end - start, columns: b.columns.map((c) => sliceColumn(c, start, end)) };
}

export function concatBatches(schema: DatasetSchema, batches: readonly Batch[]): Batch {
  if (batches.length === 1) return batches[0];
  return {
    schema,
    length: batches.reduce((s, b) => s + b.length, 0),
    columns: schema.fields.map((f, i) => concatColumns(f.type, batches.map((b) => b.columns[i]))),
  };
}

export function emptyBatch(schema: DatasetSchema): Batch {
  return { schema, length: 0, columns: schema.fields.map((f) => ({ type: f.type, length: 0, data: allocData(f.type, 0), valid: null })) };
}

/** A column's value at row i as a plain JS value (null, boolean, number, bigint, string, object). For tests and display, not hot loops. */
export function valueAt(c: Column, i: number): unknown {
  if (!isValid(c, i) || c.type.kind === 'null') return null;
  const v = (c.data as ArrayLike<unknown>)[i];
  if (c.type.kind === 'boolean') return v === 1;
  return v;
}

/** Grows a column one value at a time; used by readers that parse row by row into typed buffers. */
export class ColumnBuilder {
  private data: ColumnData;
  private valid: Uint8Array;
  private hasNull = false;
  length = 0;

  constructor(readonly type: DataType, capacity = 1024) {
    this.data = allocData(type, capacity);
    this.valid = new Uint8Array(capacity);
  }

  private grow(): void {
    const cap = Math.max(16, this.valid.length * 2);
    const data = allocData(this.type, cap);
    if (Array.isArray(data)) {
      const src = this.data as unknown[];
      for (let i = 0; i < this.length; i++) (data as unknown[])[i] = src[i];
    } else {
      (data as Int32Array).set(this.data as Int32Array);
    }
    this.data = data;
    const valid = new Uint8Array(cap);
    valid.set(this.valid);
    this.valid = valid;
  }

  /** Appends a value already in storage form (number, bigint, string, 0/1, or a JS object for nested types). */
  push(v: number | bigint | string | unknown): void {
    if (this.length === this.valid.length) this.grow();
    (this.data as { [i: number]: unknown })[this.length] = v;
    this.valid[this.length++] = 1;
  }

  pushNull(): void {
    if (this.length === this.valid.length) this.grow();
    this.hasNull = true;
    this.length++;
  }

  /** Drops the last value (a row found bad after some of its columns were appended). */
  pop(): void {
    this.length--;
    this.valid[this.length] = 0;
  }

  finish(): Column {
    const n = this.length;
    const data = (Array.isArray(this.data) ? this.data.slice(0, n) : (this.data as Int32Array).slice(0, n)) as ColumnData;
    const valid = this.hasNull ? this.valid.slice(0, n) : null;
    this.data = allocData(this.type, 1024);
    this.valid = new Uint8Array(1024);
    this.hasNull = false;
    this.length = 0;
    return makeColumn(this.type, data, valid);
  }
}
