/**
 * Batches as an Arrow IPC stream, the form parquet-wasm takes a table in, written from our
 * column buffers straight into the one buffer handed to it. Building apache-arrow Data and
 * serialising it with tableToIPC wrote every value twice more (into each Data's buffers, then
 * into the joined stream), each time into fresh memory, whose first touch costs more than the
 * copy itself (events_clean at 1M events: ~0.3 s of its CPU). The metadata (flatbuffers) is
 * encoded by apache-arrow's own message classes, and the body laid out as its writer lays it
 * out (each buffer padded to 8 bytes, an empty validity buffer for a column without nulls), so
 * the stream is the one tableToIPC writes.
 */
import type { Schema as ArrowSchema } from 'apache-arrow';
import { BufferRegion, FieldNode, Message, RecordBatch as RecordBatchHeader } from 'apache-arrow/ipc/metadata/message';
import { allocData, makeColumn, type Batch, type Column, type ColumnData } from '../columnar/column.ts';
import { MAX_LONG_DECIMAL_PRECISION, assertNever, type DataType } from '../schema/types.ts';
import { InternalError } from '../errors/index.ts';

/** An IPC stream, sized before it is written (so it can be written where its reader wants it). */
export interface IpcStream {
  readonly byteLength: number;
  /** Writes the stream into `out` (byteLength bytes, zeroed: padding and unset bits stay 0). */
  write(out: Buffer): void;
}

/** The IPC stream of `batches` (one record batch each) under `schema`, which describes their columns. */
export function arrowIpcStream(schema: ArrowSchema, batches: readonly Batch[]): IpcStream {
  const schemaMessage = Message.encode(Message.from(schema));
  const bodies = batches.map((b) => {
    const body = new Body();
    for (const c of b.columns) body.column(c);
    const meta = Message.encode(Message.from(new RecordBatchHeader(b.length, body.nodes, body.regions, null), body.byteLength));
    return { meta, body };
  });
  return {
    byteLength: framedSize(schemaMessage) + bodies.reduce((s, { meta, body }) => s + framedSize(meta) + body.byteLength, 0) + END_OF_STREAM,
    write: (out) => {
      let at = writeFramed(out, 0, schemaMessage);
      for (const { meta, body } of bodies) {
        at = writeFramed(out, at, meta);
        body.write(out, at);
        at += body.byteLength;
      }
      out.writeInt32LE(-1, at); // end of stream: a continuation marker and a zero length
    },
  };
}

const END_OF_STREAM = 8;

/** A message's size in the stream: continuation marker, length, flatbuffer padded to 8 bytes. */
const framedSize = (meta: Uint8Array) => (meta.byteLength + 8 + 7) & ~7;

function writeFramed(out: Buffer, at: number, meta: Uint8Array): number {
  const size = framedSize(meta);
  out.writeInt32LE(-1, at);
  out.writeInt32LE(size - 8, at + 4);
  out.set(meta, at + 8);
  return at + size;
}

/** One buffer of a record batch's body: its length, and how it is written into the stream. */
interface BodyBuffer {
  readonly byteLength: number;
  write(out: Buffer, at: number): void;
}

const NO_BUFFER: BodyBuffer = { byteLength: 0, write: () => undefined };

/** A record batch's field nodes and buffers, in the order of the Arrow columnar format (fields depth first). */
class Body {
  readonly nodes: FieldNode[] = [];
  readonly regions: BufferRegion[] = [];
  private readonly buffers: BodyBuffer[] = [];
  byteLength = 0;

  write(out: Buffer, at: number): void {
    for (let i = 0; i < this.buffers.length; i++) this.buffers[i].write(out, at + this.regions[i].offset);
  }

  private add(b: BodyBuffer): void {
    const padded = (b.byteLength + 7) & ~7;
    this.buffers.push(b);
    this.regions.push(new BufferRegion(this.byteLength, padded));
    this.byteLength += padded;
  }

  column(c: Column): void {
    const n = c.length;
    const t = c.type;
    if (t.kind === 'null') {
      // Written as int32 with every value null (Parquet has no column of nulls alone).
      this.nodes.push(new FieldNode(n, n));
      this.add(n === 0 ? NO_BUFFER : zeros((n + 7) >> 3));
      this.add(zeros(n * 4));
      return;
    }
    const nulls = nullCount(c.valid, n);
    this.nodes.push(new FieldNode(n, nulls));
    this.add(nulls === 0 ? NO_BUFFER : bitmap(c.valid!, n));
    switch (t.kind) {
      case 'int32':
      case 'date':
      case 'int64':
      case 'timestamp':
      case 'float32':
      case 'float64': {
        const d = c.data as Int32Array | BigInt64Array | Float64Array;
        return this.add(bytes(new Uint8Array(d.buffer, d.byteOffset, n * d.BYTES_PER_ELEMENT)));
      }
      case 'boolean':
        return this.add(nulls === n ? zeros((n + 7) >> 3) : bitmap(c.data as Uint8Array, n));
      case 'decimal':
        return this.add(bytes(new Uint8Array(decimalWords(c.data as ArrayLike<bigint>, n, t.precision).buffer)));
      case 'string': {
        const text = utf8Text(c.data as readonly string[], c.valid, n);
        this.add(bytes(new Uint8Array(text.offsets.buffer)));
        return this.add(text);
      }
      case 'binary': {
        const d = c.data as readonly Uint8Array[];
        const offsets = new Int32Array(n + 1);
        for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + (isNull(c, i) ? 0 : d[i].length);
        this.add(bytes(new Uint8Array(offsets.buffer)));
        return this.add({
          byteLength: offsets[n],
          write: (out, at) => {
            for (let i = 0; i < n; i++) if (!isNull(c, i)) out.set(d[i], at + offsets[i]);
          },
        });
      }
      case 'struct': {
        const rows = c.data as (Record<string, unknown> | null)[];
        for (const f of t.fields) {
          const values = new Array<unknown>(n);
          for (let i = 0; i < n; i++) {
            const r = rows[i];
            values[i] = r === null || isNull(c, i) ? undefined : r[f.name];
          }
          this.column(childColumn(f.type, values));
        }
        return;
      }
      case 'array': {
        const rows = c.data as (unknown[] | null)[];
        const offsets = new Int32Array(n + 1);
        const values: unknown[] = [];
        for (let i = 0; i < n; i++) {
          if (!isNull(c, i) && rows[i]) values.push(...rows[i]!);
          offsets[i + 1] = values.length;
        }
        this.add(bytes(new Uint8Array(offsets.buffer)));
        return this.column(childColumn(t.element, values));
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
        this.add(bytes(new Uint8Array(offsets.buffer)));
        // The entries: a struct of key and value without nulls of its own.
        this.nodes.push(new FieldNode(keys.length, 0));
        this.add(NO_BUFFER);
        this.column(childColumn(t.key, keys));
        return this.column(childColumn(t.value, values));
      }
      case 'interval':
        throw new InternalError('an interval column reached Parquet: the analyzer refuses interval output columns');
      default:
        return assertNever(t);
    }
  }
}

const bytes = (b: Uint8Array): BodyBuffer => ({ byteLength: b.byteLength, write: (out, at) => out.set(b, at) });

const zeros = (byteLength: number): BodyBuffer => ({ byteLength, write: () => undefined });

/** One bit per row, set where the byte is not 0 (validity, or boolean values). */
const bitmap = (flags: Uint8Array, n: number): BodyBuffer => ({
  byteLength: (n + 7) >> 3,
  write: (out, at) => {
    for (let i = 0; i < n; i++) if (flags[i] !== 0) out[at + (i >> 3)] |= 1 << (i & 7);
  },
});

function nullCount(valid: Uint8Array | null, n: number): number {
  if (valid === null) return 0;
  let c = 0;
  for (let i = 0; i < n; i++) if (valid[i] === 0) c++;
  return c;
}

const isNull = (c: Column, i: number) => c.valid !== null && c.valid[i] === 0;

/** Decimal128: two's complement, low word first (wide decimals are bigints beyond 64 bits). */
function decimalWords(d: ArrayLike<bigint>, n: number, precision: number): BigInt64Array {
  const words = new BigInt64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const v = d[i];
    words[2 * i] = BigInt.asIntN(64, v);
    words[2 * i + 1] = precision <= MAX_LONG_DECIMAL_PRECISION ? (v < 0n ? -1n : 0n) : BigInt.asIntN(64, v >> 64n);
  }
  return words;
}

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

/** Rows whose values are encoded by one call (see utf8Text). */
const UTF8_RUN = 256;

/** A string column's Arrow offsets, and its UTF-8 text as the pieces that encode it. */
interface Utf8Text extends BodyBuffer {
  readonly offsets: Int32Array;
}

/**
 * The offsets and text of a string column. Values are encoded a run of rows at a time, joined
 * into one string: a native call per value cost more than the encoding (1M short strings:
 * ~160 ms by value, ~45 ms by run). A run whose UTF-8 is as long as its UTF-16 is ASCII, so
 * its character offsets are its byte offsets; in any other run each value's UTF-8 length is
 * counted (utf8Length) to place its offset. The runs are kept and encoded into the stream.
 */
function utf8Text(d: readonly string[], valid: Uint8Array | null, n: number): Utf8Text {
  const offsets = new Int32Array(n + 1);
  const pieces: string[] = [];
  const encodings: BufferEncoding[] = [];
  let total = 0;
  for (let start = 0; start < n; start += UTF8_RUN) {
    const end = Math.min(n, start + UTF8_RUN);
    let run = '';
    for (let i = start; i < end; i++) {
      if (valid === null || valid[i] === 1) run += d[i];
      offsets[i + 1] = total + run.length;
    }
    const runBytes = Buffer.byteLength(run, 'utf8');
    if (runBytes === run.length) {
      pieces.push(run);
      encodings.push('latin1');
      total += runBytes;
      continue;
    }
    let end8 = total;
    for (let i = start; i < end; i++) {
      if (valid === null || valid[i] === 1) end8 += utf8Length(d[i]);
      offsets[i + 1] = end8;
    }
    if (end8 - total === runBytes) {
      pieces.push(run);
      encodings.push('utf8');
    } else {
      // A lone surrogate ending one value paired with one starting the next in the joined run
      // (one 4-byte character instead of two replacement characters): encoded value by value.
      for (let i = start; i < end; i++) {
        if (valid === null || valid[i] === 1) {
          pieces.push(d[i]);
          encodings.push('utf8');
        }
      }
    }
    total = end8;
  }
  return {
    offsets,
    byteLength: total,
    write: (out, at) => {
      for (let k = 0; k < pieces.length; k++) at += out.write(pieces[k], at, encodings[k]);
    },
  };
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
