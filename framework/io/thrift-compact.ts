/**
 * A schema-less reader and writer of Thrift's compact protocol, the encoding of a Parquet footer.
 * Values are kept with their wire types, so a footer can be read, amended (a key-value entry
 * added, a malformed optional field dropped) and written back byte-compatible.
 *
 * Why our own: parquet-wasm refuses some footers other readers accept (a list<i64> written with
 * i16 elements) and cannot be told how to read INT96; both are fixed by handing it an amended
 * footer (see parquet-footer.ts).
 */

export const enum TType {
  STOP = 0, TRUE = 1, FALSE = 2, BYTE = 3, I16 = 4, I32 = 5, I64 = 6, DOUBLE = 7, BINARY = 8, LIST = 9, SET = 10, MAP = 11, STRUCT = 12,
}

export type TValue = boolean | number | bigint | Uint8Array | TList | TMap | TStruct;

export interface TList {
  readonly kind: 'list';
  /** LIST or SET. */
  readonly wire: TType.LIST | TType.SET;
  elementType: TType;
  items: TValue[];
}

export interface TMap {
  readonly kind: 'map';
  keyType: TType;
  valueType: TType;
  entries: [TValue, TValue][];
}

export interface TField {
  readonly id: number;
  type: TType;
  value: TValue;
}

export interface TStruct {
  readonly kind: 'struct';
  fields: TField[];
}

export class ThriftError extends Error {
  override readonly name: string = 'ThriftError';
}

/** Nesting deeper than this is a damaged footer, not a schema (Parquet's deepest structs are a few levels). */
const MAX_DEPTH = 64;

export class CompactReader {
  private p = 0;
  constructor(private readonly buf: Uint8Array) {}

  get offset(): number {
    return this.p;
  }

  private byte(): number {
    if (this.p >= this.buf.length) throw new ThriftError('unexpected end of the footer');
    return this.buf[this.p++];
  }

  private varint(): bigint {
    let shift = 0n;
    let out = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      out |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return out;
      shift += 7n;
    }
    throw new ThriftError('a varint longer than 10 bytes');
  }

  private zigzag(): bigint {
    const u = this.varint();
    return (u >> 1n) ^ -(u & 1n);
  }

  private size(): number {
    const n = this.varint();
    if (n > BigInt(this.buf.length)) throw new ThriftError(`a size of ${n} exceeds the footer`);
    return Number(n);
  }

  struct(depth = 0): TStruct {
    if (depth > MAX_DEPTH) throw new ThriftError('structures nested too deeply');
    const fields: TField[] = [];
    let last = 0;
    for (;;) {
      const head = this.byte();
      const type = head & 0x0f;
      if (type === TType.STOP) return { kind: 'struct', fields };
      const delta = head >> 4;
      const id = delta === 0 ? Number(this.zigzag()) : last + delta;
      last = id;
      const value = type === TType.TRUE || type === TType.FALSE ? type === TType.TRUE : this.value(type, depth);
      fields.push({ id, type, value });
    }
  }

  private value(type: number, depth: number): TValue {
    switch (type) {
      case TType.TRUE:
      case TType.FALSE:
        return this.byte() === TType.TRUE; // a bool inside a list or map: one byte
      case TType.BYTE:
        return (this.byte() << 24) >> 24;
      case TType.I16:
      case TType.I32:
        return Number(this.zigzag());
      case TType.I64:
        return this.zigzag();
      case TType.DOUBLE: {
        if (this.p + 8 > this.buf.length) throw new ThriftError('unexpected end of the footer');
        const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.p, 8).getFloat64(0, true);
        this.p += 8;
        return v;
      }
      case TType.BINARY: {
        const n = this.size();
        if (this.p + n > this.buf.length) throw new ThriftError('unexpected end of the footer');
        const v = this.buf.subarray(this.p, this.p + n);
        this.p += n;
        return v;
      }
      case TType.LIST:
      case TType.SET: {
        const head = this.byte();
        const elementType = head & 0x0f;
        const n = head >> 4 === 15 ? this.size() : head >> 4;
        const items: TValue[] = [];
        for (let i = 0; i < n; i++) items.push(this.value(elementType, depth + 1));
        return { kind: 'list', wire: type as TType.LIST | TType.SET, elementType, items };
      }
      case TType.MAP: {
        const n = this.size();
        if (n === 0) return { kind: 'map', keyType: TType.BINARY, valueType: TType.BINARY, entries: [] };
        const kv = this.byte();
        const keyType = kv >> 4;
        const valueType = kv & 0x0f;
        const entries: [TValue, TValue][] = [];
        for (let i = 0; i < n; i++) entries.push([this.value(keyType, depth + 1), this.value(valueType, depth + 1)]);
        return { kind: 'map', keyType, valueType, entries };
      }
      case TType.STRUCT:
        return this.struct(depth + 1);
      default:
        throw new ThriftError(`unknown Thrift type ${type} at byte ${this.p - 1}`);
    }
  }
}

export class CompactWriter {
  private buf = new Uint8Array(1024);
  private p = 0;

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.p);
  }

  private ensure(n: number): void {
    if (this.p + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.p + n));
    bigger.set(this.buf.subarray(0, this.p));
    this.buf = bigger;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.p++] = b & 0xff;
  }

  private varint(v: bigint): void {
    let u = BigInt.asUintN(64, v);
    for (;;) {
      if (u < 0x80n) {
        this.byte(Number(u));
        return;
      }
      this.byte(Number(u & 0x7fn) | 0x80);
      u >>= 7n;
    }
  }

  private zigzag(v: bigint): void {
    this.varint(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
  }

  struct(s: TStruct): void {
    let last = 0;
    for (const f of s.fields) {
      const wire = f.type === TType.TRUE || f.type === TType.FALSE ? (f.value ? TType.TRUE : TType.FALSE) : f.type;
      const delta = f.id - last;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | wire);
      else {
        this.byte(wire);
        this.zigzag(BigInt(f.id));
      }
      last = f.id;
      if (wire !== TType.TRUE && wire !== TType.FALSE) this.value(f.type, f.value);
    }
    this.byte(TType.STOP);
  }

  private value(type: TType, v: TValue): void {
    switch (type) {
      case TType.TRUE:
      case TType.FALSE:
        this.byte(v ? TType.TRUE : TType.FALSE);
        return;
      case TType.BYTE:
        this.byte(v as number);
        return;
      case TType.I16:
      case TType.I32:
        this.zigzag(BigInt(v as number));
        return;
      case TType.I64:
        this.zigzag(typeof v === 'bigint' ? v : BigInt(v as number));
        return;
      case TType.DOUBLE: {
        this.ensure(8);
        new DataView(this.buf.buffer, this.buf.byteOffset + this.p, 8).setFloat64(0, v as number, true);
        this.p += 8;
        return;
      }
      case TType.BINARY: {
        const b = v as Uint8Array;
        this.varint(BigInt(b.length));
        this.ensure(b.length);
        this.buf.set(b, this.p);
        this.p += b.length;
        return;
      }
      case TType.LIST:
      case TType.SET: {
        const l = v as TList;
        if (l.items.length < 15) this.byte((l.items.length << 4) | l.elementType);
        else {
          this.byte(0xf0 | l.elementType);
          this.varint(BigInt(l.items.length));
        }
        for (const item of l.items) this.value(l.elementType, item);
        return;
      }
      case TType.MAP: {
        const m = v as TMap;
        this.varint(BigInt(m.entries.length));
        if (m.entries.length === 0) return;
        this.byte((m.keyType << 4) | m.valueType);
        for (const [k, x] of m.entries) {
          this.value(m.keyType, k);
          this.value(m.valueType, x);
        }
        return;
      }
      case TType.STRUCT:
        this.struct(v as TStruct);
        return;
      default:
        throw new ThriftError(`cannot write Thrift type ${type}`);
    }
  }
}

/** The field `id` of a struct, if present. */
export function fieldOf(s: TStruct, id: number): TField | undefined {
  return s.fields.find((f) => f.id === id);
}
