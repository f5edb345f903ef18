/**
 * Test values compared by their column's type, not by their text: an expected file may write a
 * timestamp as `2026-11-01T00:00:00.000000Z` or `2026-11-01T00:00:00Z` (the same instant), a
 * decimal as `1.50` or `1.5` or 1.5, a big integer as digits in a string. Doubles are equal within
 * a relative tolerance (summation order differs between engines).
 */
import { parseTimestamp } from '../io/values.ts';
import { assertNever, type DataType } from '../schema/types.ts';
import type { Row } from './rows.ts';

/** Two doubles are equal when |a - b| <= tolerance * max(|a|, |b|), or both are tiny. */
export const DEFAULT_FLOAT_TOLERANCE = 1e-9;

/**
 * The significant digits at which doubles match wherever results are compared as whole forms
 * (row keys here, the function cases, the engine oracles, table comparison, bench checksums):
 * engines add in different orders and Java's and V8's libm differ in the last bits, far below
 * this; twelve digits stay far above a double's noise (about 16) and below any real difference
 * the tests look for.
 */
export const DOUBLE_MATCH_DIGITS = 12;

/** A double in its matching form: rounded to DOUBLE_MATCH_DIGITS; NaN and the infinities by name (JSON has no such numbers). */
export function doubleMatchForm(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return Number(x.toPrecision(DOUBLE_MATCH_DIGITS));
}

/** The matching form in SQL, for comparisons a database makes (DuckDB's printf). */
export const doubleMatchSql = (sql: string): string => `printf('%.${DOUBLE_MATCH_DIGITS}g', ${sql})`;

/**
 * The canonical form of a value of a type: equal values (in the sense of the type) have the same
 * form. Doubles keep full precision here; `matchKey` rounds them. A value that does not read as
 * its type (a malformed timestamp in an expected file) stays as it is, so it equals nothing else.
 */
export function canonicalValue(v: unknown, t: DataType): unknown {
  if (v === undefined || v === null) return null;
  switch (t.kind) {
    case 'int32':
    case 'int64':
    case 'interval':
      return canonicalInteger(v);
    case 'float32':
    case 'float64':
      return typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
    case 'decimal':
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' ? (exactDecimal(String(v)) ?? v) : v;
    case 'timestamp':
      return typeof v === 'string' ? instant(v) : v;
    case 'date':
    case 'string':
    case 'boolean':
    case 'binary':
    case 'null':
      return v;
    case 'struct':
      if (typeof v !== 'object' || Array.isArray(v)) return v;
      return Object.fromEntries(t.fields.map((f) => [f.name, canonicalValue((v as Row)[f.name], f.type)]));
    case 'array':
      return Array.isArray(v) ? v.map((x) => canonicalValue(x, t.element)) : v;
    case 'map':
      if (typeof v !== 'object' || Array.isArray(v)) return v;
      return Object.fromEntries(Object.entries(v as Row).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canonicalValue(x, t.value)]));
    default:
      return assertNever(t);
  }
}

/** Whether two values of a type are equal: doubles within the tolerance (at any depth), the rest by canonical form. */
export function valuesEqual(a: unknown, b: unknown, t: DataType, tolerance = DEFAULT_FLOAT_TOLERANCE): boolean {
  return sameCanonical(canonicalValue(a, t), canonicalValue(b, t), t, tolerance);
}

function sameCanonical(x: unknown, y: unknown, t: DataType, tolerance: number): boolean {
  if (x === null || y === null) return x === y;
  switch (t.kind) {
    case 'float32':
    case 'float64':
      if (typeof x !== 'number' || typeof y !== 'number') return x === y;
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
      return x === y || Math.abs(x - y) <= tolerance * Math.max(Math.abs(x), Math.abs(y)) || Math.abs(x - y) < 1e-300;
    case 'struct':
      return isObject(x) && isObject(y) && t.fields.every((f) => sameCanonical(x[f.name] ?? null, y[f.name] ?? null, f.type, tolerance));
    case 'array':
      return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((e, i) => sameCanonical(e, y[i], t.element, tolerance));
    case 'map': {
      if (!isObject(x) || !isObject(y)) return false;
      const keys = Object.keys(x);
      return keys.length === Object.keys(y).length && keys.every((k) => k in y && sameCanonical(x[k], y[k], t.value, tolerance));
    }
    default:
      return JSON.stringify(x) === JSON.stringify(y);
  }
}

/** A form for exact matching of whole rows: doubles in their matching form (`doubleMatchForm`), so near-equal values meet. */
export function matchForm(v: unknown, t: DataType): unknown {
  const c = canonicalValue(v, t);
  return roundDoubles(c, t);
}

function roundDoubles(c: unknown, t: DataType): unknown {
  if (c === null) return null;
  switch (t.kind) {
    case 'float32':
    case 'float64':
      return typeof c === 'number' ? doubleMatchForm(c) : c;
    case 'struct':
      return isObject(c) ? Object.fromEntries(t.fields.map((f) => [f.name, roundDoubles(c[f.name] ?? null, f.type)])) : c;
    case 'array':
      return Array.isArray(c) ? c.map((e) => roundDoubles(e, t.element)) : c;
    case 'map':
      return isObject(c) ? Object.fromEntries(Object.entries(c).map(([k, x]) => [k, roundDoubles(x, t.value)])) : c;
    default:
      return c;
  }
}

const isObject = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Integers as numbers while exact, otherwise as digit strings (expected files write big integers as strings). */
function canonicalInteger(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number.isSafeInteger(Number(v)) ? Number(v) : BigInt(v).toString();
  return v;
}

/** A timestamp as UTC microseconds (text), whatever its fractional digits or offset. */
function instant(text: string): string {
  const micros = parseTimestamp(text);
  return typeof micros === 'bigint' ? `${micros}us` : text;
}

const DECIMAL_TEXT = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/;

/**
 * A decimal's exact value as `[-]digits e exponent` with no leading or trailing zeros, so `1.50`,
 * `1.5` and `15e-1` are one form (no rounding: `1.505` is not `1.51`); undefined for non-numbers.
 */
export function exactDecimal(text: string): string | undefined {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const fraction = m[3] ?? '';
  let digits = (m[2] + fraction).replace(/^0+/, '');
  let exponent = (m[4] === undefined ? 0 : Number(m[4])) - fraction.length;
  if (digits === '') return '0';
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return `${m[1] === '-' ? '-' : ''}${digits}e${exponent}`;
}
