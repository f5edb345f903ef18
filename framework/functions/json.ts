/**
 * to_json: a struct, array or map as the JSON text Spark 3.5 writes (its Jackson generator with
 * the default options and the session time zone, UTC here). Probed on PySpark 3.5: null struct
 * fields are left out (ignoreNullFields), nulls in arrays and maps are written; doubles as Java's
 * Double.toString with NaN and the infinities quoted; decimals as Java's BigDecimal.toString;
 * timestamps as yyyy-MM-dd'T'HH:mm:ss.SSSXXX (milliseconds, `Z`); binary as base64; strings
 * with Jackson's escapes (\" \\ \b \f \n \r \t, \u00XX for other control characters; the rest,
 * DEL and non-ASCII included, as is).
 */
import { InternalError } from '../errors/index.ts';
import { formatDate } from '../columnar/calendar.ts';
import { assertNever, T, typeToString, type DataType } from '../schema/types.ts';
import { javaDoubleText, javaFloatText } from './cast.ts';
import { splitMicros } from './datetime-text.ts';
import { mapUnary } from './kernel-util.ts';
import type { ScalarFunction } from './registry.ts';

const SHORT_ESCAPES: Readonly<Record<number, string>> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += SHORT_ESCAPES[c] ?? (c < 0x20 ? `\\u${c.toString(16).toUpperCase().padStart(4, '0')}` : s[i]);
  }
  return `${out}"`;
}

/** Java's BigDecimal.toString of unscaled * 10^-scale (scale >= 0): plain, or scientific below 1E-6. */
export function javaBigDecimalText(unscaled: bigint, scale: number): string {
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString();
  const sign = unscaled < 0n ? '-' : '';
  const adjusted = digits.length - 1 - scale;
  if (adjusted >= -6) {
    if (scale === 0) return sign + digits;
    const padded = digits.padStart(scale + 1, '0');
    return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  }
  return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}E${adjusted}`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function jsonTimestamp(micros: bigint): string {
  const [days, tod] = splitMicros(micros);
  const ms = Math.floor(tod / 1000);
  const secs = Math.floor(ms / 1000);
  return `"${formatDate(days)}T${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}.${pad(ms % 1000, 3)}Z"`;
}

const quotedIfNotFinite = (x: number, text: string) => (Number.isFinite(x) ? text : `"${text}"`);

/** One value in storage form (framework/columnar/column.ts) as Spark's JSON. */
export function toJsonText(v: unknown, type: DataType): string {
  if (v === null || v === undefined) return 'null';
  switch (type.kind) {
    case 'string':
      return jsonString(v as string);
    case 'boolean':
      return v === 1 || v === true ? 'true' : 'false';
    case 'int32':
    case 'int64':
      return String(v);
    case 'float32':
      return quotedIfNotFinite(v as number, javaFloatText(v as number));
    case 'float64':
      return quotedIfNotFinite(v as number, javaDoubleText(v as number));
    case 'decimal':
      return javaBigDecimalText(BigInt(v as bigint), type.scale);
    case 'date':
      return `"${formatDate(v as number)}"`;
    case 'timestamp':
      return jsonTimestamp(BigInt(v as bigint));
    case 'binary':
      return `"${Buffer.from(v as Uint8Array).toString('base64')}"`;
    case 'null':
      return 'null';
    case 'interval':
      throw new InternalError('to_json of an interval passed its type rule, which refuses it');
    case 'array':
      return `[${(v as unknown[]).map((x) => toJsonText(x, type.element)).join(',')}]`;
    case 'map':
      return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${jsonString(k)}:${toJsonText(x, type.value)}`).join(',')}}`;
    case 'struct': {
      const row = v as Record<string, unknown>;
      const fields = type.fields.filter((f) => row[f.name] !== null && row[f.name] !== undefined);
      return `{${fields.map((f) => `${jsonString(f.name)}:${toJsonText(row[f.name], f.type)}`).join(',')}}`;
    }
    default:
      return assertNever(type);
  }
}

const holdsInterval = (t: DataType): boolean =>
  t.kind === 'interval' || (t.kind === 'array' && holdsInterval(t.element)) || (t.kind === 'map' && (holdsInterval(t.key) || holdsInterval(t.value))) || (t.kind === 'struct' && t.fields.some((f) => holdsInterval(f.type)));

export const json: ScalarFunction[] = [
  {
    name: 'to_json',
    description: "to_json(x): a struct, array or map as JSON text, as Spark writes it (null struct fields left out; timestamps as yyyy-MM-dd'T'HH:mm:ss.SSS'Z')",
    arity: [1, 1],
    resolve: ([a]) => {
      if (a.type.kind !== 'struct' && a.type.kind !== 'array' && a.type.kind !== 'map') return { problem: `needs a struct, an array or a map, got ${typeToString(a.type)}` };
      // Spark writes a day-time interval as its SQL literal text; not built, so refused.
      return holdsInterval(a.type) ? { problem: `an interval inside ${typeToString(a.type)} is not supported: convert it with intervalMicros(...) first` } : T.string;
    },
    kernel: ([a], n) => mapUnary<unknown, string>(a, T.string, n, (v) => toJsonText(v, a.type)),
    sql: (a) => `to_json(${a[0]})`,
  },
];
