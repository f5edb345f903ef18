/** Building blocks shared by kernels, so each kernel states only its own arithmetic. */
import { decimalToDouble } from './decimal-arith.ts';
import { allocData, makeColumn, type Column, type ColumnData } from '../columnar/column.ts';
import type { LiteralValue } from '../plan/expr.ts';
import type { DataType } from '../schema/types.ts';

/** A literal as a column of `length` equal values. */
export function constantColumn(type: DataType, value: LiteralValue, length: number): Column {
  const data = allocData(type, length);
  if (value === null || type.kind === 'null') return { type, length, data, valid: new Uint8Array(length) };
  const stored = toStorage(type, value);
  if (Array.isArray(data)) data.fill(stored as never);
  else (data as unknown as { fill(v: unknown): void }).fill(stored);
  return { type, length, data, valid: null };
}

function toStorage(type: DataType, value: Exclude<LiteralValue, null>): unknown {
  switch (type.kind) {
    case 'boolean':
      return value ? 1 : 0;
    case 'int64':
    case 'timestamp':
    case 'interval':
    case 'decimal':
      return typeof value === 'bigint' ? value : BigInt(value as number);
    case 'int32':
    case 'date':
    case 'float32':
    case 'float64':
      return Number(value);
    default:
      return value;
  }
}

/** Validity of the AND of several columns' validity: null if every input is fully valid. */
export function andValidity(length: number, ...cols: readonly Column[]): Uint8Array | null {
  const masks = cols.map((c) => c.valid).filter((v): v is Uint8Array => v !== null);
  if (masks.length === 0) return null;
  const out = masks[0].slice(0, length);
  for (let m = 1; m < masks.length; m++) {
    const v = masks[m];
    for (let i = 0; i < length; i++) out[i] &= v[i];
  }
  return out;
}

/** A writable copy of a validity mask (all valid when null). */
export function validityCopy(length: number, valid: Uint8Array | null): Uint8Array {
  return valid ? valid.slice(0, length) : new Uint8Array(length).fill(1);
}

export function isConstant(c: Column): boolean {
  // Literal arguments arrive as filled columns; patterns and formats are always literals (the type rule checks).
  return c.length === 0 || c.valid === null || c.valid.indexOf(0) === -1;
}

/** The first value of a literal argument column (patterns, formats, units). */
export function literalArg<T>(c: Column): T | null {
  if (c.length === 0) return null;
  if (c.valid && c.valid[0] === 0) return null;
  return (c.data as ArrayLike<unknown>)[0] as T;
}

/** Applies a per-row function over non-null rows of one argument. */
export function mapUnary<I, O>(arg: Column, type: DataType, length: number, f: (v: I) => O | null): Column {
  const data = allocData(type, length) as { [i: number]: unknown };
  const valid = validityCopy(length, arg.valid);
  const src = arg.data as ArrayLike<I>;
  for (let i = 0; i < length; i++) {
    if (valid[i] === 0) continue;
    const r = f(src[i]);
    if (r === null) valid[i] = 0;
    else data[i] = r;
  }
  return makeColumn(type, data as ColumnData, valid);
}

/** Applies a per-row function over rows where every argument is non-null. */
export function mapNary(args: readonly Column[], type: DataType, length: number, f: (i: number) => unknown): Column {
  const data = allocData(type, length) as { [i: number]: unknown };
  const valid = validityCopy(length, andValidity(length, ...args));
  for (let i = 0; i < length; i++) {
    if (valid[i] === 0) continue;
    const r = f(i);
    if (r === null) valid[i] = 0;
    else data[i] = r;
  }
  return makeColumn(type, data as ColumnData, valid);
}

/** Reads a numeric column's value as a JS number (int64/decimal converted; callers check ranges). */
export function numberReader(c: Column): (i: number) => number {
  const d = c.data;
  const t = c.type;
  if (t.kind === 'decimal') {
    const u = d as ArrayLike<bigint>;
    return (i) => decimalToDouble(u[i], t);
  }
  if (d instanceof BigInt64Array) return (i) => Number(d[i]);
  const a = d as Float64Array | Int32Array | Uint8Array;
  return (i) => a[i];
}

/** True when row i of `c` holds a value. */
export function isValidAt(c: Column, i: number): boolean {
  return c.valid === null || c.valid[i] === 1;
}

/**
 * Java's String.trim() / Spark's UTF8String.trimAll(): strips characters up to U+0020 and
 * U+007F (ASCII whitespace and control characters) from both ends, and nothing else
 * (JavaScript's trim() also strips Unicode spaces such as U+00A0, which Spark keeps).
 */
export function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isJavaSpace(s.charCodeAt(a))) a++;
  while (b > a && isJavaSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

const isJavaSpace = (c: number) => c <= 0x20 || c === 0x7f;

/** Reads an integral column's value as bigint. */
export function bigintReader(c: Column): (i: number) => bigint {
  const d = c.data;
  if (d instanceof BigInt64Array || c.type.kind === 'decimal') return (i) => (d as ArrayLike<bigint>)[i];
  const a = d as Float64Array | Int32Array;
  return (i) => BigInt(Math.trunc(a[i]));
}
