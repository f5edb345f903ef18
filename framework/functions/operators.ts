/** Arithmetic and comparison operators with Spark's typing, overflow and null rules. */
import { allocData, makeColumn, type Column, type ColumnData } from '../columnar/column.ts';
import { T, commonType, isNumeric, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { comparatorFor } from './compare.ts';
import { andValidity, validityCopy } from './kernel-util.ts';
import type { ArgInfo, ScalarFunction, TypeProblem } from './registry.ts';

const bin = (op: string) => (a: readonly string[]) => `(${a[0]} ${op} ${a[1]})`;
const problem = (p: string): TypeProblem => ({ problem: p });

function numericResult(args: readonly ArgInfo[], allowDecimal: boolean): DataType | TypeProblem {
  const [a, b] = args.map((x) => x.type);
  if (!(isNumeric(a) || a.kind === 'null') || !(isNumeric(b) || b.kind === 'null')) {
    return problem(`needs numbers; cast the ${isNumeric(a) ? 'second' : 'first'} operand (${typeToString(isNumeric(a) ? b : a)})`);
  }
  const t = commonType(a, b) ?? T.float64;
  if (t.kind === 'decimal' && !allowDecimal) return problem('is not supported on decimals yet; cast to double');
  return t.kind === 'null' ? T.int32 : t;
}

/** Casts both operands to `t` and runs `op` over rows where both are valid. */
function binaryKernel(
  args: readonly Column[],
  n: number,
  t: DataType,
  op: {
    int?: (a: number, b: number) => number | null;
    long?: (a: bigint, b: bigint) => bigint | null;
    double?: (a: number, b: number) => number | null;
  },
): Column {
  const a = castColumn(args[0], t);
  const b = castColumn(args[1], t);
  const out = allocData(t, n) as { [i: number]: unknown };
  const valid = validityCopy(n, andValidity(n, a, b));
  const ad = a.data as unknown as ArrayLike<never>;
  const bd = b.data as unknown as ArrayLike<never>;
  const f = (t.kind === 'int32' ? op.int : t.kind === 'int64' || t.kind === 'decimal' ? op.long : op.double) as (x: never, y: never) => unknown;
  for (let i = 0; i < n; i++) {
    if (valid[i] === 0) continue;
    const r = f(ad[i], bd[i]);
    if (r === null) valid[i] = 0;
    else out[i] = r;
  }
  return makeColumn(t, out as ColumnData, valid);
}

const arithmetic = (name: string, op: string, impl: Parameters<typeof binaryKernel>[3], allowDecimal: boolean, description: string): ScalarFunction => ({
  name,
  description,
  arity: [2, 2],
  resolve: (args) => numericResult(args, allowDecimal),
  kernel: (args, n, t) => binaryKernel(args, n, t, impl),
  sql: bin(op),
});

export const operators: ScalarFunction[] = [
  arithmetic('+', '+', { int: (a, b) => (a + b) | 0, long: (a, b) => a + b, double: (a, b) => a + b }, true, 'addition; integers wrap on overflow'),
  arithmetic('-', '-', { int: (a, b) => (a - b) | 0, long: (a, b) => a - b, double: (a, b) => a - b }, true, 'subtraction'),
  arithmetic('*', '*', { int: (a, b) => Math.imul(a, b), long: (a, b) => a * b, double: (a, b) => a * b }, false, 'multiplication'),
  arithmetic(
    '%',
    '%',
    { int: (a, b) => (b === 0 ? null : a % b), long: (a, b) => (b === 0n ? null : a % b), double: (a, b) => (b === 0 ? null : a % b) },
    false,
    'remainder (sign of the dividend); null when dividing by zero',
  ),
  {
    name: '/',
    description: 'division; always a double, null when dividing by zero',
    arity: [2, 2],
    resolve: (args) => {
      const r = numericResult(args, true);
      return 'problem' in r ? r : T.float64;
    },
    kernel: (args, n) => binaryKernel(args, n, T.float64, { double: (a, b) => (b === 0 ? null : a / b) }),
    sql: bin('/'),
    dialects: { duckdb: (a) => `(CAST(${a[0]} AS DOUBLE) / NULLIF(CAST(${a[1]} AS DOUBLE), 0))` },
  },
  {
    name: 'div',
    description: 'integral division, truncating toward zero; null when dividing by zero',
    arity: [2, 2],
    resolve: (args) => {
      const r = numericResult(args, false);
      if ('problem' in r) return r;
      return r.kind === 'int32' || r.kind === 'int64' ? T.int64 : problem('takes integers; use / and floor() for doubles');
    },
    kernel: (args, n) => binaryKernel(args, n, T.int64, { long: (a, b) => (b === 0n ? null : a / b) }),
    sql: bin('div'),
    dialects: { duckdb: (a) => `CAST(trunc(CAST(${a[0]} AS DOUBLE) / NULLIF(CAST(${a[1]} AS DOUBLE), 0)) AS BIGINT)` },
  },
  {
    name: 'negative',
    description: 'arithmetic negation',
    arity: [1, 1],
    resolve: (args) => (isNumeric(args[0].type) ? args[0].type : problem('needs a number')),
    kernel: (args, n, t) => binaryKernel([castColumn({ type: T.int32, length: n, data: new Int32Array(n), valid: null }, t), args[0]], n, t, {
      int: (a, b) => (a - b) | 0,
      long: (a, b) => a - b,
      double: (a, b) => -b + a,
    }),
    sql: (a) => `(- ${a[0]})`,
  },
];

// --- comparisons

export function comparableType(args: readonly ArgInfo[]): DataType | TypeProblem {
  const [a, b] = args.map((x) => x.type);
  const t = commonType(a, b);
  if (!t || t.kind === 'struct' || t.kind === 'array' || t.kind === 'map') {
    return problem(`cannot compare ${typeToString(a)} with ${typeToString(b)}; cast one side`);
  }
  return t;
}

/** Compares two columns row by row after casting to their common type; `test` maps the ordering to a result. */
export function compareKernel(args: readonly Column[], n: number, info: readonly ArgInfo[], test: (c: number) => boolean): Column {
  const t = comparableType(info) as DataType;
  const a = castColumn(args[0], t);
  const b = castColumn(args[1], t);
  const out = new Uint8Array(n);
  const valid = validityCopy(n, andValidity(n, a, b));
  const cmp = comparatorFor(t.kind);
  const ad = a.data as unknown as ArrayLike<never>;
  const bd = b.data as unknown as ArrayLike<never>;
  for (let i = 0; i < n; i++) if (valid[i] === 1 && test(cmp(ad[i], bd[i]))) out[i] = 1;
  return makeColumn(T.boolean, out, valid);
}

const comparison = (name: string, sqlOp: string, test: (c: number) => boolean): ScalarFunction => ({
  name,
  description: `comparison ${sqlOp}; null when either side is null`,
  arity: [2, 2],
  resolve: (args) => {
    const t = comparableType(args);
    return 'problem' in t ? t : T.boolean;
  },
  kernel: (args, n, _t, info) => compareKernel(args, n, info, test),
  sql: bin(sqlOp),
});

export const comparisons: ScalarFunction[] = [
  comparison('=', '=', (c) => c === 0),
  comparison('!=', '!=', (c) => c !== 0),
  comparison('<', '<', (c) => c < 0),
  comparison('<=', '<=', (c) => c <= 0),
  comparison('>', '>', (c) => c > 0),
  comparison('>=', '>=', (c) => c >= 0),
  {
    name: '<=>',
    description: 'null-safe equality: true when both sides are null, never null',
    arity: [2, 2],
    resolve: (args) => {
      const t = comparableType(args);
      return 'problem' in t ? t : T.boolean;
    },
    kernel: (args, n, _t, info) => {
      const eq = compareKernel(args, n, info, (c) => c === 0);
      const out = eq.data as Uint8Array;
      const av = args[0].valid;
      const bv = args[1].valid;
      for (let i = 0; i < n; i++) {
        const an = av !== null && av[i] === 0;
        const bn = bv !== null && bv[i] === 0;
        if (an || bn) out[i] = an && bn ? 1 : 0;
      }
      return makeColumn(T.boolean, out, null);
    },
    sql: bin('<=>'),
    dialects: { duckdb: bin('IS NOT DISTINCT FROM') },
  },
];
