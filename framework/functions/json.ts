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
import { jsonString, readJson } from './json-read.ts';
import { mapUnary } from './kernel-util.ts';
import { parseSparkDdl } from './spark-ddl.ts';
import { sparkDialect } from '../compile/sql/dialect.ts';
import type { ScalarFunction } from './registry.ts';

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

/** Why from_json cannot read into a type lakeform cannot match Spark on, or null when it can. */
function unreadableInJson(t: DataType): string | null {
  switch (t.kind) {
    case 'date':
    case 'timestamp':
      // Spark tries the default pattern, then its legacy cast, then (dates) a day count with the Julian calendar rebase; times without a date take today.
      return `a ${t.kind} field is not supported: Spark parses JSON ${t.kind}s with fallbacks lakeform does not reproduce; read it as a string field and convert it with ${t.kind === 'date' ? 'toDate' : 'toTimestamp'}(...)`;
    case 'float32':
      return 'a float field is not supported (Jackson rounds the text to a float directly): read it as a double';
    case 'binary':
    case 'interval':
    case 'null':
      return `a ${t.kind} field is not supported: read it as a string field`;
    case 'array':
      return unreadableInJson(t.element);
    case 'map':
      return t.key.kind !== 'string' ? `a map's keys must be strings (JSON object keys), got ${typeToString(t.key)}` : unreadableInJson(t.value);
    case 'struct': {
      const seen = new Map<string, string>();
      for (const f of t.fields) {
        const other = seen.get(f.name.toLowerCase());
        if (other !== undefined) return `the fields '${other}' and '${f.name}' differ only in case: name them apart`;
        seen.set(f.name.toLowerCase(), f.name);
      }
      return t.fields.map((f) => unreadableInJson(f.type)).find((p) => p !== null) ?? null;
    }
    default:
      return null;
  }
}

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
  {
    name: 'from_json',
    description: 'from_json(s, schema): JSON text read into a struct (or an array or map) of the schema, as Spark reads it: a malformed record gives a struct of nulls, a field that does not convert is null',
    arity: [2, 2],
    resolve: ([s, schema]) => {
      if (s.type.kind !== 'string' && s.type.kind !== 'null') return { problem: `the first argument must be a string, got ${typeToString(s.type)}` };
      if (schema.literal === undefined || typeof schema.literal.value !== 'string') return { problem: "the schema must be a literal: a zod schema, or Spark's DDL text ('a INT, b STRING')" };
      const type = parseSparkDdl(schema.literal.value);
      if ('problem' in type) return type;
      if (type.kind !== 'struct' && type.kind !== 'array' && type.kind !== 'map') return { problem: `the schema must be a struct, an array or a map, got ${typeToString(type)}` };
      const problem = unreadableInJson(type);
      return problem ? { problem: `from_json schema ${typeToString(type)}: ${problem}` } : type;
    },
    kernel: ([s], n, result) => mapUnary<string, unknown>(s, result, n, (text) => readJson(text, result)),
    // The schema as the DDL of the resolved type, in the form Spark's parser reads back exactly.
    sql: ([s], _types, result) => `from_json(${s}, ${sparkDialect.stringLiteral(sparkDialect.typeName(result))})`,
  },
];
