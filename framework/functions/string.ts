/**
 * String functions with Spark's semantics: lengths and positions count characters (code
 * points), trim removes spaces only, concat is null if any argument is, concat_ws skips nulls.
 * Regular expressions are Java's in Spark; patterns using Java-only syntax are refused.
 */
import { makeColumn, type Column } from '../columnar/column.ts';
import { T, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { literalArg, mapNary, mapUnary } from './kernel-util.ts';
import type { ArgInfo, ScalarFunction, TypeProblem } from './registry.ts';

const stringArg = (a: ArgInfo, what = 'the first argument'): TypeProblem | null =>
  a.type.kind === 'string' || a.type.kind === 'null' ? null : { problem: `${what} must be a string, got ${typeToString(a.type)}; cast it with .cast(types.string)` };

const literalString = (a: ArgInfo | undefined, what: string): TypeProblem | null =>
  a?.literal && typeof a.literal.value === 'string' ? null : { problem: `${what} must be a string literal` };

const literalInt = (a: ArgInfo | undefined, what: string): TypeProblem | null =>
  a === undefined || (a.literal && typeof a.literal.value === 'number' && Number.isInteger(a.literal.value)) ? null : { problem: `${what} must be an integer literal` };

/** Java regex constructs JavaScript reads differently (or not at all). */
const JAVA_ONLY = [
  { re: /[*+?}]\+/, what: 'possessive quantifiers (*+, ++, ?+)' },
  { re: /\(\?[a-hj-z]/i, what: 'inline flags other than (?i)' },
  { re: /\\[AZzGQE]/, what: '\\A, \\Z, \\z, \\G, \\Q...\\E' },
  { re: /\\p\{(Lower|Upper|Alpha|Digit|Alnum|Punct|Graph|Print|Blank|Cntrl|XDigit|Space|javaLowerCase|javaUpperCase)\}/, what: 'POSIX/Java character classes like \\p{Alpha}' },
  { re: /\[[^\]]*&&/, what: 'character class intersection (&&)' },
];

export function regexProblem(pattern: string): string | null {
  for (const j of JAVA_ONLY) if (j.re.test(pattern)) return `the pattern uses ${j.what}, which the local engine (JavaScript) reads differently from Spark (Java)`;
  try {
    toJsRegExp(pattern, '');
  } catch (e) {
    return `invalid regular expression: ${(e as Error).message}`;
  }
  return null;
}

export function toJsRegExp(pattern: string, flags: string): RegExp {
  let p = pattern;
  let f = flags;
  if (p.startsWith('(?i)')) {
    p = p.slice(4);
    f += 'i';
  }
  return new RegExp(p, f + 'u');
}

const regexRule = (idx: number) => (args: readonly ArgInfo[]): TypeProblem | null => {
  const lit = literalString(args[idx], 'the pattern');
  if (lit) return lit;
  const p = regexProblem(args[idx].literal!.value as string);
  return p ? { problem: p } : null;
};

const codePoints = (s: string): number => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
};

function spark_substring(s: string, pos: number, len: number): string {
  const chars = s.length === codePoints(s) ? null : [...s];
  const n = chars ? chars.length : s.length;
  // Spark: pos is 1-based; 0 behaves as 1; negative counts from the end.
  let start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0;
  let end = len === Infinity ? n : start + len;
  if (pos < 0 && start < 0) {
    end = start + len;
    start = 0;
  }
  start = Math.max(0, start);
  end = Math.min(n, end);
  if (end <= start) return '';
  return chars ? chars.slice(start, end).join('') : s.slice(start, end);
}

/** Java's replacement syntax ($1, \$) to JavaScript's ($1, $$). */
function javaReplacement(r: string): string {
  let out = '';
  for (let i = 0; i < r.length; i++) {
    const c = r[i];
    if (c === '\\' && i + 1 < r.length) out += r[++i] === '$' ? '$$' : r[i];
    else out += c;
  }
  return out;
}

const unaryString = (name: string, description: string, f: (s: string) => string, sql?: (a: readonly string[]) => string): ScalarFunction => ({
  name,
  description,
  arity: [1, 1],
  resolve: ([a]) => stringArg(a) ?? T.string,
  kernel: ([a], n) => mapUnary<string, string>(a, T.string, n, f),
  sql: sql ?? ((a) => `${name}(${a[0]})`),
});

const asStrings = (args: readonly Column[]) => args.map((c) => (c.type.kind === 'string' ? c : castColumn(c, T.string)));

export const strings: ScalarFunction[] = [
  unaryString('lower', 'lower case', (s) => s.toLowerCase()),
  unaryString('upper', 'upper case', (s) => s.toUpperCase()),
  unaryString('trim', 'removes leading and trailing spaces', (s) => s.replace(/^ +| +$/g, '')),
  unaryString('ltrim', 'removes leading spaces', (s) => s.replace(/^ +/, '')),
  unaryString('rtrim', 'removes trailing spaces', (s) => s.replace(/ +$/, '')),
  {
    name: 'length',
    description: 'number of characters',
    arity: [1, 1],
    resolve: ([a]) => stringArg(a) ?? T.int32,
    kernel: ([a], n) => mapUnary<string, number>(a, T.int32, n, codePoints),
    sql: (a) => `length(${a[0]})`,
  },
  {
    name: 'substring',
    description: 'substring(s, pos [, len]): 1-based position, negative from the end',
    arity: [2, 3],
    resolve: (args) => stringArg(args[0]) ?? literalInt(args[1], 'the position') ?? literalInt(args[2], 'the length') ?? T.string,
    kernel: ([s, p, l], n) => {
      const pos = literalArg<number>(p) ?? 1;
      const len = l ? (literalArg<number>(l) ?? 0) : Infinity;
      return mapUnary<string, string>(s, T.string, n, (v) => spark_substring(v, pos, len));
    },
    sql: (a) => `substring(${a.join(', ')})`,
  },
  {
    name: 'concat',
    description: 'concatenation; null if any argument is null',
    arity: [1, Infinity],
    resolve: () => T.string,
    kernel: (args, n) => {
      const cols = asStrings(args);
      const data = cols.map((c) => c.data as string[]);
      return mapNary(cols, T.string, n, (i) => {
        let s = '';
        for (const d of data) s += d[i];
        return s;
      });
    },
    sql: (a) => `concat(${a.join(', ')})`,
    // DuckDB's concat() skips nulls; its || operator propagates them, as Spark's concat does.
    dialects: { duckdb: (a, info) => `(${a.map((x, i) => (info[i].type.kind === 'string' ? x : `CAST(${x} AS VARCHAR)`)).join(' || ')})` },
  },
  {
    name: 'concat_ws',
    description: 'concat_ws(sep, ...): joins the non-null arguments with a separator',
    arity: [2, Infinity],
    resolve: (args) => literalString(args[0], 'the separator') ?? T.string,
    kernel: ([sep, ...rest], n) => {
      const separator = literalArg<string>(sep) ?? '';
      const cols = asStrings(rest);
      const out: string[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const parts: string[] = [];
        for (const c of cols) if (c.valid === null || c.valid[i] === 1) parts.push((c.data as string[])[i]);
        out[i] = parts.join(separator);
      }
      return makeColumn(T.string, out, null);
    },
    sql: (a) => `concat_ws(${a.join(', ')})`,
  },
  {
    name: 'split',
    description: 'split(s, regex): array of the parts (trailing empty strings kept, as Spark)',
    arity: [2, 2],
    resolve: (args) => stringArg(args[0]) ?? regexRule(1)(args) ?? ({ kind: 'array', element: T.string, containsNull: false } as DataType),
    kernel: ([s, p], n, t) => {
      const re = toJsRegExp(literalArg<string>(p) ?? '', 'g');
      return mapUnary<string, string[]>(s, t, n, (v) => (v === '' ? [''] : v.split(re)));
    },
    sql: (a) => `split(${a[0]}, ${a[1]})`,
    dialects: { duckdb: (a) => `regexp_split_to_array(${a[0]}, ${a[1]})` },
  },
  {
    name: 'regexp_extract',
    description: "regexp_extract(s, regex, group): the group's match, '' when nothing matches",
    arity: [3, 3],
    resolve: (args) => stringArg(args[0]) ?? regexRule(1)(args) ?? literalInt(args[2], 'the group index') ?? T.string,
    kernel: ([s, p, g], n) => {
      const re = toJsRegExp(literalArg<string>(p) ?? '', '');
      const group = literalArg<number>(g) ?? 1;
      return mapUnary<string, string>(s, T.string, n, (v) => {
        const m = re.exec(v);
        return m ? (m[group] ?? '') : '';
      });
    },
    sql: (a) => `regexp_extract(${a.join(', ')})`,
  },
  {
    name: 'regexp_replace',
    description: 'regexp_replace(s, regex, replacement): replaces every match ($1 refers to a group)',
    arity: [3, 3],
    resolve: (args) => stringArg(args[0]) ?? regexRule(1)(args) ?? literalString(args[2], 'the replacement') ?? T.string,
    kernel: ([s, p, r], n) => {
      const re = toJsRegExp(literalArg<string>(p) ?? '', 'g');
      const replacement = javaReplacement(literalArg<string>(r) ?? '');
      return mapUnary<string, string>(s, T.string, n, (v) => v.replace(re, replacement));
    },
    sql: (a) => `regexp_replace(${a.join(', ')})`,
    dialects: { duckdb: (a) => `regexp_replace(${a.join(', ')}, 'g')` },
  },
];
