/**
 * Strict conversion of source values (JSON tokens, CSV text) into column storage. Each
 * converter returns the stored value or a `Problem` with a reason a person can act on.
 * Integers are taken from their digits (exact beyond 2^53); dates and timestamps are parsed
 * without JavaScript's Date (which rolls 2026-11-31 over to December).
 */
import { MAX_DECIMAL_PRECISION, typeToString, type DataType, type Field } from '../schema/types.ts';
import { parseDecimal } from '../functions/cast.ts';
import { parseTimestampText, daysFromCivil, daysInMonth } from '../functions/datetime-text.ts';

export class Problem {
  constructor(readonly reason: string) {}
}

/** A JSON number kept as its source text, so int64 and decimals stay exact. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [k: string]: JsonValue };

const INT_RE = /^-?\d+$/;
const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function describeJson(v: JsonValue): string {
  if (v === null) return 'null';
  if (v instanceof JsonNumber) return `number ${v.text}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'boolean') return `boolean ${v}`;
  return Array.isArray(v) ? 'an array' : 'an object';
}

export function parseIsoDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return daysFromCivil(y, mo, d);
}

const TIMESTAMP_SHAPE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i;

/** ISO-8601 timestamp -> UTC microseconds. No zone means UTC; digits beyond microseconds are truncated. */
export function parseIsoTimestamp(s: string): bigint | null {
  if (!TIMESTAMP_SHAPE.test(s)) return null;
  return parseTimestampText(s);
}

function integral(text: string, type: 'int32' | 'int64'): bigint | Problem {
  if (!INT_RE.test(text)) return new Problem(`expected ${type === 'int32' ? 'an int' : 'a bigint'}, got ${text.includes('.') || /e/i.test(text) ? 'a fractional number' : 'text'} ${text}`);
  const v = BigInt(text);
  const [lo, hi] = type === 'int32' ? [INT32_MIN, INT32_MAX] : [INT64_MIN, INT64_MAX];
  if (v < lo || v > hi) return new Problem(`${text} is out of the ${type === 'int32' ? 'int' : 'bigint'} range`);
  return v;
}

/** Converts a parsed JSON value to storage for `type`. null is handled by the caller. */
export function fromJson(v: Exclude<JsonValue, null>, type: DataType, enumValues?: readonly string[]): unknown {
  const mismatch = () => new Problem(`expected ${typeToString(type)}, got ${describeJson(v)}`);
  switch (type.kind) {
    case 'string': {
      // Spark's JSON reader turns a scalar into its text for a string column; so do we.
      const s = typeof v === 'string' ? v : v instanceof JsonNumber ? v.text : typeof v === 'boolean' ? String(v) : JSON.stringify(toPlain(v));
      if (enumValues && !enumValues.includes(s)) return new Problem(`'${s}' is not one of ${enumValues.join(', ')}`);
      return s;
    }
    case 'int32':
    case 'int64': {
      if (!(v instanceof JsonNumber)) return mismatch();
      const r = integral(v.text, type.kind);
      return r instanceof Problem ? r : type.kind === 'int32' ? Number(r) : r;
    }
    case 'float32':
    case 'float64': {
      if (!(v instanceof JsonNumber)) return mismatch();
      const x = Number(v.text);
      return type.kind === 'float32' ? Math.fround(x) : x;
    }
    case 'boolean':
      return typeof v === 'boolean' ? (v ? 1 : 0) : mismatch();
    case 'decimal': {
      const text = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v.trim() : null;
      if (text === null) return mismatch();
      const u = parseDecimal(text, type.scale);
      if (u === null) return new Problem(`${JSON.stringify(text)} is not a decimal number`);
      const limit = 10n ** BigInt(Math.min(type.precision, MAX_DECIMAL_PRECISION));
      if (u >= limit || u <= -limit) return new Problem(`${text} does not fit ${typeToString(type)}`);
      return u;
    }
    case 'date': {
      if (typeof v !== 'string') return mismatch();
      const d = parseIsoDate(v);
      return d === null ? new Problem(`${JSON.stringify(v)} is not a valid date (yyyy-MM-dd)`) : d;
    }
    case 'timestamp': {
      if (typeof v !== 'string') return mismatch();
      const t = parseIsoTimestamp(v);
      return t === null ? new Problem(`${JSON.stringify(v)} is not a valid ISO-8601 timestamp`) : t;
    }
    case 'struct': {
      if (typeof v !== 'object' || v instanceof JsonNumber || Array.isArray(v)) return mismatch();
      const out: Record<string, unknown> = {};
      for (const f of type.fields) {
        const r = nested(v[f.name], f);
        if (r instanceof Problem) return new Problem(`${f.name}: ${r.reason}`);
        out[f.name] = r;
      }
      return out;
    }
    case 'array': {
      if (!Array.isArray(v)) return mismatch();
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        const r = nested(v[i], { name: `[${i}]`, type: type.element, nullable: type.containsNull });
        if (r instanceof Problem) return new Problem(`[${i}]: ${r.reason}`);
        out.push(r);
      }
      return out;
    }
    case 'map': {
      if (typeof v !== 'object' || v instanceof JsonNumber || Array.isArray(v)) return mismatch();
      if (type.key.kind !== 'string') return new Problem('JSON objects can only fill maps with string keys');
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const r = nested(x, { name: k, type: type.value, nullable: type.valueContainsNull });
        if (r instanceof Problem) return new Problem(`${k}: ${r.reason}`);
        out[k] = r;
      }
      return out;
    }
    case 'null':
      return mismatch();
  }
}

function nested(v: JsonValue | undefined, f: Field): unknown {
  if (v === undefined || v === null) return f.nullable ? null : new Problem('is required but missing');
  return fromJson(v, f.type, f.enumValues);
}

function toPlain(v: JsonValue): unknown {
  if (v instanceof JsonNumber) return Number(v.text);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  return v;
}

/** Converts CSV field text to storage for `type`. Empty/null text is handled by the caller. */
export function fromText(s: string, type: DataType, enumValues?: readonly string[]): unknown {
  switch (type.kind) {
    case 'string':
      if (enumValues && !enumValues.includes(s)) return new Problem(`'${s}' is not one of ${enumValues.join(', ')}`);
      return s;
    case 'int32':
    case 'int64': {
      const r = integral(s.trim(), type.kind);
      return r instanceof Problem ? r : type.kind === 'int32' ? Number(r) : r;
    }
    case 'float32':
    case 'float64': {
      const t = s.trim();
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return new Problem(`expected ${typeToString(type)}, got ${JSON.stringify(s)}`);
      return type.kind === 'float32' ? Math.fround(Number(t)) : Number(t);
    }
    case 'boolean': {
      const t = s.trim().toLowerCase();
      return t === 'true' ? 1 : t === 'false' ? 0 : new Problem(`expected true or false, got ${JSON.stringify(s)}`);
    }
    case 'decimal':
      return fromJson(s, type);
    case 'date':
    case 'timestamp':
      return fromJson(s.trim(), type);
    default:
      return new Problem(`CSV cannot hold ${typeToString(type)} values`);
  }
}
