/** abs, round (HALF_UP, as Spark), floor, ceil, sqrt, pow. */
import { T, isIntegral, isNumeric, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { literalArg, mapNary, mapUnary } from './kernel-util.ts';
import type { ScalarFunction } from './registry.ts';

const numeric = (t: DataType) => (isNumeric(t) ? t : t.kind === 'null' ? T.float64 : { problem: `needs a number, got ${typeToString(t)}` });

/**
 * Spark's round for doubles: BigDecimal(Double.toString(x)).setScale(scale, HALF_UP).toDouble.
 * Rounding the shortest decimal text (not x * 10^scale) is what makes round(1.005, 2) = 1.01.
 * `scale` may be negative (round(1250.0, -2) = 1300.0).
 */
export function roundHalfUp(x: number, scale: number): number {
  if (!Number.isFinite(x) || x === 0) return x === 0 ? 0 : x;
  if (scale >= 0 && Number.isInteger(x)) return x;
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(x)));
  if (!m) return x;
  const frac = m[2] ?? '';
  let digits = m[1] + frac;
  const exp = (m[3] ? Number(m[3]) : 0) - frac.length; // |x| = digits * 10^exp
  const drop = -scale - exp;
  if (drop <= 0) return x;
  if (digits.length < drop + 1) digits = digits.padStart(drop + 1, '0');
  const keep = digits.slice(0, digits.length - drop);
  const k = BigInt(keep) + (digits.charCodeAt(digits.length - drop) >= 53 ? 1n : 0n);
  if (k === 0n) return 0;
  return Number(`${x < 0 ? '-' : ''}${k}e${-scale}`);
}

/** HALF_UP rounding of an integer to 10^-scale (scale < 0), as BigDecimal.setScale does. */
function roundIntegral(v: bigint, scale: number): bigint {
  if (scale >= 0) return v;
  const q = 10n ** BigInt(-scale);
  let r = v / q;
  const rem = v % q;
  if ((rem < 0n ? -rem : rem) * 2n >= q) r += v < 0n ? -1n : 1n;
  return r * q;
}

/** floor/ceil: Spark returns bigint (saturating, NaN -> 0) for doubles and the value itself for integers. */
function integralRounding(name: string, description: string, f: (x: number) => number): ScalarFunction {
  return {
    name,
    description,
    arity: [1, 1],
    resolve: ([a]) =>
      (isNumeric(a.type) && a.type.kind !== 'decimal') || a.type.kind === 'null' ? T.int64 : { problem: `needs an int, bigint or double, got ${typeToString(a.type)}` },
    kernel: ([a], n) =>
      isIntegral(a.type) ? castColumn(a, T.int64) : castColumn(mapUnary<number, number>(castColumn(a, T.float64), T.float64, n, f), T.int64),
    sql: (a) => `${name}(${a[0]})`,
    dialects: { duckdb: (a, info) => (isIntegral(info[0].type) ? `CAST(${a[0]} AS BIGINT)` : `CAST(${name}(${a[0]}) AS BIGINT)`) },
  };
}

const asDouble = (t: DataType) => (isNumeric(t) || t.kind === 'null' ? T.float64 : { problem: `needs a number, got ${typeToString(t)}` });

export const math: ScalarFunction[] = [
  {
    name: 'abs',
    description: 'absolute value (the smallest int/bigint stays negative, as in Spark non-ANSI)',
    arity: [1, 1],
    resolve: ([a]) => numeric(a.type),
    kernel: ([a], n, t) =>
      t.kind === 'int32' ? mapUnary<number, number>(a, t, n, (v) => Math.abs(v) | 0)
      : t.kind === 'int64' || t.kind === 'decimal' ? mapUnary<bigint, bigint>(a, t, n, (v) => (v < 0n ? -v : v))
      : mapUnary<number, number>(castColumn(a, t), t, n, Math.abs),
    sql: (a) => `abs(${a[0]})`,
  },
  {
    name: 'round',
    description: 'round half up to `scale` decimal places (default 0; negative rounds to tens, hundreds...)',
    arity: [1, 2],
    resolve: ([a, s]) => {
      if (s && (!s.literal || typeof s.literal.value !== 'number' || !Number.isInteger(s.literal.value))) return { problem: 'the scale must be an integer literal' };
      if (a.type.kind === 'decimal') return { problem: 'round on decimals is not supported (Spark changes the decimal type); cast to double' };
      return numeric(a.type);
    },
    kernel: ([a, s], n, t) => {
      const scale = s ? (literalArg<number>(s) ?? 0) : 0;
      const x = castColumn(a, t);
      if (t.kind === 'int32') return scale >= 0 ? x : mapUnary<number, number>(x, t, n, (v) => Number(BigInt.asIntN(32, roundIntegral(BigInt(v), scale))));
      if (t.kind === 'int64') return scale >= 0 ? x : mapUnary<bigint, bigint>(x, t, n, (v) => roundIntegral(v, scale));
      if (t.kind === 'float32') return mapUnary<number, number>(x, t, n, (v) => Math.fround(roundHalfUp(v, scale)));
      return mapUnary<number, number>(x, t, n, (v) => roundHalfUp(v, scale));
    },
    sql: (a) => `round(${a[0]}${a[1] !== undefined ? `, ${a[1]}` : ''})`,
  },
  integralRounding('floor', 'largest integer not above the value (bigint)', Math.floor),
  integralRounding('ceil', 'smallest integer not below the value (bigint)', Math.ceil),
  {
    name: 'sqrt',
    description: 'square root (double; NaN for negative numbers)',
    arity: [1, 1],
    resolve: ([a]) => asDouble(a.type),
    kernel: ([a], n) => mapUnary<number, number>(castColumn(a, T.float64), T.float64, n, Math.sqrt),
    sql: (a) => `sqrt(${a[0]})`,
    dialects: { duckdb: (a) => `(CASE WHEN CAST(${a[0]} AS DOUBLE) < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(CAST(${a[0]} AS DOUBLE)) END)` },
  },
  {
    name: 'pow',
    description: 'pow(x, y): x to the power y (double)',
    arity: [2, 2],
    resolve: ([a, b]) => {
      const x = asDouble(a.type);
      return 'problem' in x ? x : asDouble(b.type);
    },
    kernel: ([a, b], n) => {
      const x = castColumn(a, T.float64);
      const y = castColumn(b, T.float64);
      const xd = x.data as Float64Array;
      const yd = y.data as Float64Array;
      return mapNary([x, y], T.float64, n, (i) => Math.pow(xd[i], yd[i]));
    },
    sql: (a) => `pow(${a[0]}, ${a[1]})`,
    dialects: { duckdb: (a) => `pow(CAST(${a[0]} AS DOUBLE), CAST(${a[1]} AS DOUBLE))` },
  },
];
