/**
 * Day-time intervals (Spark 3.5's `interval day to second`, spark.sql.legacy.interval.enabled=false),
 * stored as microseconds in a BigInt64Array:
 *  - timestamp ± interval and interval + timestamp give a timestamp; a date is first a timestamp
 *    at midnight UTC (Spark: date + interval '1' hour is a timestamp);
 *  - timestamp - timestamp (or a date on either side) gives an interval;
 *  - interval ± interval gives an interval; comparisons work as for any ordered type;
 *  - every overflow fails the job, in non-ANSI mode too (Spark uses Math.addExact and friends),
 *    so the local engine fails the same way.
 * DuckDB (the test oracle) keeps months, days and microseconds of its INTERVAL apart; there a
 * day-time interval is its BIGINT count of microseconds (framework/compile/sql/dialect.ts).
 */
import { makeColumn, type Column } from '../columnar/column.ts';
import { SparkArithmeticError } from '../errors/index.ts';
import { T, typeToString, type DataType } from '../schema/types.ts';
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
