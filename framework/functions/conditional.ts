/**
 * coalesce (and its two-argument spellings nvl, ifnull), nullif, greatest, least, if, nvl2,
 * nanvl: functions over several values of a common type.
 * Spark would also promote mixed string/number arguments to string; those are refused here
 * (cast explicitly), since the promotion is rarely what a job means.
 */
import { allocData, makeColumn, type Column, type ColumnData } from '../columnar/column.ts';
import { T, commonType, isNumeric, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { comparatorFor } from './compare.ts';
import type { ArgInfo, ScalarFunction, TypeProblem } from './registry.ts';
import { compareKernel } from './comparison.ts';

function common(args: readonly ArgInfo[]): DataType | TypeProblem {
  let t: DataType = T.null;
  for (const a of args) {
    const c = commonType(t, a.type);
    if (!c) return { problem: `arguments have incompatible types ${args.map((x) => typeToString(x.type)).join(', ')}; cast them to one type` };
    t = c;
  }
  return t;
}

/** Per row, the first (coalesce) or the extreme (greatest/least) non-null argument. */
function pick(args: readonly Column[], n: number, t: DataType, better: ((a: never, b: never) => boolean) | null): Column {
  const cols = args.map((a) => castColumn(a, t));
  const out = allocData(t, n) as { [i: number]: unknown };
  const valid = new Uint8Array(n);
  for (const c of cols) {
    const d = c.data as unknown as ArrayLike<never>;
    for (let i = 0; i < n; i++) {
      if (c.valid !== null && c.valid[i] === 0) continue;
      if (valid[i] === 0 || (better !== null && better(d[i], out[i] as never))) {
        out[i] = d[i];
        valid[i] = 1;
      }
    }
  }
  return makeColumn(t, out as ColumnData, valid);
}

function extreme(name: string, description: string, wins: (comparison: number) => boolean): ScalarFunction {
  return {
    name,
    description,
    arity: [2, Infinity],
    resolve: common,
    kernel: (args, n, t) => {
      const cmp = comparatorFor(t.kind);
      return pick(args, n, t, (a, b) => wins(cmp(a, b)));
    },
    sql: (a) => `${name}(${a.join(', ')})`,
  };
}

/** coalesce, and nvl/ifnull: Spark rewrites those two to coalesce of their two arguments. */
const firstNonNull = (name: string, description: string, arity: readonly [number, number]): ScalarFunction => ({
  name,
  description,
  arity,
  resolve: common,
  kernel: (args, n, t) => pick(args, n, t, null),
  sql: (a) => `${name}(${a.join(', ')})`,
  dialects: { duckdb: (a) => `coalesce(${a.join(', ')})` },
});

/** Row by row, `a` where `useA` holds, else `b` (both cast to t), with their nulls. */
function choose(useA: (i: number) => boolean, a: Column, b: Column, n: number, t: DataType): Column {
  const x = castColumn(a, t);
  const y = castColumn(b, t);
  const out = allocData(t, n) as { [i: number]: unknown };
  const valid = new Uint8Array(n);
  const xd = x.data as unknown as ArrayLike<unknown>;
  const yd = y.data as unknown as ArrayLike<unknown>;
  for (let i = 0; i < n; i++) {
    const pickA = useA(i);
    const src = pickA ? x : y;
    out[i] = (pickA ? xd : yd)[i];
    valid[i] = src.valid === null ? 1 : src.valid[i];
  }
  return makeColumn(t, out as ColumnData, valid);
}

const isValid = (c: Column, i: number) => c.valid === null || c.valid[i] === 1;

export const conditional: ScalarFunction[] = [
  firstNonNull('coalesce', 'the first non-null argument', [1, Infinity]),
  firstNonNull('nvl', 'nvl(a, b): a unless it is null, else b (coalesce of two)', [2, 2]),
  firstNonNull('ifnull', 'ifnull(a, b): a unless it is null, else b (coalesce of two)', [2, 2]),
  extreme('greatest', 'the largest non-null argument', (c) => c > 0),
  extreme('least', 'the smallest non-null argument', (c) => c < 0),
  {
    name: 'nullif',
    description: 'null when both arguments are equal, else the first',
    arity: [2, 2],
    resolve: common,
    kernel: (args, n, t, info) => {
      const eq = compareKernel(args, n, info, '=');
      const first = castColumn(args[0], t);
      const valid = first.valid ? first.valid.slice() : new Uint8Array(n).fill(1);
      const e = eq.data as Uint8Array;
      for (let i = 0; i < n; i++) if (e[i] === 1 && (eq.valid === null || eq.valid[i] === 1)) valid[i] = 0;
      return makeColumn(t, first.data, valid);
    },
    sql: (a) => `nullif(${a[0]}, ${a[1]})`,
  },
  {
    name: 'if',
    description: 'if(cond, a, b): a where cond is true, else b (a null condition picks b)',
    arity: [3, 3],
    resolve: ([c, a, b]) => {
      if (c.type.kind !== 'boolean' && c.type.kind !== 'null') return { problem: `the condition must be a boolean, got ${typeToString(c.type)}` };
      return common([a, b]);
    },
    kernel: ([c, a, b], n, t) => {
      const cd = c.data as Uint8Array;
      return choose((i) => cd[i] === 1 && isValid(c, i), a, b, n, t);
    },
    sql: (a) => `if(${a.join(', ')})`,
    dialects: { duckdb: (a) => `(CASE WHEN ${a[0]} THEN ${a[1]} ELSE ${a[2]} END)` },
  },
  {
    name: 'nvl2',
    description: 'nvl2(x, a, b): a where x is not null, else b',
    arity: [3, 3],
    resolve: ([, a, b]) => common([a, b]),
    kernel: ([x, a, b], n, t) => choose((i) => isValid(x, i), a, b, n, t),
    sql: (a) => `nvl2(${a.join(', ')})`,
    dialects: { duckdb: (a) => `(CASE WHEN ${a[0]} IS NOT NULL THEN ${a[1]} ELSE ${a[2]} END)` },
  },
  {
    name: 'nanvl',
    description: 'nanvl(x, y): x unless it is NaN, else y (doubles; null when x is null)',
    arity: [2, 2],
    resolve: (args) => {
      const bad = args.find((a) => !isNumeric(a.type) && a.type.kind !== 'null');
      if (bad) return { problem: `nanvl needs numbers, got ${typeToString(bad.type)}` };
      // Spark casts both to double, unless both are floats.
      return args.every((a) => a.type.kind === 'float32') ? T.float32 : T.float64;
    },
    kernel: ([x, y], n, t) => {
      const xd = castColumn(x, t).data as Float64Array;
      return choose((i) => !isValid(x, i) || !Number.isNaN(xd[i]), x, y, n, t);
    },
    sql: (a) => `nanvl(${a[0]}, ${a[1]})`,
    dialects: { duckdb: (a) => `(CASE WHEN isnan(CAST(${a[0]} AS DOUBLE)) THEN CAST(${a[1]} AS DOUBLE) ELSE CAST(${a[0]} AS DOUBLE) END)` },
  },
];
