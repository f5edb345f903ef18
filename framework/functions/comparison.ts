/**
 * Comparison operators with Spark's coercions and orderings:
 *  - numbers compare after widening; NaN equals NaN and is larger than every other double;
 *  - a string compared with a date, timestamp, number or boolean is cast to that type
 *    (Spark's findCommonTypeForBinaryComparison; a string against a decimal compares as doubles);
 *  - strings compare by code point (UTF-8 byte order);
 *  - null on either side gives null, except for `<=>`.
 */
import { makeColumn, type Column } from '../columnar/column.ts';
import { T, commonType, isIntegral, isNumeric, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { InternalError } from '../errors/index.ts';
import { compareDoubles, compareStrings } from './compare.ts';
import { andValidity } from './kernel-util.ts';
import type { ArgInfo, ScalarFunction, SqlRender, TypeProblem } from './registry.ts';
import { binarySql } from './arithmetic.ts';

export type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** The type both sides of a comparison are cast to, as Spark's analyzer would pick it. */
export function comparisonType(a: DataType, b: DataType): DataType | TypeProblem {
  if (a.kind === 'string' && b.kind !== 'string' && b.kind !== 'null') return stringAgainst(b, a);
  if (b.kind === 'string' && a.kind !== 'string' && a.kind !== 'null') return stringAgainst(a, b);
  const t = commonType(a, b);
  if (!t || t.kind === 'struct' || t.kind === 'array' || t.kind === 'map') {
    return { problem: `cannot compare ${typeToString(a)} with ${typeToString(b)}; cast one side` };
  }
  return t;
}

function stringAgainst(other: DataType, str: DataType): DataType | TypeProblem {
  if (other.kind === 'decimal') return T.float64;
  if (isNumeric(other) || other.kind === 'date' || other.kind === 'timestamp' || other.kind === 'boolean') return other;
  return { problem: `cannot compare ${typeToString(str)} with ${typeToString(other)}; cast one side` };
}

export function comparableType(args: readonly ArgInfo[]): DataType | TypeProblem {
  return comparisonType(args[0].type, args[1].type);
}

/**
 * Compares two columns row by row after casting both to `t`; the result is true where the
 * ordering matches `op`, null where either side is null.
 */
export function compareColumns(left: Column, right: Column, n: number, t: DataType, op: CmpOp): Column {
  const a = castColumn(left, t);
  const b = castColumn(right, t);
  const out = new Uint8Array(n);
  const valid = andValidity(n, a, b);
  // Outcome for ordering -1, 0, +1.
  const lt = op === '<' || op === '<=' || op === '!=' ? 1 : 0;
  const eq = op === '=' || op === '<=' || op === '>=' ? 1 : 0;
  const gt = op === '>' || op === '>=' || op === '!=' ? 1 : 0;
  const ad = a.data;
  const bd = b.data;
  const byOrder = (c: number) => (c < 0 ? lt : c === 0 ? eq : gt);
  if (ad instanceof Int32Array || ad instanceof Uint8Array) {
    const y = bd as Int32Array | Uint8Array;
    for (let i = 0; i < n; i++) {
      const p = ad[i];
      const q = y[i];
      out[i] = p < q ? lt : p === q ? eq : gt;
    }
  } else if (ad instanceof Float64Array) {
    const y = bd as Float64Array;
    for (let i = 0; i < n; i++) {
      const p = ad[i];
      const q = y[i];
      // NaN-free fast path; compareDoubles only when a NaN is involved.
      out[i] = p < q ? lt : p > q ? gt : p === q ? eq : byOrder(compareDoubles(p, q));
    }
  } else if (ad instanceof BigInt64Array || t.kind === 'decimal') {
    // 64-bit values, and decimals of any width (a bigint per value)
    const x = ad as ArrayLike<bigint>;
    const y = bd as ArrayLike<bigint>;
    for (let i = 0; i < n; i++) {
      const p = x[i];
      const q = y[i];
      out[i] = p < q ? lt : p === q ? eq : gt;
    }
  } else if (t.kind === 'string') {
    const x = ad as string[];
    const y = bd as string[];
    if (op === '=' || op === '!=') for (let i = 0; i < n; i++) out[i] = x[i] === y[i] ? eq : gt;
    else
      for (let i = 0; i < n; i++) {
        out[i] = byOrder(compareStrings(x[i], y[i]));
      }
  } else {
    throw new InternalError(`a comparison of values of type ${typeToString(t)} passed type resolution`);
  }
  if (valid) for (let i = 0; i < n; i++) out[i] &= valid[i];
  return makeColumn(T.boolean, out, valid);
}

/** Compares by the two arguments' comparison type. */
export function compareKernel(args: readonly Column[], n: number, info: readonly ArgInfo[], op: CmpOp): Column {
  return compareColumns(args[0], args[1], n, comparableType(info) as DataType, op);
}

/**
 * DuckDB does not always cast a string side the way Spark does (and fails on text that does
 * not parse), so the oracle rendering makes Spark's cast explicit.
 */
export function duckdbComparisonOperands(a: readonly string[], info: readonly ArgInfo[]): string[] {
  const t = comparableType(info);
  if ('problem' in t) return [...a];
  return a.map((sql, i) => (info[i].type.kind === 'string' && t.kind !== 'string' ? duckdbCastString(sql, t) : sql));
}

/** Spark's non-ANSI CAST(string AS t) in DuckDB: null when the text does not parse, integers truncated. */
export function duckdbCastString(sql: string, t: DataType): string {
  if (isIntegral(t)) return `TRY_CAST(trunc(TRY_CAST(${sql} AS DOUBLE)) AS ${t.kind === 'int32' ? 'INTEGER' : 'BIGINT'})`;
  const name = t.kind === 'timestamp' ? 'TIMESTAMPTZ' : t.kind === 'date' ? 'DATE' : t.kind === 'boolean' ? 'BOOLEAN' : 'DOUBLE';
  return `TRY_CAST(${sql} AS ${name})`;
}

const duckBinary = (op: string): SqlRender => (a, info) => {
  const [x, y] = duckdbComparisonOperands(a, info);
  return `(${x} ${op} ${y})`;
};

const comparison = (op: CmpOp, description: string): ScalarFunction => ({
  name: op,
  description,
  arity: [2, 2],
  resolve: (args) => {
    const t = comparableType(args);
    return 'problem' in t ? t : T.boolean;
  },
  kernel: (args, n, _t, info) => compareKernel(args, n, info, op),
  sql: binarySql(op),
  dialects: { duckdb: duckBinary(op) },
});

export const comparisonFunctions: ScalarFunction[] = [
  comparison('=', 'equality; null when either side is null'),
  comparison('!=', 'inequality; null when either side is null'),
  comparison('<', 'less than; null when either side is null'),
  comparison('<=', 'less than or equal; null when either side is null'),
  comparison('>', 'greater than; null when either side is null'),
  comparison('>=', 'greater than or equal; null when either side is null'),
  {
    name: '<=>',
    description: 'null-safe equality: true when both sides are null, never null',
    arity: [2, 2],
    resolve: (args) => {
      const t = comparableType(args);
      return 'problem' in t ? t : T.boolean;
    },
    kernel: (args, n, _t, info) => {
      const t = comparableType(info) as DataType;
      const a = castColumn(args[0], t);
      const b = castColumn(args[1], t);
      const eq = compareColumns(a, b, n, t, '=');
      const out = eq.data as Uint8Array;
      const av = a.valid;
      const bv = b.valid;
      if (av !== null || bv !== null) {
        for (let i = 0; i < n; i++) {
          const an = av !== null && av[i] === 0;
          const bn = bv !== null && bv[i] === 0;
          if (an || bn) out[i] = an && bn ? 1 : 0;
        }
      }
      return makeColumn(T.boolean, out, null);
    },
    sql: binarySql('<=>'),
    dialects: { duckdb: duckBinary('IS NOT DISTINCT FROM') },
  },
];
