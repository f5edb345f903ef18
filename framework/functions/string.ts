/**
 * String functions with Spark's semantics: lengths and positions count characters (code
 * points), trim removes spaces (U+0020) only, concat is null if any argument is, concat_ws
 * skips nulls. Regular expressions are Java's in Spark: see java-regex.ts for how they are
 * translated, and which patterns are refused.
 */
import { makeColumn, type Column } from '../columnar/column.ts';
import { T, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { andValidity, literalArg, mapNary, mapUnary } from './kernel-util.ts';
import { JavaRegexError, javaRegexProblem, javaRegExp, javaReplaceAll, javaSplit, parseJavaReplacement, translateJavaRegex } from './java-regex.ts';
import type { ArgInfo, ScalarFunction, TypeProblem } from './registry.ts';

const stringArg = (a: ArgInfo | undefined, what = 'the first argument'): TypeProblem | null =>
  a === undefined || a.type.kind === 'string' || a.type.kind === 'null'
    ? null
    : { problem: `${what} must be a string, got ${typeToString(a.type)}; cast it with .cast(T.string)` };

const literalString = (a: ArgInfo | undefined, what: string): TypeProblem | null =>
  a?.literal && typeof a.literal.value === 'string' ? null : { problem: `${what} must be a string literal` };

const literalInt = (a: ArgInfo | undefined, what: string): TypeProblem | null =>
  a === undefined || (a.literal && typeof a.literal.value === 'number' && Number.isInteger(a.literal.value)) ? null : { problem: `${what} must be an integer literal` };

const intArg = (a: ArgInfo | undefined, what: string): TypeProblem | null =>
  a === undefined || a.type.kind === 'int32' || a.type.kind === 'null' ? null : { problem: `${what} must be an int, got ${typeToString(a.type)}` };

const regexRule = (a: ArgInfo | undefined): TypeProblem | null => {
  const lit = literalString(a, 'the pattern');
  if (lit) return lit;
  const p = javaRegexProblem(a!.literal!.value as string);
  return p ? { problem: p } : null;
};

export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/** Spark's UTF8String.substringSQL: 1-based `pos`, 0 acts as 1, negative counts from the end. */
export function sparkSubstring(s: string, pos: number, len: number): string {
  const n = codePointLength(s);
  const chars = n === s.length ? null : [...s];
  let start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0;
  const end = Math.min(n, len === Infinity ? n : start + len);
  start = Math.max(0, start);
  if (end <= start) return '';
  return chars ? chars.slice(start, end).join('') : s.slice(start, end);
}

const unaryString = (name: string, description: string, f: (s: string) => string): ScalarFunction => ({
  name,
  description,
  arity: [1, 1],
  resolve: ([a]) => stringArg(a) ?? T.string,
  kernel: ([a], n) => mapUnary<string, string>(castColumn(a, T.string), T.string, n, f),
  sql: (a) => `${name}(${a[0]})`,
});

/** Strips U+0020 only, as Spark's trim/ltrim/rtrim do (tabs and newlines stay). */
function stripSpaces(s: string, left: boolean, right: boolean): string {
  let a = 0;
  let b = s.length;
  if (left) while (a < b && s.charCodeAt(a) === 32) a++;
  if (right) while (b > a && s.charCodeAt(b - 1) === 32) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

const asStrings = (args: readonly Column[]) => args.map((c) => (c.type.kind === 'string' ? c : castColumn(c, T.string)));

const stringPredicate = (name: string, duck: string, description: string, test: (s: string, p: string) => boolean): ScalarFunction => ({
  name,
  description,
  arity: [2, 2],
  resolve: ([a, b]) => stringArg(a) ?? stringArg(b, 'the second argument') ?? T.boolean,
  kernel: ([a, b], n) => {
    const x = castColumn(a, T.string);
    const y = castColumn(b, T.string);
    const xd = x.data as string[];
    const yd = y.data as string[];
    const out = new Uint8Array(n);
    const valid = andValidity(n, x, y);
    for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) out[i] = test(xd[i], yd[i]) ? 1 : 0;
    return makeColumn(T.boolean, out, valid);
  },
  sql: (a) => `${name}(${a[0]}, ${a[1]})`,
  dialects: { duckdb: (a) => `${duck}(${a[0]}, ${a[1]})` },
});

export const strings: ScalarFunction[] = [
  unaryString('lower', 'lower case', (s) => s.toLowerCase()),
  unaryString('upper', 'upper case', (s) => s.toUpperCase()),
  unaryString('trim', 'removes leading and trailing spaces (U+0020 only)', (s) => stripSpaces(s, true, true)),
  unaryString('ltrim', 'removes leading spaces (U+0020 only)', (s) => stripSpaces(s, true, false)),
  unaryString('rtrim', 'removes trailing spaces (U+0020 only)', (s) => stripSpaces(s, false, true)),
  {
    name: 'length',
    description: 'number of characters (code points)',
    arity: [1, 1],
    resolve: ([a]) => stringArg(a) ?? T.int32,
    kernel: ([a], n) => mapUnary<string, number>(castColumn(a, T.string), T.int32, n, codePointLength),
    sql: (a) => `length(${a[0]})`,
  },
  {
    name: 'substring',
    description: 'substring(s, pos [, len]): 1-based position (0 acts as 1), negative counts from the end',
    arity: [2, 3],
    resolve: (args) => stringArg(args[0]) ?? intArg(args[1], 'the position') ?? intArg(args[2], 'the length') ?? T.string,
    kernel: ([s, p, l], n) => {
      const str = castColumn(s, T.string);
      const sd = str.data as string[];
      const pd = p.data as Int32Array;
      if (!l) return mapNary([str, p], T.string, n, (i) => sparkSubstring(sd[i], pd[i], Infinity));
      const ld = l.data as Int32Array;
      return mapNary([str, p, l], T.string, n, (i) => sparkSubstring(sd[i], pd[i], ld[i]));
    },
    sql: (a) => `substring(${a.join(', ')})`,
    // DuckDB's substring differs for pos <= 0; spell Spark's rule out with code-point positions.
    dialects: {
      duckdb: (a) => {
        const [s, p, l] = a;
        const start = `(CASE WHEN ${p} > 0 THEN ${p} - 1 WHEN ${p} < 0 THEN length(${s}) + ${p} ELSE 0 END)`;
        const end = l === undefined ? `length(${s})` : `least(length(${s}), ${start} + ${l})`;
        return `(CASE WHEN ${p} IS NULL OR ${l ?? '0'} IS NULL OR ${s} IS NULL THEN NULL WHEN ${end} <= greatest(${start}, 0) THEN '' ELSE substring(${s}, greatest(${start}, 0) + 1, ${end} - greatest(${start}, 0)) END)`;
      },
    },
  },
  {
    name: 'concat',
    description: 'concatenation; null if any argument is null',
    arity: [1, Infinity],
    resolve: () => T.string,
    kernel: (args, n) => {
      const cols = asStrings(args);
      const data = cols.map((c) => c.data as string[]);
      if (data.length === 2) {
        const [x, y] = data;
        return mapNary(cols, T.string, n, (i) => x[i] + y[i]);
      }
      return mapNary(cols, T.string, n, (i) => {
        let s = '';
        for (let k = 0; k < data.length; k++) s += data[k][i];
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
        let s = '';
        let first = true;
        for (let k = 0; k < cols.length; k++) {
          const c = cols[k];
          if (c.valid !== null && c.valid[i] === 0) continue;
          s = first ? (c.data as string[])[i] : s + separator + (c.data as string[])[i];
          first = false;
        }
        out[i] = s;
      }
      return makeColumn(T.string, out, null);
    },
    sql: (a) => `concat_ws(${a.join(', ')})`,
  },
  stringPredicate('startswith', 'starts_with', 'startswith(s, prefix): whether s begins with prefix', (s, p) => s.startsWith(p)),
  stringPredicate('endswith', 'ends_with', 'endswith(s, suffix): whether s ends with suffix', (s, p) => s.endsWith(p)),
  stringPredicate('contains', 'contains', 'contains(s, part): whether part occurs in s', (s, p) => s.includes(p)),
  {
    name: 'split',
    description: 'split(s, regex): array of the parts (trailing empty strings kept, as Spark)',
    arity: [2, 2],
    resolve: (args) => stringArg(args[0]) ?? regexRule(args[1]) ?? ({ kind: 'array', element: T.string, containsNull: false } as DataType),
    kernel: ([s, p], n, t) => {
      const pattern = literalArg<string>(p) ?? '';
      const str = castColumn(s, T.string);
      // Spark special-cases the empty pattern: one element per character, no trailing ''.
      if (pattern === '') return mapUnary<string, string[]>(str, t, n, (v) => (v === '' ? [''] : [...v]));
      const re = javaRegExp(pattern, 'g');
      return mapUnary<string, string[]>(str, t, n, (v) => javaSplit(v, re));
    },
    sql: (a) => `split(${a[0]}, ${a[1]})`,
    dialects: { duckdb: (a) => `regexp_split_to_array(${a[0]}, ${a[1]})` },
  },
  {
    name: 'regexp_extract',
    description: "regexp_extract(s, regex, group): the group's text in the first match, '' when nothing matches",
    arity: [2, 3],
    resolve: (args) => {
      const p = stringArg(args[0]) ?? regexRule(args[1]) ?? literalInt(args[2], 'the group index');
      if (p) return p;
      const groups = translateJavaRegex(args[1].literal!.value as string).groups;
      const idx = args[2] ? (args[2].literal!.value as number) : 1;
      if (idx < 0 || idx > groups) return { problem: `group ${idx} does not exist: the pattern has ${groups} group(s) (Spark fails the job)` };
      return T.string;
    },
    kernel: ([s, p, g], n) => {
      const re = javaRegExp(literalArg<string>(p) ?? '');
      const group = g ? (literalArg<number>(g) ?? 1) : 1;
      return mapUnary<string, string>(castColumn(s, T.string), T.string, n, (v) => {
        const m = re.exec(v);
        return m ? (m[group] ?? '') : '';
      });
    },
    sql: (a) => `regexp_extract(${a[0]}, ${a[1]}, ${a[2] ?? '1'})`,
  },
  {
    name: 'regexp_replace',
    description: 'regexp_replace(s, regex, replacement): replaces every match ($1 or ${name} refer to groups, \\$ is a dollar)',
    arity: [3, 3],
    resolve: (args) => {
      const p = stringArg(args[0]) ?? regexRule(args[1]) ?? literalString(args[2], 'the replacement');
      if (p) return p;
      const t = translateJavaRegex(args[1].literal!.value as string);
      try {
        parseJavaReplacement(args[2].literal!.value as string, t.groups, t.groupNames);
      } catch (e) {
        if (e instanceof JavaRegexError) return { problem: `invalid replacement: ${e.message}` };
        throw e;
      }
      return T.string;
    },
    kernel: ([s, p, r], n) => {
      const pattern = literalArg<string>(p) ?? '';
      const t = translateJavaRegex(pattern);
      const re = new RegExp(t.source, `${t.flags}g`);
      const replacement = parseJavaReplacement(literalArg<string>(r) ?? '', t.groups, t.groupNames);
      return mapUnary<string, string>(castColumn(s, T.string), T.string, n, (v) => javaReplaceAll(v, re, replacement));
    },
    sql: (a) => `regexp_replace(${a.join(', ')})`,
    dialects: {
      duckdb: (a, info) => {
        // RE2 replacements use \1 where Java uses $1.
        const r = info[2]?.literal?.value;
        const rendered = typeof r === 'string' ? `'${r.replace(/\\\$/g, '\u0001').replace(/\$(\d)/g, '\\$1').replace(/\u0001/g, '$').replace(/'/g, "''")}'` : a[2];
        return `regexp_replace(${a[0]}, ${a[1]}, ${rendered}, 'g')`;
      },
    },
  },
];

