/**
 * Day-time intervals (Spark 3.5's `interval day to second`, spark.sql.legacy.interval.enabled=false),
 * stored as microseconds in a BigInt64Array:
 *  - timestamp ± interval and interval + timestamp give a timestamp; a date is first a timestamp
 *    at midnight UTC (Spark: date + interval '1' hour is a timestamp);
 *  - timestamp - timestamp (or a date on either side) gives an interval;
 *  - interval ± interval gives an interval; comparisons work as for any ordered type;
 *  - interval * number, number * interval and interval / number give an interval, rounded half
 *    away from zero to the microsecond (Spark's MultiplyDTInterval and DivideDTInterval: exact
 *    for integers and decimals, through a double for floats); dividing by zero fails the job;
 *  - sum and avg of intervals are intervals (aggregates.ts), the average rounded half away from zero;
 *  - every overflow fails the job, in non-ANSI mode too (Spark uses Math.addExact and friends),
 *    so the local engine fails the same way.
 * DuckDB (the test oracle) keeps months, days and microseconds of its INTERVAL apart; there a
 * day-time interval is its BIGINT count of microseconds (framework/compile/sql/dialect.ts).
 */
import { makeColumn, type Column } from '../columnar/column.ts';
import { SparkArithmeticError } from '../errors/index.ts';
import { T, isNumeric, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { andValidity } from './kernel-util.ts';
import type { ArgInfo, ScalarFunction, SqlRender, TypeProblem } from './registry.ts';

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

const isTime = (t: DataType) => t.kind === 'timestamp' || t.kind === 'date';

/**
 * The result type of `a op b` when an interval is involved or made (timestamp - timestamp);
 * undefined when this is plain arithmetic, for the numeric rules to decide.
 */
export function intervalArithmeticType(op: '+' | '-', args: readonly ArgInfo[]): DataType | TypeProblem | undefined {
  const [a, b] = args.map((x) => x.type);
  const iv = (t: DataType) => t.kind === 'interval' || t.kind === 'null';
  if (a.kind === 'interval' || b.kind === 'interval') {
    if (iv(a) && iv(b)) return T.interval;
    if (isTime(a) && b.kind === 'interval') return T.timestamp;
    if (op === '+' && a.kind === 'interval' && isTime(b)) return T.timestamp;
    const other = a.kind === 'interval' ? b : a;
    return {
      problem:
        op === '-' && isTime(b)
          ? 'an interval minus a timestamp is not defined; write the timestamp first: ts.minus(interval)'
          : `${op} of an interval and ${typeToString(other)}: intervals add to timestamps, dates and intervals; for a number of microseconds use intervalMicros(...)`,
    };
  }
  // date - date stays refused (Spark's result is an `interval day`, another type): datediff says it in days.
  if (op === '-' && isTime(a) && isTime(b) && (a.kind === 'timestamp' || b.kind === 'timestamp')) return T.interval;
  return undefined;
}

/** Microseconds of each row: timestamps and intervals as they are, dates at midnight UTC. */
function micros(c: Column): Column {
  return c.type.kind === 'date' ? castColumn(c, T.timestamp) : c.type.kind === 'null' ? castColumn(c, T.interval) : c;
}

export function intervalArithmeticKernel(op: '+' | '-', args: readonly Column[], n: number, result: DataType): Column {
  const a = micros(args[0]);
  const b = micros(args[1]);
  const valid = andValidity(n, a, b);
  const out = new BigInt64Array(n);
  const x = a.data as BigInt64Array;
  const y = b.data as BigInt64Array;
  const sign = op === '+' ? 1n : -1n;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const r = x[i] + sign * y[i];
    if (r < LONG_MIN || r > LONG_MAX) {
      throw new SparkArithmeticError(`${typeToString(args[0].type)} ${op} ${typeToString(args[1].type)} overflows 64-bit microseconds, where Spark fails the job with "long overflow"`);
    }
    out[i] = r;
  }
  return makeColumn(result, out, valid);
}

/** DuckDB: timestamps to epoch microseconds and back; intervals are microseconds already. */
export const duckdbIntervalArithmetic =
  (op: '+' | '-'): SqlRender =>
  (a, info, result) => {
    const us = (sql: string, t: DataType) => (t.kind === 'date' ? `epoch_us(CAST(${sql} AS TIMESTAMP))` : t.kind === 'timestamp' ? `epoch_us(${sql})` : sql);
    const sum = `(${us(a[0], info[0].type)} ${op} ${us(a[1], info[1].type)})`;
    return result.kind === 'timestamp' ? `make_timestamp(${sum})` : sum;
  };

/**
 * The result type of `a * b` or `a / b` when an interval is involved; undefined when this is plain
 * arithmetic. An interval scales by a number only: number / interval and interval * interval have
 * no Spark meaning.
 */
export function intervalScalingType(op: '*' | '/', args: readonly ArgInfo[]): DataType | TypeProblem | undefined {
  const [a, b] = args.map((x) => x.type);
  if (a.kind !== 'interval' && b.kind !== 'interval') return undefined;
  const number = a.kind === 'interval' ? b : op === '*' ? a : null;
  if (number !== null && isNumeric(number)) return T.interval;
  return {
    problem:
      `${op} of ${typeToString(a)} and ${typeToString(b)}: an interval ${op === '*' ? 'multiplies by' : 'divides by'} a number (interval('1 hour').${op === '*' ? 'times' : 'div'}(2)); ` +
      'for a ratio of intervals divide their intervalMicros(...); a null number needs a cast to a number type',
  };
}

/** a / b rounded half away from zero (Guava's LongMath.divide and BigDecimal's HALF_UP), b != 0. */
export function divideHalfUp(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice < (b < 0n ? -b : b)) return q;
  return (a < 0n) === (b < 0n) ? q + 1n : q - 1n;
}

const fail = (what: string, sparkSays: string): never => {
  throw new SparkArithmeticError(`${what}, where Spark fails the job with "${sparkSays}"`);
};

export const inLong = (r: bigint, what: string, sparkSays: string): bigint => (r < LONG_MIN || r > LONG_MAX ? fail(`${what} overflows 64-bit microseconds`, sparkSays) : r);

/** Guava's DoubleMath.roundToLong(x, HALF_UP), as Spark rounds a scaled interval computed in doubles. */
function roundDoubleHalfUp(x: number, what: string): bigint {
  if (!Number.isFinite(x)) return fail(`${what} is not a finite number of microseconds`, 'input is infinite or NaN');
  const whole = Math.trunc(x);
  const rounded = Math.abs(x - whole) >= 0.5 ? whole + Math.sign(x) : whole;
  // Guava's range test: -2^63 <= rounded < 2^63 (both bounds exact doubles).
  if (rounded < -(2 ** 63) || rounded >= 2 ** 63) return fail(`${what} overflows 64-bit microseconds`, 'not in range');
  return BigInt(rounded);
}

/** Decimal digits of |x| (0 has one, as BigDecimal's precision). */
const digits = (x: bigint): number => (x < 0n ? -x : x).toString().length;

/**
 * One row's interval scaled by a number of type `t` (bigint for int32/int64, the unscaled bigint
 * for decimals, a number for floats), as Spark 3.5 computes it.
 */
function scaleMicros(op: '*' | '/', micros: bigint, k: number | bigint, t: DataType): bigint {
  const what = `interval ${op} ${typeToString(t)}`;
  const byZero = (): never => fail(`${what}: division by zero`, 'INTERVAL_DIVIDED_BY_ZERO');
  if (t.kind === 'float32' || t.kind === 'float64') {
    const x = Number(micros);
    const d = k as number;
    if (op === '/' && d === 0) return byZero();
    return roundDoubleHalfUp(op === '*' ? x * d : x / d, what);
  }
  if (t.kind === 'decimal') {
    const u = BigInt(k);
    const scale = BigInt(t.scale);
    if (op === '*') {
      // BigDecimal.multiply with MathContext(38, HALF_UP), then setScale(0, HALF_UP).
      let p = micros * u;
      let s = scale;
      const extra = digits(p) - 38;
      if (extra > 0) {
        p = divideHalfUp(p, 10n ** BigInt(extra));
        s -= BigInt(extra);
      }
      return inLong(s >= 0n ? divideHalfUp(p, 10n ** s) : p * 10n ** -s, what, 'Overflow');
    }
    if (u === 0n) return byZero();
    // BigDecimal.divide(divisor, 38, HALF_UP), then setScale(0, HALF_UP).
    const q = divideHalfUp(micros * 10n ** (scale + 38n), u);
    return inLong(divideHalfUp(q, 10n ** 38n), what, 'Overflow');
  }
  const n = BigInt(k);
  if (op === '*') return inLong(micros * n, what, 'long overflow');
  if (n === 0n) return byZero();
  return inLong(divideHalfUp(micros, n), what, 'Overflow in integral divide');
}

export function intervalScalingKernel(op: '*' | '/', args: readonly Column[], n: number): Column {
  const [iv, number] = args[0].type.kind === 'interval' ? [args[0], args[1]] : [args[1], args[0]];
  const valid = andValidity(n, iv, number);
  const x = iv.data as BigInt64Array;
  const k = number.data as ArrayLike<number | bigint>;
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    out[i] = scaleMicros(op, x[i], k[i], number.type);
  }
  return makeColumn(T.interval, out, valid);
}

/**
 * DuckDB (the test oracle): intervals are BIGINT microseconds there; scaled through a double and
 * rounded half away from zero, which matches Spark while the values stay within 2^53.
 */
export const duckdbIntervalScaling =
  (op: '*' | '/'): SqlRender =>
  (a, info) => {
    const [iv, number] = info[0].type.kind === 'interval' ? [a[0], a[1]] : [a[1], a[0]];
    return `CAST(round(CAST(${iv} AS DOUBLE) ${op} CAST(${number} AS DOUBLE)) AS BIGINT)`;
  };

/** Negation of an interval: the smallest one has no negation, and Spark fails. */
export function negateInterval(a: Column, n: number): Column {
  const x = a.data as BigInt64Array;
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (a.valid !== null && a.valid[i] === 0) continue;
    if (x[i] === LONG_MIN) throw new SparkArithmeticError('negating the smallest interval overflows 64-bit microseconds, where Spark fails the job with "long overflow"');
    out[i] = -x[i];
  }
  return makeColumn(T.interval, out, a.valid);
}

export const intervalFunctions: ScalarFunction[] = [
  {
    name: 'interval_micros',
    description: 'intervalMicros(i): the interval as a whole number of microseconds (bigint), exact',
    arity: [1, 1],
    resolve: ([a]) => (a.type.kind === 'interval' ? T.int64 : { problem: `intervalMicros takes an interval, got ${typeToString(a.type)}` }),
    kernel: ([a]) => makeColumn(T.int64, a.data, a.valid),
    // Spark casts a day-to-second interval to bigint as whole seconds only; the instant at the
    // epoch plus the interval, read back as microseconds, is exact (session time zone UTC).
    sql: (a) => `unix_micros(timestamp_micros(0) + ${a[0]})`,
    dialects: { duckdb: (a) => `CAST(${a[0]} AS BIGINT)` },
  },
];
