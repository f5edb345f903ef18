/** abs, round (HALF_UP, as Spark), bround (HALF_EVEN), floor, ceil, sqrt, pow, exp, the logarithms, signum. */
import { T, isIntegral, isNumeric, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { literalArg, mapNary, mapUnary } from './kernel-util.ts';
import type { ScalarFunction } from './registry.ts';

const numeric = (t: DataType) => (isNumeric(t) ? t : t.kind === 'null' ? T.float64 : { problem: `needs a number, got ${typeToString(t)}` });

/** How a rounding breaks ties: Spark's round is HALF_UP, bround HALF_EVEN (banker's rounding). */
export type Tie = 'up' | 'even';

/**
 * Spark's round/bround for doubles: BigDecimal(Double.toString(x)).setScale(scale, mode).toDouble.
 * Rounding the shortest decimal text (not x * 10^scale) is what makes round(1.005, 2) = 1.01
 * and bround(1.015, 2) = 1.02. `scale` may be negative (round(1250.0, -2) = 1300.0).
 */
export function roundDouble(x: number, scale: number, tie: Tie): number {
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
  const keep = BigInt(digits.slice(0, digits.length - drop));
  const k = keep + (roundsAway(digits.slice(digits.length - drop), keep, tie) ? 1n : 0n);
  if (k === 0n) return 0;
  return Number(`${x < 0 ? '-' : ''}${k}e${-scale}`);
}

/** Whether dropping the digits `dropped` rounds the kept magnitude `keep` away from zero. */
function roundsAway(dropped: string, keep: bigint, tie: Tie): boolean {
  const first = dropped.charCodeAt(0) - 48;
  if (first !== 5 || tie === 'up') return first >= 5;
  return /[1-9]/.test(dropped.slice(1)) || keep % 2n === 1n;
}

/** Rounding of an integer to 10^-scale (scale < 0), as BigDecimal.setScale does. */
function roundIntegral(v: bigint, scale: number, tie: Tie): bigint {
  if (scale >= 0) return v;
  const q = 10n ** BigInt(-scale);
  let r = v / q;
  const rem = v % q;
  const twice = (rem < 0n ? -rem : rem) * 2n;
  if (twice > q || (twice === q && (tie === 'up' || r % 2n !== 0n))) r += v < 0n ? -1n : 1n;
  return r * q;
}

/** round and bround: the same type rule and kernel, with their own tie rule. */
function rounding(name: string, description: string, tie: Tie, duckdb: string): ScalarFunction {
  return {
    name,
    description,
    arity: [1, 2],
    resolve: ([a, s]) => {
      if (s && (!s.literal || typeof s.literal.value !== 'number' || !Number.isInteger(s.literal.value))) return { problem: 'the scale must be an integer literal' };
      if (a.type.kind === 'decimal') return { problem: `${name} on decimals is not supported (Spark changes the decimal type); cast to double` };
      return numeric(a.type);
    },
    kernel: ([a, s], n, t) => {
      const scale = s ? (literalArg<number>(s) ?? 0) : 0;
      const x = castColumn(a, t);
      if (t.kind === 'int32') return scale >= 0 ? x : mapUnary<number, number>(x, t, n, (v) => Number(BigInt.asIntN(32, roundIntegral(BigInt(v), scale, tie))));
      if (t.kind === 'int64') return scale >= 0 ? x : mapUnary<bigint, bigint>(x, t, n, (v) => roundIntegral(v, scale, tie));
      if (t.kind === 'float32') return mapUnary<number, number>(x, t, n, (v) => Math.fround(roundDouble(v, scale, tie)));
      return mapUnary<number, number>(x, t, n, (v) => roundDouble(v, scale, tie));
    },
    sql: (a) => `${name}(${a[0]}${a[1] !== undefined ? `, ${a[1]}` : ''})`,
    // DuckDB's round_even needs the scale.
    dialects: { duckdb: (a) => `${duckdb}(${a[0]}, ${a[1] ?? 0})` },
  };
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

/** A function of one double (the argument cast to double), with its DuckDB spelling. */
function unaryDouble(name: string, description: string, f: (x: number) => number | null, duckdb: (x: string) => string): ScalarFunction {
  return {
    name,
    description,
    arity: [1, 1],
    resolve: ([a]) => asDouble(a.type),
    kernel: ([a], n) => mapUnary<number, number>(castColumn(a, T.float64), T.float64, n, f),
    sql: (a) => `${name}(${a[0]})`,
    dialects: { duckdb: (a) => duckdb(`CAST(${a[0]} AS DOUBLE)`) },
  };
}

// Spark's logarithms are null at and below zero (not -Infinity or NaN); NaN stays NaN. Spark
// computes with StrictMath (fdlibm), as V8's Math.log/log10/exp do; log2 is ln(x) / ln(2), not Math.log2.
const positive = (f: (x: number) => number) => (x: number) => (x <= 0 ? null : f(x));
const duckPositive = (f: (x: string) => string) => (x: string) => `(CASE WHEN ${x} <= 0 THEN NULL ELSE ${f(x)} END)`;

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
  rounding('round', 'round half up to `scale` decimal places (default 0; negative rounds to tens, hundreds...)', 'up', 'round'),
  rounding('bround', "banker's rounding (half to even) to `scale` decimal places (default 0; negative rounds to tens, hundreds...)", 'even', 'round_even'),
  integralRounding('floor', 'largest integer not above the value (bigint)', Math.floor),
  integralRounding('ceil', 'smallest integer not below the value (bigint)', Math.ceil),
  unaryDouble('sqrt', 'square root (double; NaN for negative numbers)', Math.sqrt, (x) => `(CASE WHEN ${x} < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(${x}) END)`),
  unaryDouble('exp', 'e to the power x (double)', Math.exp, (x) => `exp(${x})`),
  {
    name: 'log',
    description: 'log(x): natural logarithm; log(base, x): logarithm to a base; null when x or the base is <= 0',
    arity: [1, 2],
    resolve: (args) => {
      for (const a of args) {
        const t = asDouble(a.type);
        if ('problem' in t) return t;
      }
      return T.float64;
    },
    kernel: (args, n) => {
      const cols = args.map((a) => castColumn(a, T.float64));
      if (cols.length === 1) return mapUnary<number, number>(cols[0], T.float64, n, positive(Math.log));
      const [b, x] = cols.map((c) => c.data as Float64Array);
      return mapNary(cols, T.float64, n, (i) => (b[i] <= 0 || x[i] <= 0 ? null : Math.log(x[i]) / Math.log(b[i])));
    },
    sql: (a) => `log(${a.join(', ')})`,
    dialects: {
      duckdb: (a) => {
        const [b, x] = a.map((v) => `CAST(${v} AS DOUBLE)`);
        return a.length === 1 ? duckPositive((v) => `ln(${v})`)(b) : `(CASE WHEN ${b} <= 0 OR ${x} <= 0 THEN NULL ELSE ln(${x}) / ln(${b}) END)`;
      },
    },
  },
  unaryDouble('log10', 'base-10 logarithm; null when x <= 0', positive(Math.log10), duckPositive((x) => `log10(${x})`)),
  unaryDouble('log2', 'base-2 logarithm; null when x <= 0', positive((x) => Math.log(x) / Math.LN2), duckPositive((x) => `(ln(${x}) / ln(2))`)),
  unaryDouble('signum', 'the sign as a double: -1.0, 0.0 (keeping -0.0) or 1.0; NaN for NaN', Math.sign, (x) => `(CASE WHEN isnan(${x}) THEN ${x} ELSE CAST(sign(${x}) AS DOUBLE) END)`),
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
