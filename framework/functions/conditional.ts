/** coalesce, nullif, greatest, least: functions over several values of a common type. */
import { allocData, makeColumn, type Column, type ColumnData } from '../columnar/column.ts';
import { T, commonType, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { comparatorFor } from './compare.ts';
import type { ArgInfo, ScalarFunction, TypeProblem } from './registry.ts';
import { compareKernel } from './operators.ts';

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

export const conditional: ScalarFunction[] = [
  {
    name: 'coalesce',
    description: 'the first non-null argument',
    arity: [1, Infinity],
    resolve: common,
    kernel: (args, n, t) => pick(args, n, t, null),
    sql: (a) => `coalesce(${a.join(', ')})`,
  },
  extreme('greatest', 'the largest non-null argument', (c) => c > 0),
  extreme('least', 'the smallest non-null argument', (c) => c < 0),
  {
    name: 'nullif',
    description: 'null when both arguments are equal, else the first',
    arity: [2, 2],
    resolve: common,
    kernel: (args, n, t, info) => {
      const eq = compareKernel(args, n, info, (c) => c === 0);
      const first = castColumn(args[0], t);
      const valid = first.valid ? first.valid.slice() : new Uint8Array(n).fill(1);
      const e = eq.data as Uint8Array;
      for (let i = 0; i < n; i++) if (e[i] === 1 && (eq.valid === null || eq.valid[i] === 1)) valid[i] = 0;
      return makeColumn(t, first.data, valid);
    },
    sql: (a) => `nullif(${a[0]}, ${a[1]})`,
  },
];
