/**
 * CAST with Spark's non-ANSI semantics (spark.sql.ansi.enabled=false, the EMR 7 default):
 * a string that does not parse becomes null, doubles truncate toward zero and saturate when
 * cast to integers, long to int keeps the low 32 bits, and text forms follow Spark's.
 */
import { allocData, makeColumn, type Column, type ColumnData } from '../columnar/column.ts';
import { MAX_DECIMAL_PRECISION, sameType, type DataType } from '../schema/types.ts';
import { javaTrim, validityCopy } from './kernel-util.ts';
import { formatTimestampText, parseDateText, parseTimestampText } from './datetime-text.ts';
import { decimalToDouble, rescale, sparkDecimalString } from './decimal-arith.ts';
import { formatDate } from '../columnar/calendar.ts';

const PRIMITIVES = new Set(['string', 'boolean', 'int32', 'int64', 'float32', 'float64', 'date', 'timestamp', 'decimal', 'null']);
const NUMERIC = new Set(['int32', 'int64', 'float32', 'float64', 'decimal']);

export function canCast(from: DataType, to: DataType): boolean {
  if (sameType(from, to) || from.kind === 'null') return true;
  if (!PRIMITIVES.has(from.kind) || !PRIMITIVES.has(to.kind)) return false;
  if (to.kind === 'string' || from.kind === 'string') return true;
  if (NUMERIC.has(from.kind) && NUMERIC.has(to.kind)) return true;
  if (from.kind === 'boolean' || to.kind === 'boolean') return NUMERIC.has(from.kind) || NUMERIC.has(to.kind);
  if ((from.kind === 'date' && to.kind === 'timestamp') || (from.kind === 'timestamp' && to.kind === 'date')) return true;
  // Spark casts timestamps to and from numbers as seconds since the epoch.
  if (from.kind === 'timestamp' && NUMERIC.has(to.kind)) return true;
  if (NUMERIC.has(from.kind) && to.kind === 'timestamp') return true;
  return false;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
export const LONG_MIN = -(2n ** 63n);
export const LONG_MAX = 2n ** 63n - 1n;
const MICROS_PER_DAY = 86_400_000_000n;

export function castColumn(c: Column, to: DataType): Column {
  const from = c.type;
  if (sameType(from, to)) return c;
  const n = c.length;
  const data = allocData(to, n) as { [i: number]: unknown };
  const valid = validityCopy(n, c.valid);
  if (from.kind === 'null') return { type: to, length: n, data: data as ColumnData, valid: new Uint8Array(n) };
  const read = reader(c);
  const write = writer(from, to);
  for (let i = 0; i < n; i++) {
    if (valid[i] === 0) continue;
    const v = write(read(i));
    if (v === null) valid[i] = 0;
    else data[i] = v;
  }
  return makeColumn(to, data as ColumnData, valid);
}

/** A column's stored value at i, booleans as booleans. */
function reader(c: Column): (i: number) => unknown {
  const d = c.data as ArrayLike<unknown>;
  if (c.type.kind === 'boolean') return (i) => d[i] === 1;
  return (i) => d[i];
}

type Convert = (v: unknown) => unknown;

function writer(from: DataType, to: DataType): Convert {
  switch (to.kind) {
    case 'string':
      return (v) => toText(from, v);
    case 'boolean':
      if (from.kind === 'string') return (v) => parseBoolean(v as string);
      return (v) => (toNumber(from, v) !== 0 ? 1 : 0);
    case 'int32':
      if (from.kind === 'string') return (v) => parseInt32(v as string);
      if (from.kind === 'int64') return (v) => Number(BigInt.asIntN(32, v as bigint));
      if (from.kind === 'boolean') return (v) => (v ? 1 : 0);
      if (from.kind === 'timestamp') return (v) => Number(BigInt.asIntN(32, floorDiv(v as bigint, 1_000_000n)));
      if (from.kind === 'decimal') return (v) => Number(BigInt.asIntN(32, (v as bigint) / 10n ** BigInt(from.scale)));
      return (v) => saturateInt(v as number);
    case 'int64':
      if (from.kind === 'string') return (v) => {
        const x = parseIntegral(v as string);
        return x === null || x < LONG_MIN || x > LONG_MAX ? null : x;
      };
      if (from.kind === 'int32') return (v) => BigInt(v as number);
      if (from.kind === 'boolean') return (v) => (v ? 1n : 0n);
      if (from.kind === 'timestamp') return (v) => floorDiv(v as bigint, 1_000_000n);
      if (from.kind === 'decimal') return (v) => (v as bigint) / 10n ** BigInt(from.scale);
      return (v) => saturateLong(v as number);
    case 'float32':
    case 'float64': {
      const round = to.kind === 'float32' ? Math.fround : (x: number) => x;
      if (from.kind === 'string') return (v) => {
        const x = parseDouble(v as string);
        return x === null ? null : round(x);
      };
      return (v) => round(toNumber(from, v));
    }
    case 'decimal': {
      const limit = 10n ** BigInt(to.precision);
      const fit = (u: bigint | null) => (u === null || u >= limit || u <= -limit ? null : u);
      if (from.kind === 'string') return (v) => fit(parseDecimal(javaTrim(v as string), to.scale));
      if (from.kind === 'decimal') return (v) => fit(rescale(v as bigint, from.scale, to.scale));
      if (from.kind === 'int32' || from.kind === 'int64') return (v) => fit(BigInt(v as number | bigint) * 10n ** BigInt(to.scale));
      if (from.kind === 'boolean') return (v) => fit((v ? 1n : 0n) * 10n ** BigInt(to.scale));
      // Spark goes through BigDecimal(Double.toString(x)): round the shortest decimal text, HALF_UP.
      return (v) => {
        const x = toNumber(from, v);
        return Number.isFinite(x) ? fit(parseDecimal(String(x), to.scale)) : null;
      };
    }
    case 'date':
      if (from.kind === 'string') return (v) => parseDateText(v as string);
      if (from.kind === 'timestamp') return (v) => Number(floorDiv(v as bigint, MICROS_PER_DAY));
      return () => null;
    case 'timestamp':
      if (from.kind === 'string') return (v) => parseTimestampText(v as string);
      if (from.kind === 'date') return (v) => BigInt(v as number) * MICROS_PER_DAY;
      // Seconds since the epoch; Spark saturates (TimeUnit.toMicros / Java's (long) cast).
      if (from.kind === 'int32' || from.kind === 'int64') return (v) => clampLong(BigInt(v as number | bigint) * 1_000_000n);
      if (from.kind === 'decimal') return (v) => clampLong(((v as bigint) * 1_000_000n) / 10n ** BigInt(from.scale));
      return (v) => {
        const x = toNumber(from, v);
        return Number.isFinite(x) ? saturateLong(x * 1_000_000) : null;
      };
    default:
      return () => null;
  }
}

function toNumber(from: DataType, v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') {
    if (from.kind === 'decimal') return decimalToDouble(v, from);
    if (from.kind === 'timestamp') return Number(v) / 1e6;
    return Number(v);
  }
  return v as number;
}

function clampLong(x: bigint): bigint {
  return x > LONG_MAX ? LONG_MAX : x < LONG_MIN ? LONG_MIN : x;
}

function saturateInt(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.max(INT_MIN, Math.min(INT_MAX, Math.trunc(x)));
}

/** Java's double -> long conversion: truncation, saturating at the ends, NaN as 0. */
export function saturateLong(x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  if (x >= 9.223372036854776e18) return LONG_MAX;
  if (x <= -9.223372036854776e18) return LONG_MIN;
  return BigInt(Math.trunc(x));
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/**
 * Spark's string -> integral (UTF8String.toLong): trimmed of ASCII whitespace and control
 * characters, an optional sign, digits, then optionally '.' and digits that are dropped
 * (truncation). As in Spark, "." and "-." read as 0 and "1." as 1; anything else is null.
 */
export function parseIntegral(s: string): bigint | null {
  const t = javaTrim(s);
  let i = 0;
  const n = t.length;
  if (n === 0) return null;
  const c0 = t.charCodeAt(0);
  const negative = c0 === 45;
  if (negative || c0 === 43) {
    if (n === 1) return null;
    i = 1;
  }
  const digitsStart = i;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c === 46) break;
    if (c < 48 || c > 57) return null;
    i++;
  }
  const digitsEnd = i;
  if (i < n) {
    for (i++; i < n; i++) {
      const c = t.charCodeAt(i);
      if (c < 48 || c > 57) return null;
    }
  }
  if (digitsEnd === digitsStart) return 0n;
  // Up to 15 digits fit a double exactly: avoid BigInt parsing for the common case.
  const len = digitsEnd - digitsStart;
  const x = len <= 15 ? BigInt(Number(t.slice(digitsStart, digitsEnd))) : BigInt(t.slice(digitsStart, digitsEnd));
  return negative ? -x : x;
}

/** string -> int with Spark's rules; null when it does not parse or does not fit. */
export function parseInt32(s: string): number | null {
  const x = parseIntegral(s);
  return x === null || x < -2147483648n || x > 2147483647n ? null : Number(x);
}

/** Java's Double.parseDouble after trimming, plus Spark's 'inf'/'infinity'/'nan' literals. */
export function parseDouble(s: string): number | null {
  const t = javaTrim(s);
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(t)) return Number(t.replace(/[dDfF]$/, ''));
  const lower = t.toLowerCase();
  if (lower === 'nan' || lower === '+nan' || lower === '-nan') return Number.NaN;
  if (lower === 'infinity' || lower === '+infinity' || lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-infinity' || lower === '-inf') return Number.NEGATIVE_INFINITY;
  return null;
}

function parseBoolean(s: string): number | null {
  const t = javaTrim(s).toLowerCase();
  if (t === 't' || t === 'true' || t === 'y' || t === 'yes' || t === '1') return 1;
  if (t === 'f' || t === 'false' || t === 'n' || t === 'no' || t === '0') return 0;
  return null;
}

/** Exact decimal text -> unscaled value at `scale`, rounding HALF_UP as Spark does. */
export function parseDecimal(s: string, scale: number): bigint | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  let digits = (m[2] || '0') + (m[3] ?? '');
  const exp = -(m[3] ?? '').length + (m[4] ? Number(m[4]) : 0);
  // value = digits * 10^exp; want unscaled = value * 10^scale
  let shift = exp + scale;
  if (shift >= 0) {
    if (shift > MAX_DECIMAL_PRECISION + 20) return null;
    const u = BigInt(digits) * 10n ** BigInt(shift);
    return m[1] === '-' ? -u : u;
  }
  shift = -shift;
  if (shift > digits.length) digits = digits.padStart(shift, '0');
  const keep = digits.slice(0, digits.length - shift) || '0';
  const dropped = digits.slice(digits.length - shift);
  let u = BigInt(keep);
  if (dropped[0] >= '5') u += 1n;
  return m[1] === '-' ? -u : u;
}

export { decimalText } from './decimal-arith.ts';


/** Java's Double.toString, which Spark uses for CAST(double AS STRING). */
export function javaDoubleText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, exp] = x.toExponential().split('e');
  return `${mant.includes('.') ? mant : `${mant}.0`}E${exp.replace('+', '')}`;
}

/** Java's Float.toString: the shortest text that reads back as the same float. */
export function javaFloatText(x: number): string {
  if (!Number.isFinite(x) || x === 0) return javaDoubleText(x);
  for (let p = 1; p <= 9; p++) {
    const t = Number(x.toPrecision(p));
    if (Math.fround(t) === x) return javaDoubleText(t);
  }
  return javaDoubleText(x);
}

function toText(from: DataType, v: unknown): string {
  switch (from.kind) {
    case 'string':
      return v as string;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'int32':
    case 'int64':
      return String(v);
    case 'float32':
      return javaFloatText(v as number);
    case 'float64':
      return javaDoubleText(v as number);
    case 'decimal':
      return sparkDecimalString(v as bigint, from.scale);
    case 'date':
      return formatDate(v as number);
    case 'timestamp':
      return formatTimestampText(v as bigint);
    default:
      return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  }
}
