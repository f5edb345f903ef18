/**
 * The JSON form in which the reader tests compare a value read by the local engine with the
 * same value read by the Spark driver (deploy/spark/tests/canonical.py is the driver's side):
 * bigints and timestamps (epoch microseconds) as digit strings, decimals as text at their scale,
 * dates as yyyy-MM-dd, binary as base64, NaN and the infinities and -0 as strings, maps as
 * [key, value] pairs in order.
 */
import { formatDate } from '../../framework/columnar/calendar.ts';
import { decimalText } from '../../framework/functions/cast.ts';
import type { DataType } from '../../framework/schema/types.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A stored value in the corpus's JSON form (deploy/spark/tests/canonical.py is its mirror). */
export function canonical(v: unknown, t: DataType): Json {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'int64':
    case 'timestamp':
      return String(v);
    case 'float32':
    case 'float64': {
      const x = v as number;
      return Number.isFinite(x) ? (Object.is(x, -0) ? '-0' : x) : String(x);
    }
    case 'boolean':
      return v === true || v === 1;
    case 'decimal':
      return decimalText(v as bigint, t.scale);
    case 'date':
      return formatDate(v as number);
    case 'binary':
      return Buffer.from(v as Uint8Array).toString('base64');
    case 'struct':
      return Object.fromEntries(t.fields.map((x) => [x.name, canonical((v as Record<string, unknown>)[x.name], x.type)]));
    case 'array':
      return (v as unknown[]).map((x) => canonical(x, t.element));
    case 'map':
      return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, canonical(x, t.value)]);
    default:
      return v as Json;
  }
}
