/**
 * One text form for a value as any of the three readers gives it (lakeform's storage values,
 * DuckDB's values, pyarrow's tagged JSON), by the type lakeform declares for the column, so rows
 * compare exactly: integers and decimals as their digits, floats as the shortest text of the
 * double (float32 values are doubles exactly), NaN and -0 spelled out, dates as days,
 * timestamps as epoch microseconds, bytes as hex, maps as ordered [key, value] pairs.
 */
import {
  DuckDBBlobValue, DuckDBDateValue, DuckDBDecimalValue, DuckDBListValue, DuckDBMapValue, DuckDBStructValue, DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue, DuckDBTimestampSecondsValue, DuckDBTimestampTZValue, DuckDBTimestampValue, DuckDBArrayValue,
} from '@duckdb/node-api';
import { decimalText } from '../../framework/functions/cast.ts';
import type { DataType } from '../../framework/schema/types.ts';

export type Canon = null | boolean | string | Canon[] | { [k: string]: Canon };

const float = (x: number): string => (Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : String(x));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function integral(v: bigint, t: DataType): string {
  return t.kind === 'decimal' ? decimalText(v * 10n ** BigInt(t.scale), t.scale) : t.kind === 'float32' || t.kind === 'float64' ? float(Number(v)) : String(v);
}

/** lakeform's storage value of declared type `t`. */
export function fromStorage(v: unknown, t: DataType): Canon {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'string':
      return v as string;
    case 'binary':
      return hex(v as Uint8Array);
    case 'boolean':
      return v === 1 || v === true;
    case 'int32':
    case 'int64':
    case 'date':
    case 'timestamp':
    case 'interval':
      return String(v);
    case 'float32':
    case 'float64':
      return float(v as number);
    case 'decimal':
      return decimalText(v as bigint, t.scale);
    case 'struct':
      return Object.fromEntries(t.fields.map((f) => [f.name, fromStorage((v as Record<string, unknown>)[f.name], f.type)]));
    case 'array':
      return (v as unknown[]).map((x) => fromStorage(x, t.element));
    case 'map':
      return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromStorage(x, t.value)]);
    case 'null':
      return null;
  }
}

/** A DuckDB value read for a column lakeform declares as `t`. */
export function fromDuckDb(v: unknown, t: DataType): Canon {
  if (v === null || v === undefined) return null;
  if (v instanceof DuckDBBlobValue) return t.kind === 'string' ? Buffer.from(v.bytes).toString('utf8') : hex(v.bytes);
  if (v instanceof DuckDBDateValue) return String(v.days);
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) return String(v.micros);
  if (v instanceof DuckDBTimestampNanosecondsValue) return String(v.nanos >= 0n ? v.nanos / 1000n : -((-v.nanos + 999n) / 1000n));
  if (v instanceof DuckDBTimestampMillisecondsValue) return String(v.millis * 1000n);
  if (v instanceof DuckDBTimestampSecondsValue) return String(v.seconds * 1_000_000n);
  if (v instanceof DuckDBDecimalValue) return t.kind === 'decimal' ? decimalText(v.value * 10n ** BigInt(t.scale - v.scale), t.scale) : decimalText(v.value, v.scale);
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map((x) => fromDuckDb(x, t.kind === 'array' ? t.element : t));
  if (v instanceof DuckDBStructValue) {
    if (t.kind !== 'struct') return JSON.stringify(Object.keys(v.entries));
    return Object.fromEntries(t.fields.map((f) => [f.name, fromDuckDb(v.entries[f.name], f.type)]));
  }
  if (v instanceof DuckDBMapValue) {
    const kt = t.kind === 'map' ? t.key : t;
    const vt = t.kind === 'map' ? t.value : t;
    return v.entries.map((e) => [String(fromDuckDb(e.key, kt)), fromDuckDb(e.value, vt)]);
  }
  if (typeof v === 'bigint') return integral(v, t);
  if (typeof v === 'number') return Number.isInteger(v) && (t.kind === 'int32' || t.kind === 'int64' || t.kind === 'decimal') ? integral(BigInt(v), t) : float(v);
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  return `unexpected DuckDB value ${String(v)}`;
}

type Tagged = null | boolean | string | Tagged[] | { i: string } | { f: string } | { b: string } | { d: string; s: number } | { days: number } | { us: string } | { struct: Record<string, Tagged> } | { map: [Tagged, Tagged][] };

/** A value from read_pyarrow.py for a column lakeform declares as `t`. */
export function fromPyarrow(v: Tagged, t: DataType): Canon {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => fromPyarrow(x, t.kind === 'array' ? t.element : t));
  if ('i' in v) return integral(BigInt(v.i), t);
  if ('f' in v) return float(v.f === 'nan' ? Number.NaN : v.f === 'inf' ? Infinity : v.f === '-inf' ? -Infinity : Number(v.f));
  if ('b' in v) return t.kind === 'string' ? Buffer.from(v.b, 'hex').toString('utf8') : v.b;
  if ('d' in v) return decimalText(BigInt(v.d) * 10n ** BigInt(t.kind === 'decimal' ? t.scale - v.s : 0), t.kind === 'decimal' ? t.scale : v.s);
  if ('days' in v) return String(v.days);
  if ('us' in v) return v.us;
  if ('struct' in v) return t.kind === 'struct' ? Object.fromEntries(t.fields.map((f) => [f.name, fromPyarrow(v.struct[f.name] ?? null, f.type)])) : null;
  const kt = t.kind === 'map' ? t.key : t;
  const vt = t.kind === 'map' ? t.value : t;
  return v.map.map(([k, x]) => [String(fromPyarrow(k, kt)), fromPyarrow(x, vt)]);
}
