/**
 * Rows as tests see them: plain objects whose values have the types zod gives the schema
 * (bigint for int64, 'yyyy-MM-dd' for dates, ISO-8601 UTC text for timestamps, decimals as
 * text), and back to JSON lines for the readers.
 */
import { valueAt, type Batch } from '../columnar/column.ts';
import { formatDate } from '../columnar/calendar.ts';
import { decimalText } from '../functions/cast.ts';
import type { DataType } from '../schema/types.ts';
import { assertNever } from '../schema/types.ts';

export type Row = Record<string, unknown>;

const DAY_US = 86_400_000_000n;

/** `2026-11-01T10:00:00.123456Z` (microseconds shown only when there are any). */
export function isoTimestamp(micros: bigint): string {
  const day = micros >= 0n ? micros / DAY_US : -((-micros + DAY_US - 1n) / DAY_US);
  let rest = Number(micros - day * DAY_US);
  const us = rest % 1_000_000;
  rest = (rest - us) / 1_000_000;
  const two = (n: number) => String(n).padStart(2, '0');
  const frac = us === 0 ? '' : `.${String(us).padStart(6, '0')}`;
  return `${formatDate(Number(day))}T${two(Math.floor(rest / 3600))}:${two(Math.floor(rest / 60) % 60)}:${two(rest % 60)}${frac}Z`;
}

/** A stored value (the engine's representation) as a test sees it. */
export function toTestValue(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'boolean':
      // Nested booleans are stored as 0/1 like top-level ones; tests see true/false at any depth.
      return v === true || v === 1;
    case 'binary':
      // As Spark's JSON reader and writer carry binary: base64 text.
      return Buffer.from(v as Uint8Array).toString('base64');
    case 'string':
    case 'int32':
    case 'float32':
    case 'float64':
    case 'int64':
    case 'interval':
      return v;
    case 'null':
      return null;
    case 'date':
      return formatDate(v as number);
    case 'timestamp':
      return isoTimestamp(v as bigint);
    case 'decimal':
      return decimalText(v as bigint, t.scale);
    case 'struct': {
      const r = v as Row;
      return Object.fromEntries(t.fields.map((f) => [f.name, toTestValue(r[f.name], f.type)]));
    }
    case 'array':
      return (v as unknown[]).map((x) => toTestValue(x, t.element));
    case 'map':
      return Object.fromEntries(Object.entries(v as Row).map(([k, x]) => [k, toTestValue(x, t.value)]));
    default:
      return assertNever(t);
  }
}

export function batchRows(batch: Batch): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < batch.length; i++) rows.push(rowAt(batch, i));
  return rows;
}

/** Row `i` of a batch as a test sees it. */
export function rowAt(batch: Batch, i: number): Row {
  const row: Row = {};
  batch.schema.fields.forEach((f, c) => (row[f.name] = toTestValue(valueAt(batch.columns[c], i), f.type)));
  return row;
}

/** JSON text for a test value: bigints as exact numbers, Dates as ISO text. */
export function toJsonText(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Row)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A value JSON can carry exactly: int64 as a number while it is exact, else as a digit string. */
export function jsonExact(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(jsonExact);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Row).map(([k, x]) => [k, jsonExact(x)]));
  return v;
}

export function toJsonLines(rows: readonly Row[]): string {
  return rows.map(toJsonText).join('\n') + (rows.length ? '\n' : '');
}
