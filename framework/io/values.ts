/**
 * Strict value parsers shared by the readers. Each takes source text and returns the value in
 * column storage form, or a reason string a person can act on (`typeof r === 'string'` means
 * failure for every parser here, none of them returns a string value).
 *
 * Rules (chosen to match Spark's readers with a strict `timestampFormat` and no fallback):
 * - Timestamps: ISO-8601 `yyyy-MM-dd(T| )HH:mm[:ss[.f{1,9}]][Z|±HH[:mm]|±HHmm]`, T/Z in either case.
 *   No zone means UTC (the framework runs in UTC, as the Spark driver does). Digits beyond the
 *   microsecond are truncated: the instant is rounded toward the past (12:00:00.1234569 -> .123456,
 *   and likewise before 1970, where the fraction is still added to the whole second).
 *   Impossible values are refused with the reason: 2026-02-30, hour 24, minute 60, second 60
 *   (leap seconds), offsets beyond ±18:00.
 * - Dates: exactly `yyyy-MM-dd`, to days since 1970-01-01.
 * - Integers: optional '-' (and '+' in CSV text), digits; range-checked from the digits, exact
 *   beyond 2^53. No surrounding spaces, no fraction, no exponent (Spark's CSV reader refuses " 1").
 * - Decimals: exact from the text (a JSON number or a string), rounded HALF_UP to the scale as
 *   Spark does, refused when the result has more than `precision` digits.
 * - Booleans: `true` / `false` (CSV: any case).
 * Everything is computed without JavaScript's Date (which rolls 2026-11-31 over to December).
 */
import { MAX_DECIMAL_PRECISION, typeToString, type DataType, type Field } from '../schema/types.ts';
import { daysFromCivil, daysInMonth, formatDate } from '../columnar/calendar.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** null when the calendar date exists, else why not. */
function checkDate(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12) return `month ${m} does not exist`;
  if (d < 1 || d > daysInMonth(y, m)) return `${MONTHS[m - 1]} ${y} has no day ${d}`;
  return null;
}

const quote = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);

// ---------- date and timestamp

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `yyyy-MM-dd` -> days since the epoch, or a reason. */
export function parseDate(s: string): number | string {
  const m = DATE_RE.exec(s);
  if (!m) return `${quote(s)} is not a date (expected yyyy-MM-dd)`;
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  const bad = checkDate(y, mo, d);
  return bad ? `${quote(s)} is not a valid date: ${bad}` : daysFromCivil(y, mo, d);
}

const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** ISO-8601 timestamp -> UTC microseconds, or a reason. See the module comment for the rules. */
export function parseTimestamp(s: string): bigint | string {
  const m = TS_RE.exec(s);
  if (!m) {
    if (DATE_RE.test(s)) return `${quote(s)} is a date without a time of day (expected an ISO-8601 timestamp such as 2026-11-01T10:00:00Z)`;
    if (/\.\d{10,}/.test(s)) return `${quote(s)} has more than 9 fractional digits`;
    return `${quote(s)} is not an ISO-8601 timestamp (expected e.g. 2026-11-01T10:00:00Z, 2026-11-01 10:00:00.123456+02:00)`;
  }
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  const h = +m[4];
  const mi = +m[5];
  const sec = m[6] === undefined ? 0 : +m[6];
  const bad =
    checkDate(y, mo, d) ??
    (h > 23 ? `hour ${h} is out of range 0-23${h === 24 ? ' (write 00:00 of the next day)' : ''}` : null) ??
    (mi > 59 ? `minute ${mi} is out of range 0-59` : null) ??
    (sec > 59 ? `second ${sec} is out of range 0-59${sec === 60 ? ' (leap seconds are not representable)' : ''}` : null);
  if (bad) return `${quote(s)} is not a valid timestamp: ${bad}`;
  let offset = 0;
  if (m[9] !== undefined) {
    const oh = +m[10];
    const om = m[11] === undefined ? 0 : +m[11];
    if (oh > 18 || om > 59 || (oh === 18 && om > 0)) return `${quote(s)} is not a valid timestamp: offset ${m[9]}${m[10]}:${m[11] ?? '00'} is beyond ±18:00`;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const frac = m[7] === undefined ? 0 : +(m[7].length >= 6 ? m[7].slice(0, 6) : m[7].padEnd(6, '0'));
  const seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  const micros = seconds * 1_000_000 + frac;
  return Number.isSafeInteger(micros) ? BigInt(micros) : BigInt(seconds) * 1_000_000n + BigInt(frac);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));


/**
 * A timestamp as Spark's CAST(ts AS STRING) renders it in UTC, which is also how Spark names a
 * timestamp partition folder: `yyyy-MM-dd HH:mm:ss[.f]`, trailing zeros of the fraction dropped.
 */
export function formatTimestamp(micros: bigint): string {
  const day = micros >= 0n ? micros / 86_400_000_000n : -((-micros + 86_399_999_999n) / 86_400_000_000n);
  let rest = Number(micros - day * 86_400_000_000n);
  const us = rest % 1_000_000;
  rest = (rest - us) / 1_000_000;
  const time = `${pad2(Math.floor(rest / 3600))}:${pad2(Math.floor(rest / 60) % 60)}:${pad2(rest % 60)}`;
  const frac = us === 0 ? '' : `.${String(us).padStart(6, '0').replace(/0+$/, '')}`;
  return `${formatDate(Number(day))} ${time}${frac}`;
}

// ---------- numbers

const INT_RE = /^[-+]?\d+$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function notInteger(text: string, want: string): string {
  const t = text.trim();
  if (t !== text && INT_RE.test(t)) return `expected ${want}, got ${quote(text)} (spaces around the digits)`;
  if (/^[-+]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][-+]?\d+)$/.test(t)) return `expected ${want}, got a fractional number ${text}`;
  return `expected ${want}, got ${quote(text)}`;
}

/** Integer text -> int32, or a reason. */
export function parseInt32(text: string): number | string {
  if (!INT_RE.test(text)) return notInteger(text, 'int');
  const v = +text;
  if (v < INT32_MIN || v > INT32_MAX) return `${text} is out of the int range (-2147483648..2147483647)`;
  return v;
}

/** Integer text -> int64 from its digits (exact beyond 2^53), or a reason. */
export function parseInt64(text: string): bigint | string {
  if (!INT_RE.test(text)) return notInteger(text, 'bigint');
  if (text.length < 16) return BigInt(+text);
  const v = BigInt(text);
  if (v < INT64_MIN || v > INT64_MAX) return `${text} is out of the bigint range (-9223372036854775808..9223372036854775807)`;
  return v;
}

const FLOAT_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Number text -> double (CSV: also NaN, Inf, Infinity, -Inf, -Infinity as Spark's CSV reader), or a reason. */
export function parseFloat64(text: string): number | string {
  if (FLOAT_RE.test(text)) return +text;
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case 'Inf':
    case 'Infinity':
    case '+Inf':
    case '+Infinity':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
    case '-Infinity':
      return Number.NEGATIVE_INFINITY;
  }
  return `expected double, got ${quote(text)}`;
}

const DECIMAL_RE = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/;

/** Decimal text -> unscaled value at `scale` (HALF_UP), or a reason. */
export function parseDecimal(text: string, precision: number, scale: number): bigint | string {
  const m = DECIMAL_RE.exec(text);
  const name = `decimal(${precision},${scale})`;
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return `expected ${name}, got ${quote(text)}`;
  const fraction = m[3] ?? '';
  let digits = (m[2] + fraction).replace(/^0+(?=\d)/, '') || '0';
  const exp = m[4] === undefined ? 0 : +m[4];
  // value = digits * 10^(exp - fraction.length); unscaled = value * 10^scale
  const shift = exp - fraction.length + scale;
  let u: bigint;
  if (shift >= 0) {
    if (digits !== '0' && digits.length + shift > precision) return `${text} does not fit ${name}`;
    u = BigInt(digits) * 10n ** BigInt(shift);
  } else {
    const drop = -shift;
    if (drop > digits.length) digits = digits.padStart(drop, '0');
    const kept = digits.slice(0, digits.length - drop) || '0';
    u = BigInt(kept);
    if (digits.charCodeAt(digits.length - drop) >= 53 /* '5' */) u += 1n;
  }
  const limit = 10n ** BigInt(Math.min(precision, MAX_DECIMAL_PRECISION));
  if (u >= limit) return `${text} does not fit ${name}`;
  return m[1] === '-' ? -u : u;
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Base64 text (standard alphabet, padded, as Spark's JSON reader takes binary) -> bytes, or a reason. */
export function parseBase64(text: string): Uint8Array | string {
  if (!BASE64_RE.test(text)) return `expected binary as base64 text, got ${quote(text)}`;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** `true`/`false` -> 1/0, or a reason. With `anyCase`, TRUE and False too (CSV). */
export function parseBoolean(text: string, anyCase = false): number | string {
  const t = anyCase ? text.toLowerCase() : text;
  if (t === 'true') return 1;
  if (t === 'false') return 0;
  return `expected boolean (true or false), got ${quote(text)}`;
}

// ---------- values of any declared type

/** A failure of a generic converter (whose successful result may be any storage value, strings included). */
export class Problem {
  constructor(readonly reason: string) {}
}

const orProblem = <T>(r: T | string): T | Problem => (typeof r === 'string' ? new Problem(r) : r);

/** CSV field text -> storage for `type`, or a Problem. Empty/null text is handled by the caller. */
export function fromText(s: string, type: DataType, enumValues?: ReadonlySet<string> | readonly string[]): unknown {
  switch (type.kind) {
    case 'string':
      return enumValues && !has(enumValues, s) ? new Problem(enumReason(s, enumValues)) : s;
    case 'int32':
      return orProblem(parseInt32(s));
    case 'int64':
      return orProblem(parseInt64(s));
    case 'float32': {
      const r = parseFloat64(s);
      return typeof r === 'string' ? new Problem(r.replace('double', 'float')) : Math.fround(r);
    }
    case 'float64':
      return orProblem(parseFloat64(s));
    case 'boolean':
      return orProblem(parseBoolean(s, true));
    case 'decimal':
      return orProblem(parseDecimal(s, type.precision, type.scale));
    case 'date':
      return orProblem(parseDate(s));
    case 'timestamp':
      return orProblem(parseTimestamp(s));
    default:
      return new Problem(`CSV cannot hold ${typeToString(type)} values`);
  }
}

function has(values: ReadonlySet<string> | readonly string[], s: string): boolean {
  return values instanceof Set ? values.has(s) : (values as readonly string[]).includes(s);
}

export function enumReason(s: string, values: ReadonlySet<string> | readonly string[]): string {
  return `${quote(s)} is not one of ${[...values].join(', ')}`;
}

/** A JSON number kept as its source text, so int64 and decimals stay exact. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [k: string]: JsonValue };

export function describeJson(v: JsonValue): string {
  if (v === null) return 'null';
  if (v instanceof JsonNumber) return `number ${v.text}`;
  if (typeof v === 'string') return `string ${quote(v)}`;
  if (typeof v === 'boolean') return `boolean ${v}`;
  return Array.isArray(v) ? 'an array' : 'an object';
}

/**
 * A parsed JSON value (numbers as text) -> storage for `type` (nested types as plain JS values
 * in storage form), or a Problem. null is handled by the caller.
 */
export function fromJson(v: Exclude<JsonValue, null>, type: DataType, enumValues?: readonly string[]): unknown {
  const mismatch = () => new Problem(`expected ${typeToString(type)}, got ${describeJson(v)}`);
  switch (type.kind) {
    case 'string': {
      // As Spark's JSON reader: any other JSON value in a string column becomes its (compact) JSON text.
      const s = typeof v === 'string' ? v : jsonText(v);
      return enumValues && !enumValues.includes(s) ? new Problem(enumReason(s, enumValues)) : s;
    }
    case 'int32':
      return v instanceof JsonNumber ? orProblem(parseInt32(v.text)) : mismatch();
    case 'int64':
      return v instanceof JsonNumber ? orProblem(parseInt64(v.text)) : mismatch();
    case 'float32':
      return v instanceof JsonNumber ? Math.fround(+v.text) : mismatch();
    case 'float64':
      return v instanceof JsonNumber ? +v.text : mismatch();
    case 'boolean':
      return typeof v === 'boolean' ? (v ? 1 : 0) : mismatch();
    case 'decimal':
      return v instanceof JsonNumber || typeof v === 'string' ? orProblem(parseDecimal(typeof v === 'string' ? v : v.text, type.precision, type.scale)) : mismatch();
    case 'date':
      return typeof v === 'string' ? orProblem(parseDate(v)) : mismatch();
    case 'timestamp':
      return typeof v === 'string' ? orProblem(parseTimestamp(v)) : mismatch();
    case 'binary':
      return typeof v === 'string' ? orProblem(parseBase64(v)) : mismatch();
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
      for (const k of Object.keys(v)) {
        const r = nested(v[k], { name: k, type: type.value, nullable: type.valueContainsNull });
        if (r instanceof Problem) return new Problem(`${k}: ${r.reason}`);
        out[k] = r;
      }
      return out;
    }
    case 'null':
      return mismatch();
  }
}

/** Compact JSON text of a parsed value, numbers exactly as written. */
export function jsonText(v: JsonValue): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${jsonText(v[k])}`).join(',')}}`;
}

function nested(v: JsonValue | undefined, f: Field): unknown {
  if (v === undefined || v === null) return f.nullable ? null : new Problem(v === null ? 'required field is null' : 'missing required field');
  return fromJson(v, f.type, f.enumValues);
}
