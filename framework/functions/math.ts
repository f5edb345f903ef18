/** abs, round (HALF_UP, as Spark), floor and ceil. */
import { T, isNumeric, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { literalArg, mapUnary } from './kernel-util.ts';
import type { ScalarFunction } from './registry.ts';

const numeric = (t: DataType) => (isNumeric(t) ? t : { problem: `needs a number, got ${typeToString(t)}` });

/** Rounds half away from zero at `scale` digits, like Java's BigDecimal HALF_UP that Spark uses. */
export function roundHalfUp(x: number, scale: number): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** scale;
  // toPrecision avoids 1.005 * 100 = 100.49999 artifacts
  const shifted = Number((Math.abs(x) * f).toPrecision(15));
  return (Math.sign(x) * Math.floor(shifted + 0.5)) / f;
}

/** floor/ceil: Spark returns bigint for doubles. */
function integralRounding(name: string, description: string, f: (x: number) => number): ScalarFunction {
  return {
    name,
    description,
    arity: [1, 1],
    resolve: ([a]) => (isNumeric(a.type) && a.type.kind !== 'decimal' ? T.int64 : { problem: `needs an int or double, got ${typeToString(a.type)}` }),
    kernel: ([a], n) => castColumn(mapUnary<number, number>(castColumn(a, T.float64), T.float64, n, f), T.int64),
    sql: (a) => `${name}(${a[0]})`,
    dialects: { duckdb: (a) => `CAST(${name}(${a[0]}) AS BIGINT)` },
  };
}

export const math: ScalarFunction[] = [
  {
    name: 'abs',
    description: 'absolute value',
    arity: [1, 1],
    resolve: ([a]) => numeric(a.type),
    kernel: ([a], n, t) =>
      t.kind === 'int32' ? mapUnary<number, number>(a, t, n, (v) => Math.abs(v) | 0)
      : t.kind === 'int64' || t.kind === 'decimal' ? mapUnary<bigint, bigint>(a, t, n, (v) => (v < 0n ? -v : v))
      : mapUnary<number, number>(a, t, n, Math.abs),
    sql: (a) => `abs(${a[0]})`,
  },
  {
    name: 'round',
    description: 'round half up to `scale` decimal places (default 0)',
    arity: [1, 2],
    resolve: ([a, s]) => {
      if (s && (!s.literal || typeof s.literal.value !== 'number')) return { problem: 'the scale must be an integer literal' };
      if (a.type.kind === 'decimal') return { problem: 'round on decimals is not supported yet; cast to double' };
      return numeric(a.type);
    },
    kernel: ([a, s], n, t) => {
      const scale = s ? (literalArg<number>(s) ?? 0) : 0;
      if (t.kind === 'int32' || t.kind === 'int64') return a;
      return mapUnary<number, number>(a, t, n, (v) => roundHalfUp(v, scale));
    },
    sql: (a) => `round(${a[0]}${a[1] !== undefined ? `, ${a[1]}` : ''})`,
  },
  integralRounding('floor', 'largest integer not above the value (bigint)', Math.floor),
  integralRounding('ceil', 'smallest integer not below the value (bigint)', Math.ceil),
];
