/**
 * Batches as bytes for spill files, and back, exactly: every value comes back as it was stored
 * (framework/columnar/column.ts), for every type. Column by column, driven by the type:
 *
 *  - typed buffers (booleans, int32, dates, doubles, int64, timestamps, intervals, decimals up
 *    to 18 digits) are copied as they are; wider decimals as two 64-bit words per value;
 *  - strings are joined into one text and encoded once, with their UTF-16 lengths: one native
 *    call per column instead of one per value (a 65,536-row column: ~5 ms). A text holding a
 *    lone surrogate (which UTF-8 cannot carry) goes as UTF-16 instead;
 *  - nested values are flattened into child columns, as Arrow lays them out (struct fields,
 *    list and map offsets), and rebuilt as the readers build them: a struct with every field in
 *    schema order, nulls as null. Measured: 30x faster than v8.serialize and 10x faster than JSON
 *    on the benchmark's struct and map columns, and JSON would lose bigints, NaN and -0.
 *
 * Why not Arrow IPC: our columns are not Arrow's (strings are JavaScript strings, nested values
 * plain objects), so IPC would need the Parquet edge's conversion both ways, which is the slow
 * part; and intervals have no Arrow mapping there.
 */
import { makeColumn, type Batch, type Column, type ColumnData } from '../../columnar/column.ts';
import { MAX_LONG_DECIMAL_PRECISION, assertNever, type DataType, type DatasetSchema } from '../../schema/types.ts';

type Typed = Int32Array | Float64Array | BigInt64Array | Uint8Array;
type TypedCtor = Int32ArrayConstructor | Float64ArrayConstructor | BigInt64ArrayConstructor | Uint8ArrayConstructor;

/** A string segment's most UTF-16 units: well under V8's string length limit once joined. */
const SEGMENT_UNITS = 1 << 26;

class ByteWriter {
  readonly parts: Uint8Array[] = [];
  byteLength = 0;

  u32(x: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, x, true);
    this.push(b);
  }

  typed(a: Typed): void {
    this.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }

  push(b: Uint8Array): void {
    this.parts.push(b);
    this.byteLength += b.byteLength;
  }
}

class ByteReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u32(): number {
    const x = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }

  /** A copy: the frame's buffer can go once the batch is rebuilt. */
  typed<C extends TypedCtor>(Ctor: C, n: number): InstanceType<C> {
    const out = new Ctor(n) as InstanceType<C>;
    const len = n * Ctor.BYTES_PER_ELEMENT;
    new Uint8Array(out.buffer).set(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return out;
  }

  text(byteLength: number, encoding: 'utf8' | 'utf16le'): string {
    const b = this.bytes;
    const s = Buffer.from(b.buffer, b.byteOffset + this.pos, byteLength).toString(encoding);
    this.pos += byteLength;
    return s;
  }
}

/** The parts of one encoded batch (row count first); write them in order. */
export function encodeBatch(b: Batch): { parts: Uint8Array[]; byteLength: number } {
  const w = new ByteWriter();
  w.u32(b.length);
  for (const c of b.columns) encodeColumn(w, c.type, c.data, c.valid, c.length);
  return w;
}

export function decodeBatch(schema: DatasetSchema, bytes: Uint8Array): Batch {
  const r = new ByteReader(bytes);
  const length = r.u32();
  return { schema, length, columns: schema.fields.map((f) => decodeColumn(r, f.type, length)) };
}

// ---------------------------------------------------------------- encoding

/** `values` is a column's storage, or (inside nested values) a plain array of storage-form values where null/undefined are nulls. */
function encodeColumn(w: ByteWriter, type: DataType, values: ColumnData | readonly unknown[], valid: Uint8Array | null, n: number): void {
  w.u32(valid === null ? 0 : 1);
  if (valid !== null) w.typed(valid.length === n ? valid : valid.subarray(0, n));
  switch (type.kind) {
    case 'null':
      return;
    case 'boolean':
      return w.typed(typedOf(Uint8Array, values, n, 0));
    case 'int32':
    case 'date':
      return w.typed(typedOf(Int32Array, values, n, 0));
    case 'float32':
    case 'float64':
      return w.typed(typedOf(Float64Array, values, n, 0));
    case 'int64':
    case 'timestamp':
    case 'interval':
      return w.typed(typedOf(BigInt64Array, values, n, 0n));
    case 'decimal': {
      if (type.precision <= MAX_LONG_DECIMAL_PRECISION) return w.typed(typedOf(BigInt64Array, values, n, 0n));
      const words = new BigInt64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const v = (values[i] as bigint | null | undefined) ?? 0n;
        words[2 * i] = BigInt.asIntN(64, v);
        words[2 * i + 1] = v >> 64n;
      }
      return w.typed(words);
    }
    case 'string':
      return encodeStrings(w, values as readonly (string | null | undefined)[], n);
    case 'binary': {
      const d = values as readonly (Uint8Array | null | undefined)[];
      const offsets = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + (d[i]?.byteLength ?? 0);
      const bytes = new Uint8Array(offsets[n]);
      for (let i = 0; i < n; i++) if (d[i]) bytes.set(d[i]!, offsets[i]);
      w.typed(offsets);
      return w.typed(bytes);
    }
    case 'struct': {
      const rows = values as readonly (Record<string, unknown> | null | undefined)[];
      for (const f of type.fields) {
        const child = new Array<unknown>(n);
        for (let i = 0; i < n; i++) child[i] = present(rows, valid, i) ? rows[i]![f.name] : null;
        encodeColumn(w, f.type, child, validOf(child), n);
      }
      return;
    }
    case 'array': {
      const rows = values as readonly (readonly unknown[] | null | undefined)[];
      const lengths = new Int32Array(n);
      const elements: unknown[] = [];
      for (let i = 0; i < n; i++) {
        if (!present(rows, valid, i)) continue;
        const a = rows[i]!;
        lengths[i] = a.length;
        for (const x of a) elements.push(x);
      }
      w.typed(lengths);
      return encodeColumn(w, type.element, elements, validOf(elements), elements.length);
    }
    case 'map': {
      // Maps are stored as objects: their keys are strings whatever the declared key type.
      const rows = values as readonly (Record<string, unknown> | null | undefined)[];
      const lengths = new Int32Array(n);
      const keys: string[] = [];
      const vals: unknown[] = [];
      for (let i = 0; i < n; i++) {
        if (!present(rows, valid, i)) continue;
        const m = rows[i]!;
        for (const k in m) {
          keys.push(k);
          vals.push(m[k]);
          lengths[i]++;
        }
      }
      w.typed(lengths);
      encodeStrings(w, keys, keys.length);
      return encodeColumn(w, type.value, vals, validOf(vals), vals.length);
    }
    default:
      return assertNever(type);
  }
}

function present(rows: readonly unknown[], valid: Uint8Array | null, i: number): boolean {
  return (valid === null || valid[i] === 1) && rows[i] !== null && rows[i] !== undefined;
}

/** One byte per value of a nested child (null/undefined = null), or null when none is null. */
function validOf(values: readonly unknown[]): Uint8Array | null {
  let valid: Uint8Array | null = null;
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== null && values[i] !== undefined) continue;
    if (valid === null) valid = new Uint8Array(values.length).fill(1);
    valid[i] = 0;
  }
  return valid;
}

/** The column's own buffer, or (nested children) a typed copy of the plain values, nulls as `zero`. */
function typedOf<C extends TypedCtor>(Ctor: C, values: ColumnData | readonly unknown[], n: number, zero: number | bigint): InstanceType<C> {
  if (values instanceof Ctor) return values as InstanceType<C>;
  const out = new Ctor(n) as InstanceType<C>;
  const d = values as readonly unknown[];
  for (let i = 0; i < n; i++) (out as unknown as unknown[])[i] = d[i] ?? zero;
  return out;
}

function encodeStrings(w: ByteWriter, values: readonly (string | null | undefined)[], n: number): void {
  const lengths = new Int32Array(n);
  for (let i = 0; i < n; i++) lengths[i] = values[i]?.length ?? 0;
  w.typed(lengths);
  for (let start = 0; start < n; ) {
    let end = start;
    let units = 0;
    while (end < n && (end === start || units + lengths[end] <= SEGMENT_UNITS)) units += lengths[end++];
    const text = (start === 0 && end === values.length ? (values as string[]) : values.slice(start, end)).join('');
    const encoding = isWellFormed(text) ? 'utf8' : 'utf16le';
    const bytes = Buffer.from(text, encoding);
    w.u32(end - start);
    w.u32(encoding === 'utf8' ? 0 : 1);
    w.u32(bytes.byteLength);
    w.push(bytes);
    start = end;
  }
}

/** String.prototype.isWellFormed (Node 20; the ES2024 lib typings are not in our tsconfig). */
function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

// ---------------------------------------------------------------- decoding

function decodeColumn(r: ByteReader, type: DataType, n: number): Column {
  const { data, valid } = decodeValues(r, type, n);
  return makeColumn(type, data, valid);
}

function decodeValues(r: ByteReader, type: DataType, n: number): { data: ColumnData; valid: Uint8Array | null } {
  const valid = r.u32() === 1 ? r.typed(Uint8Array, n) : null;
  const data = ((): ColumnData => {
    switch (type.kind) {
      case 'null':
        return new Uint8Array(n);
      case 'boolean':
        return r.typed(Uint8Array, n);
      case 'int32':
      case 'date':
        return r.typed(Int32Array, n);
      case 'float32':
      case 'float64':
        return r.typed(Float64Array, n);
      case 'int64':
      case 'timestamp':
      case 'interval':
        return r.typed(BigInt64Array, n);
      case 'decimal': {
        if (type.precision <= MAX_LONG_DECIMAL_PRECISION) return r.typed(BigInt64Array, n);
        const words = r.typed(BigInt64Array, 2 * n);
        const out = new Array<bigint>(n);
        for (let i = 0; i < n; i++) out[i] = (words[2 * i + 1] << 64n) | BigInt.asUintN(64, words[2 * i]);
        return out;
      }
      case 'string':
        return decodeStrings(r, n);
      case 'binary': {
        const offsets = r.typed(Int32Array, n + 1);
        const bytes = r.typed(Uint8Array, offsets[n]);
        const out = new Array<Uint8Array>(n);
        for (let i = 0; i < n; i++) out[i] = bytes.slice(offsets[i], offsets[i + 1]);
        return out;
      }
      case 'struct': {
        const children = type.fields.map((f) => decodeValues(r, f.type, n));
        const out = new Array<unknown>(n).fill(null);
        for (let i = 0; i < n; i++) {
          if (valid !== null && valid[i] === 0) continue;
          const o: Record<string, unknown> = {};
          type.fields.forEach((f, j) => (o[f.name] = valueOf(children[j], i)));
          out[i] = o;
        }
        return out;
      }
      case 'array': {
        const lengths = r.typed(Int32Array, n);
        const total = lengths.reduce((s, x) => s + x, 0);
        const elements = decodeValues(r, type.element, total);
        const out = new Array<unknown>(n).fill(null);
        for (let i = 0, at = 0; i < n; i++) {
          if (valid !== null && valid[i] === 0) continue;
          const a = new Array<unknown>(lengths[i]);
          for (let k = 0; k < a.length; k++) a[k] = valueOf(elements, at++);
          out[i] = a;
        }
        return out;
      }
      case 'map': {
        const lengths = r.typed(Int32Array, n);
        const total = lengths.reduce((s, x) => s + x, 0);
        const keys = decodeStrings(r, total);
        const vals = decodeValues(r, type.value, total);
        const out = new Array<unknown>(n).fill(null);
        for (let i = 0, at = 0; i < n; i++) {
          if (valid !== null && valid[i] === 0) continue;
          const m: Record<string, unknown> = {};
          for (let k = 0; k < lengths[i]; k++, at++) m[keys[at]] = valueOf(vals, at);
          out[i] = m;
        }
        return out;
      }
      default:
        return assertNever(type);
    }
  })();
  return { data, valid };
}

function valueOf(c: { data: ColumnData; valid: Uint8Array | null }, i: number): unknown {
  return c.valid !== null && c.valid[i] === 0 ? null : (c.data as ArrayLike<unknown>)[i];
}

function decodeStrings(r: ByteReader, n: number): string[] {
  const lengths = r.typed(Int32Array, n);
  const out = new Array<string>(n);
  for (let start = 0; start < n; ) {
    const count = r.u32();
    const encoding = r.u32() === 0 ? 'utf8' : 'utf16le';
    const text = r.text(r.u32(), encoding);
    for (let i = start, at = 0; i < start + count; i++) {
      out[i] = text.slice(at, at + lengths[i]);
      at += lengths[i];
    }
    start += count;
  }
  return out;
}
