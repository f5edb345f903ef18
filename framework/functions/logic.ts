/** Boolean logic (three-valued, as SQL), null tests, IN, BETWEEN and LIKE. */
import { makeColumn, type Column } from '../columnar/column.ts';
import { T, commonType, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { compareColumns, compareKernel, comparableType, duckdbComparisonOperands } from './comparison.ts';
import { literalArg, validityCopy } from './kernel-util.ts';
import type { ScalarFunction } from './registry.ts';

const isBool = (k: string) => k === 'boolean' || k === 'null';
const boolRule: ScalarFunction['resolve'] = (args) =>
  args.every((a) => isBool(a.type.kind)) ? T.boolean : { problem: `needs booleans, got ${args.map((a) => typeToString(a.type)).join(' and ')}` };

/** AND / OR with SQL's three-valued logic: false AND null = false, true OR null = true. */
function logical(args: readonly Column[], n: number, isAnd: boolean): Column {
  const [a, b] = args;
  const ad = a.data as Uint8Array;
  const bd = b.data as Uint8Array;
  const out = new Uint8Array(n);
  const valid = new Uint8Array(n);
  const dominant = isAnd ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const av = a.valid === null || a.valid[i] === 1;
    const bv = b.valid === null || b.valid[i] === 1;
    const x = ad[i];
    const y = bd[i];
    if ((av && x === dominant) || (bv && y === dominant)) {
      out[i] = dominant;
      valid[i] = 1;
    } else if (av && bv) {
      out[i] = 1 - dominant;
      valid[i] = 1;
    }
  }
  return makeColumn(T.boolean, out, valid);
}

/** Spark refuses an escape before anything but `%`, `_` and `\`, and a trailing escape. */
export function likeProblem(pattern: string): string | null {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '\\') continue;
    const next = pattern[i + 1];
    if (next !== '%' && next !== '_' && next !== '\\') {
      return `the LIKE pattern '${pattern}' has an escape (\\) not followed by %, _ or \\, which Spark rejects`;
    }
    i++;
  }
  return null;
}

/** SQL LIKE pattern -> anchored RegExp; `\` escapes `%`, `_` and itself. */
export function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]);
    else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 'u');
}

/** A LIKE test; the common shapes ('abc', 'abc%', '%abc', '%abc%') avoid the regex engine. */
export function likeMatcher(pattern: string): (s: string) => boolean {
  if (!/[_\\]/.test(pattern)) {
    const parts = pattern.split('%');
    if (parts.length === 1) return (s) => s === pattern;
    if (parts.length === 2 && parts[1] === '') return (s) => s.startsWith(parts[0]);
    if (parts.length === 2 && parts[0] === '') return (s) => s.endsWith(parts[1]);
    if (parts.length === 3 && parts[0] === '' && parts[2] === '') return (s) => s.includes(parts[1]);
  }
  const re = likeToRegExp(pattern);
  return (s) => re.test(s);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * IN's common type. Spark widens the value and the whole list together and promotes to
 * string when strings are mixed with other types (so `int_col IN ('1', '01')` compares text);
 * that is rarely meant, so mixing strings with other types is refused.
 */
function inType(types: readonly DataType[]): DataType | { problem: string } {
  let t: DataType = T.null;
  for (const x of types) {
    const c = commonType(t, x);
    if (!c || c.kind === 'struct' || c.kind === 'array' || c.kind === 'map') {
      return { problem: `IN needs values of one type, got ${types.map(typeToString).join(', ')}; cast them (Spark would compare ${types.some((y) => y.kind === 'string') ? 'them as strings' : 'them after an implicit cast'})` };
    }
    t = c;
  }
  return t.kind === 'null' ? T.int32 : t;
}

export const logic: ScalarFunction[] = [
  { name: 'and', description: 'logical AND (three-valued)', arity: [2, 2], resolve: boolRule, kernel: (a, n) => logical(a, n, true), sql: (a) => `(${a[0]} AND ${a[1]})` },
  { name: 'or', description: 'logical OR (three-valued)', arity: [2, 2], resolve: boolRule, kernel: (a, n) => logical(a, n, false), sql: (a) => `(${a[0]} OR ${a[1]})` },
  {
    name: 'not',
    description: 'logical NOT; null stays null',
    arity: [1, 1],
    resolve: boolRule,
    kernel: ([a], n) => {
      const d = a.data as Uint8Array;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = d[i] ? 0 : 1;
      return makeColumn(T.boolean, out, a.valid ? a.valid.slice() : null);
    },
    sql: (a) => `(NOT ${a[0]})`,
  },
  {
    name: 'isnull',
    description: 'true when the value is null',
    arity: [1, 1],
    resolve: () => T.boolean,
    kernel: ([a], n) => {
      const out = new Uint8Array(n);
      if (a.valid) for (let i = 0; i < n; i++) out[i] = a.valid[i] ? 0 : 1;
      return makeColumn(T.boolean, out, null);
    },
    sql: (a) => `(${a[0]} IS NULL)`,
  },
  {
    name: 'isnotnull',
    description: 'true when the value is not null',
    arity: [1, 1],
    resolve: () => T.boolean,
    kernel: ([a], n) => {
      const out = new Uint8Array(n).fill(1);
      if (a.valid) out.set(a.valid.subarray(0, n));
      return makeColumn(T.boolean, out, null);
    },
    sql: (a) => `(${a[0]} IS NOT NULL)`,
  },
  {
    name: 'in',
    description: 'value IN (list): null when the value is null, or when nothing matches and the list has a null',
    arity: [2, Infinity],
    resolve: (args) => {
      const t = inType(args.map((a) => a.type));
      return 'problem' in t ? t : T.boolean;
    },
    kernel: (args, n, _t, info) => {
      const t = inType(info.map((a) => a.type)) as DataType;
      const value = castColumn(args[0], t);
      const out = new Uint8Array(n);
      const valid = validityCopy(n, value.valid);
      const sawNull = new Uint8Array(n);
      for (let k = 1; k < args.length; k++) {
        const eq = compareColumns(value, args[k], n, t, '=');
        const d = eq.data as Uint8Array;
        const ev = eq.valid;
        for (let i = 0; i < n; i++) {
          if (d[i] === 1) out[i] = 1;
          else if (ev !== null && ev[i] === 0) sawNull[i] = 1;
        }
      }
      for (let i = 0; i < n; i++) if (out[i] === 0 && sawNull[i] === 1) valid[i] = 0;
      return makeColumn(T.boolean, out, valid);
    },
    sql: (a) => `(${a[0]} IN (${a.slice(1).join(', ')}))`,
  },
  {
    name: 'between',
    description: 'lo <= value AND value <= hi',
    arity: [3, 3],
    resolve: (args) => {
      for (const x of [args[1], args[2]]) {
        const t = comparableType([args[0], x]);
        if ('problem' in t) return t;
      }
      return T.boolean;
    },
    kernel: (args, n, _t, info) =>
      logical([compareKernel([args[0], args[1]], n, [info[0], info[1]], '>='), compareKernel([args[0], args[2]], n, [info[0], info[2]], '<=')], n, true),
    sql: (a) => `(${a[0]} BETWEEN ${a[1]} AND ${a[2]})`,
    dialects: {
      duckdb: (a, info) => {
        const [x, lo] = duckdbComparisonOperands([a[0], a[1]], [info[0], info[1]]);
        const [x2, hi] = duckdbComparisonOperands([a[0], a[2]], [info[0], info[2]]);
        return `((${lo} <= ${x}) AND (${x2} <= ${hi}))`;
      },
    },
  },
  {
    name: 'like',
    description: "SQL LIKE: '%' any characters, '_' one character, '\\' escapes",
    arity: [2, 2],
    resolve: (args) => {
      if (args[0].type.kind !== 'string' && args[0].type.kind !== 'null') return { problem: `needs a string, got ${typeToString(args[0].type)}` };
      if (!args[1].literal || typeof args[1].literal.value !== 'string') return { problem: 'the pattern must be a string literal' };
      const p = likeProblem(args[1].literal.value);
      return p ? { problem: p } : T.boolean;
    },
    kernel: ([s, p], n) => {
      const test = likeMatcher(literalArg<string>(p) ?? '');
      const d = s.data as string[];
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) if (s.valid === null || s.valid[i] === 1) out[i] = test(d[i]) ? 1 : 0;
      return makeColumn(T.boolean, out, s.valid ? s.valid.slice() : null);
    },
    sql: (a) => `(${a[0]} LIKE ${a[1]})`,
    dialects: { duckdb: (a) => `(${a[0]} LIKE ${a[1]} ESCAPE '\\')` },
  },
];
