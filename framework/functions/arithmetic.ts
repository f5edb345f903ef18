/**
 * Arithmetic operators with Spark's typing, overflow and null rules (non-ANSI mode):
 *  - int and bigint wrap on overflow (Int32Array / BigInt64Array stores do the wrapping);
 *  - `/` is always a double (Spark casts integral and float operands to double);
 *  - `/`, `div` and `%` by zero give null, also for doubles (1.0 / 0.0 is null in Spark);
 *  - float op float stays float (rounded to single precision after each operation);
 *  - decimals (with ints and bigints as decimal(10,0) and decimal(20,0)) follow Spark's result
 *    types and roundings, up to 38 digits, null on overflow (decimal-arith.ts); `/` on decimals
 *    is a decimal too. `div` takes integers only.
 */
import { allocData, makeColumn, type Column, type ColumnData } from '../columnar/column.ts';
import { T, commonType, isNumeric, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { InternalError } from '../errors/index.ts';
import { asDecimal, decimalArith, decimalResultType, type DecimalOp, type DecimalType } from './decimal-arith.ts';
import { andValidity, validityCopy } from './kernel-util.ts';
import type { ArgInfo, ScalarFunction, TypeProblem } from './registry.ts';
import { duckdbIntervalArithmetic, duckdbIntervalScaling, intervalArithmeticKernel, intervalArithmeticType, intervalScalingKernel, intervalScalingType, negateInterval } from './interval.ts';

const problem = (p: string): TypeProblem => ({ problem: p });
export const binarySql = (op: string) => (a: readonly string[]) => `(${a[0]} ${op} ${a[1]})`;

const isNumOrNull = (t: DataType) => isNumeric(t) || t.kind === 'null';

type Op = '+' | '-' | '*' | '%' | '/' | 'div';

function operandType(op: Op, args: readonly ArgInfo[]): DataType | TypeProblem {
  const [a, b] = args.map((x) => x.type);
  if (!isNumOrNull(a) || !isNumOrNull(b)) {
    const bad = isNumOrNull(a) ? b : a;
    // Name what job files can import ('types' from 'lakeform'); for times, the functions that keep every microsecond.
    const hint =
      bad.kind === 'timestamp'
        ? "to shift a timestamp add an interval (ts.plus(interval('1 hour'))); a difference of timestamps (ts.minus(other)) is an interval"
        : bad.kind === 'interval'
          ? 'for a number of microseconds use intervalMicros(...)'
          : bad.kind === 'date'
          ? 'for a difference of dates use datediff(end, start)'
          : "cast it first, e.g. .cast(types.float64) with types imported from 'lakeform'";
    return problem(`${op} needs numbers, got ${typeToString(bad)}; ${hint}`);
  }
  const t = commonType(a, b) ?? T.float64;
  if (t.kind === 'null') return T.int32;
  if (t.kind === 'decimal' && op !== 'div') {
    const [da, db] = decimalOperands(a, b);
    return decimalResultType(op, da, db);
  }
  return t;
}

/** Both operands as decimal types (an int as decimal(10,0), a bigint as decimal(20,0), a null as the other side). */
function decimalOperands(a: DataType, b: DataType): [DecimalType, DecimalType] {
  const da = asDecimal(a);
  const db = asDecimal(b);
  return [da ?? db!, db ?? da!];
}

/** Decimal `op` row by row, each operand as its own decimal type (decimal-arith.ts). */
function decimalKernel(op: DecimalOp, args: readonly Column[], n: number, t: DecimalType): Column {
  const [ta, tb] = decimalOperands(args[0].type, args[1].type);
  const a = castColumn(args[0], ta);
  const b = castColumn(args[1], tb);
  const x = a.data as ArrayLike<bigint>;
  const y = b.data as ArrayLike<bigint>;
  const out = allocData(t, n) as { [i: number]: bigint };
  const valid = validityCopy(n, andValidity(n, a, b));
  for (let i = 0; i < n; i++) {
    if (valid[i] === 0) continue;
    const r = decimalArith(op, x[i], ta, y[i], tb, t);
    if (r === null) valid[i] = 0;
    else out[i] = r;
  }
  return makeColumn(t, out as unknown as ColumnData, valid);
}

/** Evaluates `op` over two columns already cast to `t` (the storage decides the loop). */
function arith(op: Op, a: Column, b: Column, n: number, t: DataType): Column {
  const out = allocData(t, n);
  const nullable = op === '%' || op === 'div';
  const valid = nullable ? validityCopy(n, andValidity(n, a, b)) : andValidity(n, a, b);
  switch (t.kind) {
    case 'int32': {
      const x = a.data as Int32Array;
      const y = b.data as Int32Array;
      const o = out as Int32Array;
      if (op === '+') for (let i = 0; i < n; i++) o[i] = (x[i] + y[i]) | 0;
      else if (op === '-') for (let i = 0; i < n; i++) o[i] = (x[i] - y[i]) | 0;
      else if (op === '*') for (let i = 0; i < n; i++) o[i] = Math.imul(x[i], y[i]);
      else if (op === '%') for (let i = 0; i < n; i++) (y[i] === 0 ? (valid![i] = 0) : (o[i] = x[i] % y[i]));
      break;
    }
    case 'float32':
    case 'float64': {
      const x = a.data as Float64Array;
      const y = b.data as Float64Array;
      const o = out as Float64Array;
      if (op === '+') for (let i = 0; i < n; i++) o[i] = x[i] + y[i];
      else if (op === '-') for (let i = 0; i < n; i++) o[i] = x[i] - y[i];
      else if (op === '*') for (let i = 0; i < n; i++) o[i] = x[i] * y[i];
      else if (op === '%') for (let i = 0; i < n; i++) (y[i] === 0 ? (valid![i] = 0) : (o[i] = x[i] % y[i]));
      if (t.kind === 'float32') for (let i = 0; i < n; i++) o[i] = Math.fround(o[i]);
      break;
    }
    case 'int64': {
      const x = a.data as BigInt64Array;
      const y = b.data as BigInt64Array;
      const o = out as BigInt64Array;
      const v = valid;
      // Stores into a BigInt64Array wrap modulo 2^64, exactly like Java's long arithmetic.
      if (op === '+') for (let i = 0; i < n; i++) (v === null || v[i] === 1) && (o[i] = x[i] + y[i]);
      else if (op === '-') for (let i = 0; i < n; i++) (v === null || v[i] === 1) && (o[i] = x[i] - y[i]);
      else if (op === '*') for (let i = 0; i < n; i++) (v === null || v[i] === 1) && (o[i] = x[i] * y[i]);
      else if (op === '%') for (let i = 0; i < n; i++) (v === null || v[i] === 1) && (y[i] === 0n ? (v![i] = 0) : (o[i] = x[i] % y[i]));
      break;
    }
    default:
      throw new InternalError(`arithmetic on ${typeToString(t)} passed type resolution`);
  }
  return makeColumn(t, out as ColumnData, valid);
}

const arithmetic = (op: '+' | '-' | '*' | '%', description: string): ScalarFunction => ({
  name: op,
  description,
  arity: [2, 2],
  resolve: (args) => operandType(op, args),
  kernel: (args, n, t) => (t.kind === 'decimal' ? decimalKernel(op, args, n, t) : arith(op, castColumn(args[0], t), castColumn(args[1], t), n, t)),
  sql: binarySql(op),
  // DuckDB fails on an integer remainder by zero; Spark gives null.
  ...(op === '%' ? { dialects: { duckdb: (a: readonly string[]) => `(${a[0]} % NULLIF(${a[1]}, 0))` } } : {}),
});

/** `+` and `-` also add intervals to timestamps and subtract timestamps (interval.ts); the rest is arithmetic. */
const additive = (op: '+' | '-', description: string): ScalarFunction => {
  const plain = arithmetic(op, description);
  const temporal = (info: readonly ArgInfo[]) => intervalArithmeticType(op, info) !== undefined;
  return {
    ...plain,
    resolve: (args) => intervalArithmeticType(op, args) ?? plain.resolve(args),
    kernel: (args, n, t, info) => (temporal(info) ? intervalArithmeticKernel(op, args, n, t) : plain.kernel(args, n, t, info)),
    dialects: { duckdb: (a, info, t) => (temporal(info) ? duckdbIntervalArithmetic(op)(a, info, t) : plain.sql(a, info, t)) },
  };
};

/** `*` and `/` also scale an interval by a number (interval.ts); the rest is arithmetic. */
const scaling = (op: '*' | '/', plain: ScalarFunction): ScalarFunction => {
  const temporal = (info: readonly ArgInfo[]) => intervalScalingType(op, info) !== undefined;
  const duckdb = plain.dialects?.duckdb ?? plain.sql;
  return {
    ...plain,
    resolve: (args) => intervalScalingType(op, args) ?? plain.resolve(args),
    kernel: (args, n, t, info) => (temporal(info) ? intervalScalingKernel(op, args, n) : plain.kernel(args, n, t, info)),
    dialects: { ...plain.dialects, duckdb: (a, info, t) => (temporal(info) ? duckdbIntervalScaling(op)(a, info, t) : duckdb(a, info, t)) },
  };
};

/** `/`: both operands as doubles; null when the divisor is zero (also 0.0 and -0.0). */
function divide(args: readonly Column[], n: number): Column {
  const a = castColumn(args[0], T.float64);
  const b = castColumn(args[1], T.float64);
  const x = a.data as Float64Array;
  const y = b.data as Float64Array;
  const out = new Float64Array(n);
  const valid = validityCopy(n, andValidity(n, a, b));
  for (let i = 0; i < n; i++) {
    if (y[i] === 0) valid[i] = 0;
    else out[i] = x[i] / y[i];
  }
  return makeColumn(T.float64, out, valid);
}

/** `div`: integral division truncating toward zero, as bigint; null when dividing by zero. */
function integralDivide(args: readonly Column[], n: number): Column {
  const out = new BigInt64Array(n);
  if (args[0].type.kind !== 'int64' && args[1].type.kind !== 'int64') {
    const a = castColumn(args[0], T.int32);
    const b = castColumn(args[1], T.int32);
    const x = a.data as Int32Array;
    const y = b.data as Int32Array;
    const valid = validityCopy(n, andValidity(n, a, b));
    for (let i = 0; i < n; i++) {
      if (valid[i] === 0) continue;
      if (y[i] === 0) valid[i] = 0;
      else out[i] = BigInt(Math.trunc(x[i] / y[i]));
    }
    return makeColumn(T.int64, out, valid);
  }
  const a = castColumn(args[0], T.int64);
  const b = castColumn(args[1], T.int64);
  const x = a.data as BigInt64Array;
  const y = b.data as BigInt64Array;
  const valid = validityCopy(n, andValidity(n, a, b));
  for (let i = 0; i < n; i++) {
    if (valid[i] === 0) continue;
    if (y[i] === 0n) valid[i] = 0;
    else out[i] = x[i] / y[i]; // Long.MIN_VALUE div -1 wraps to Long.MIN_VALUE, as in Java
  }
  return makeColumn(T.int64, out, valid);
}

/**
 * Spark's pmod: r = a % n, and (r + n) % n where r is negative, in the operands' type (so ints
 * wrap as in Java: pmod(-1, -2147483648) = 2147483647); null when n is zero.
 */
function positiveModulo(args: readonly Column[], n: number, t: DataType): Column {
  const a = castColumn(args[0], t);
  const b = castColumn(args[1], t);
  const r = arith('%', a, b, n, t);
  const wrapped = arith('%', arith('+', r, b, n, t), b, n, t);
  const rd = r.data as { [i: number]: number | bigint };
  const wd = wrapped.data as ArrayLike<number | bigint>;
  for (let i = 0; i < n; i++) if (rd[i] < 0) rd[i] = wd[i];
  return r;
}

function negate(a: Column, n: number, t: DataType): Column {
  const x = castColumn(a, t);
  const out = allocData(t, n);
  const valid = x.valid ? x.valid.slice() : null;
  switch (t.kind) {
    case 'int32': {
      const s = x.data as Int32Array;
      const o = out as Int32Array;
      for (let i = 0; i < n; i++) o[i] = -s[i] | 0;
      break;
    }
    case 'float32':
    case 'float64': {
      const s = x.data as Float64Array;
      const o = out as Float64Array;
      for (let i = 0; i < n; i++) o[i] = -s[i];
      break;
    }
    default: {
      const s = x.data as BigInt64Array;
      const o = out as BigInt64Array;
      for (let i = 0; i < n; i++) o[i] = -s[i];
    }
  }
  return makeColumn(t, out as ColumnData, valid);
}

export const arithmeticFunctions: ScalarFunction[] = [
  additive('+', 'addition; int and bigint wrap on overflow, as Spark (non-ANSI); timestamp + interval is a timestamp'),
  additive('-', 'subtraction; int and bigint wrap on overflow; timestamp - timestamp is an interval'),
  scaling('*', arithmetic('*', 'multiplication; int and bigint wrap on overflow; an interval times a number is an interval')),
  arithmetic('%', 'remainder with the sign of the dividend; null when dividing by zero'),
  scaling('/', {
    name: '/',
    description: 'division; a double, or a decimal when an operand is one (and none is a float); null when dividing by zero; an interval divided by a number is an interval',
    arity: [2, 2],
    resolve: (args) => {
      const r = operandType('/', args);
      return 'problem' in r || r.kind === 'decimal' ? r : T.float64;
    },
    kernel: (args, n, t) => (t.kind === 'decimal' ? decimalKernel('/', args, n, t) : divide(args, n)),
    sql: binarySql('/'),
    dialects: { duckdb: (a) => `(CAST(${a[0]} AS DOUBLE) / NULLIF(CAST(${a[1]} AS DOUBLE), 0))` },
  }),
  {
    name: 'div',
    description: 'integral division truncating toward zero (bigint); null when dividing by zero',
    arity: [2, 2],
    resolve: (args) => {
      const r = operandType('div', args);
      if ('problem' in r) return r;
      return r.kind === 'int32' || r.kind === 'int64' ? T.int64 : problem('div takes integers; for doubles use / and floor()');
    },
    kernel: (args, n) => integralDivide(args, n),
    sql: binarySql('div'),
    // DuckDB's integer // truncates toward zero like Spark's div; NULLIF turns its division-by-zero into null.
    dialects: { duckdb: (a) => `CAST((CAST(${a[0]} AS BIGINT) // NULLIF(CAST(${a[1]} AS BIGINT), 0)) AS BIGINT)` },
  },
  {
    name: 'pmod',
    description: 'pmod(a, n): the remainder of a / n made positive for n > 0 (pmod(-7, 3) = 2); null when n is 0',
    arity: [2, 2],
    resolve: (args) => {
      const r = operandType('%', args);
      return 'problem' in r || r.kind !== 'decimal' ? r : problem('pmod on decimals is not supported; cast the operands to double or bigint');
    },
    kernel: positiveModulo,
    sql: (a) => `pmod(${a[0]}, ${a[1]})`,
    dialects: {
      duckdb: ([a, b]) => {
        const r = `(${a} % NULLIF(${b}, 0))`;
        return `(CASE WHEN ${r} < 0 THEN ((${r} + ${b}) % ${b}) ELSE ${r} END)`;
      },
    },
  },
  {
    name: 'negative',
    description: 'arithmetic negation; the smallest int/bigint negates to itself (wraps)',
    arity: [1, 1],
    resolve: ([a]) => (a.type.kind === 'null' ? T.int32 : isNumeric(a.type) || a.type.kind === 'interval' ? a.type : problem(`negation needs a number or an interval, got ${typeToString(a.type)}`)),
    kernel: ([a], n, t) => (t.kind === 'interval' ? negateInterval(a, n) : negate(a, n, t)),
    sql: (a) => `(- ${a[0]})`,
  },
];
