/**
 * How much memory a batch holds, estimated cheaply, for memory budgets (operators that spill,
 * the table writer's buffers). Typed buffers count their bytes; a string its characters plus
 * V8's header and the array slot pointing at it; nested values (plain JS objects) are measured
 * on a sample of rows and scaled, since walking every object would cost more than it saves.
 * The estimate is of the data, not of V8's exact layout: budgets are set in the same unit.
 */
import type { Batch, Column } from './column.ts';

/** Per string value: the array slot (8) and V8's string header (16). */
const STRING_OVERHEAD = 24;
/** Per nested value: the slot, the object header, and one hidden-class slot per member (a guess that errs high). */
const OBJECT_OVERHEAD = 56;
const NESTED_SAMPLE = 32;

export function batchBytes(b: Batch): number {
  let total = 0;
  for (const c of b.columns) total += columnBytes(c);
  return total;
}

export function columnBytes(c: Column): number {
  const valid = c.valid === null ? 0 : c.valid.byteLength;
  const d = c.data;
  if (!Array.isArray(d)) return valid + d.byteLength;
  if (c.type.kind === 'string') {
    let chars = 0;
    for (let i = 0; i < c.length; i++) chars += (d[i] as string).length;
    return valid + chars + STRING_OVERHEAD * c.length;
  }
  return valid + c.length * nestedRowBytes(d);
}

/** Average bytes per value of an array of plain JS values (bigints, byte arrays, objects), from a sample. */
function nestedRowBytes(d: readonly unknown[]): number {
  const n = d.length;
  if (n === 0) return 0;
  const step = Math.max(1, Math.floor(n / NESTED_SAMPLE));
  let sum = 0;
  let seen = 0;
  for (let i = 0; i < n; i += step, seen++) sum += valueBytes(d[i]);
  return Math.ceil(sum / seen);
}

function valueBytes(v: unknown): number {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return 8;
  if (typeof v === 'string') return v.length + STRING_OVERHEAD;
  if (typeof v === 'bigint') return 24;
  if (v instanceof Uint8Array) return v.byteLength + OBJECT_OVERHEAD;
  let s = OBJECT_OVERHEAD;
  if (Array.isArray(v)) for (const x of v) s += valueBytes(x);
  else for (const k in v as Record<string, unknown>) s += 8 + valueBytes((v as Record<string, unknown>)[k]);
  return s;
}
