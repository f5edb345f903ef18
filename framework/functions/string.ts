/**
 * String functions with Spark's semantics: lengths and positions count characters (code
 * points), trim removes spaces (U+0020) only, concat is null if any argument is, concat_ws
 * skips nulls. Regular expressions are Java's in Spark: see java-regex.ts for how they are
 * translated, and which patterns are refused.
 */
import { makeColumn, type Column } from '../columnar/column.ts';
import { SparkArithmeticError } from '../errors/index.ts';
import type { LiteralValue } from '../plan/expr.ts';
import { T, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { andValidity, constantColumn, literalArg, mapNary, mapUnary } from './kernel-util.ts';
import { JavaRegexError, javaRegexProblem, javaRegExp, javaReplaceAll, javaSplit, parseJavaReplacement, translateJavaRegex } from './java-regex.ts';
import type { ArgInfo, ScalarFunction, SqlRender, TypeProblem } from './registry.ts';

const stringArg = (a: ArgInfo | undefined, what = 'the first argument'): TypeProblem | null =>
  a === undefined || a.type.kind === 'string' || a.type.kind === 'null'
    ? null
    : { problem: `${what} must be a string, got ${typeToString(a.type)}; cast it with .cast(types.string)` };

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

/** A parameter of a string function: how its type problems name it, and whether it is a string or an int. */
type Param = readonly [what: string, kind: 'string' | 'int'];

/**
 * A function of string and int arguments (columns or literals) that is null when any argument
 * is null, as most of Spark's string functions are. Omitted trailing arguments take `defaults`
 * (Spark SQL accepts the short forms too, so the rendering passes only the arguments given).
 * `f` receives one row's values in parameter order.
 */
export function stringFunction(spec: {
  readonly name: string;
  readonly description: string;
  readonly params: readonly Param[];
  readonly defaults?: readonly LiteralValue[];
  readonly result: DataType;
  readonly f: (a: never, b: never, c: never) => unknown;
  readonly resolve?: (args: readonly ArgInfo[]) => TypeProblem | null;
  readonly duckdb?: SqlRender;
}): ScalarFunction {
  const { name, params, defaults = [], result, f } = spec;
  const types = params.map(([, kind]) => (kind === 'string' ? T.string : T.int32));
  return {
    name,
    description: spec.description,
    arity: [params.length - defaults.length, params.length],
    resolve: (args) => {
      for (let k = 0; k < args.length; k++) {
        const [what, kind] = params[k];
        const p = kind === 'string' ? stringArg(args[k], what) : intArg(args[k], what);
        if (p) return p;
      }
      return spec.resolve?.(args) ?? result;
    },
    kernel: (args, n) => {
      const cols = types.map((t, k) => castColumn(args[k] ?? constantColumn(t, defaults[k - (params.length - defaults.length)], n), t));
      const [a, b, c] = cols.map((col) => col.data as unknown as ArrayLike<never>);
      return mapNary(cols, result, n, (i) => f(a[i], b?.[i], c?.[i]));
    },
    sql: (a) => `${name}(${a.join(', ')})`,
    ...(spec.duckdb ? { dialects: { duckdb: spec.duckdb } } : {}),
  };
}

/** The UTF-16 index of code point `cp` of s (s.length when s has fewer code points). */
function codePointOffset(s: string, cp: number): number {
  let i = 0;
  for (let c = 0; c < cp && i < s.length; c++) i += isHighSurrogate(s.charCodeAt(i)) ? 2 : 1;
  return i;
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;

/** Spark's UTF8String.indexOf(v, start): the code point position of v at or after code point `start`, or -1; 0 for an empty v. */
function indexOfCodePoints(s: string, v: string, start: number): number {
  if (v === '') return 0;
  const from = codePointOffset(s, start);
  const at = s.indexOf(v, from);
  return at === -1 ? -1 : start + codePointLength(s.slice(from, at));
}

/** Spark's lpad/rpad: pads with repetitions of `pad` up to `len` characters; a longer string (or an empty pad) is cut to `len`. */
function pad(s: string, len: number, padding: string, left: boolean): string {
  const spaces = len - codePointLength(s);
  if (spaces <= 0 || padding === '') return sparkSubstring(s, 1, len);
  const padChars = codePointLength(padding);
  const count = Math.floor(spaces / padChars);
  const fill = padding.repeat(count) + sparkSubstring(padding, 1, spaces - padChars * count);
  return left ? fill + s : s + fill;
}

const padFunction = (name: 'lpad' | 'rpad', side: string, left: boolean) =>
  stringFunction({
    name,
    description: `${name}(s, len, pad = ' '): pads s on the ${side} with repetitions of pad to len characters; a longer s is cut to len`,
    params: [['the first argument', 'string'], ['the length', 'int'], ['the pad', 'string']],
    defaults: [' '],
    result: T.string,
    f: (s: string, len: number, p: string) => pad(s, len, p, left),
    // DuckDB fails on an empty pad and counts a negative length differently; spell out the cut.
    duckdb: ([s, len, p = "' '"]) => `(CASE WHEN ${p} IS NULL THEN NULL WHEN ${len} <= length(${s}) OR ${p} = '' THEN left(${s}, greatest(${len}, 0)) ELSE ${name}(${s}, ${len}, ${p}) END)`,
  });

/**
 * Java's Character.toTitleCase of one UTF-16 unit (Spark's initcap works on chars), for Java 17:
 * JavaScript has only toUpperCase, which differs for the titlecase digraphs (ǆ -> ǅ), the Greek
 * letters with ypogegrammeni (ᾳ -> ᾼ), Georgian (no titlecase: it stays), characters whose
 * uppercase is several characters (ß stays ß) and letters newer than Java 17's Unicode 13.
 */
function javaTitleCase(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c >= 0x1c4 && c <= 0x1cc) return String.fromCharCode(c - ((c - 0x1c4) % 3) + 1);
  if (c >= 0x1f1 && c <= 0x1f3) return '\u01f2';
  if (c >= 0x1f80 && c <= 0x1faf) return String.fromCharCode(c | 8);
  if (c === 0x1fb3 || c === 0x1fc3 || c === 0x1ff3) return String.fromCharCode(c + 9);
  const u = ch.toUpperCase();
  return u.length !== 1 || (c >= 0x10d0 && c <= 0x10ff) || NEWER_THAN_JAVA_17.has(c) ? ch : u;
}

const NEWER_THAN_JAVA_17 = new Set([0x19b, 0x264, 0x1c8a, 0x2c5f, 0xa7c1, 0xa7cd, 0xa7cf, 0xa7d1, 0xa7d3, 0xa7d5, 0xa7d7, 0xa7d9, 0xa7db]);

/** Spark's initcap: lower case, then the first character and each one after a space (U+0020 only) in title case. */
function initcap(s: string): string {
  const lower = s.toLowerCase();
  let out = '';
  for (let i = 0; i < lower.length; i++) out += i === 0 || lower.charCodeAt(i - 1) === 32 ? javaTitleCase(lower[i]) : lower[i];
  return out;
}

/**
 * Spark's translate: each code point of `from` maps to the code point at the same position of
 * `to`, or is deleted when `to` is shorter; the first mapping of a repeated code point wins.
 */
function translator(from: string, to: string): ReadonlyMap<string, string> {
  // from and to are usually literals: the dictionary of the last pair is kept.
  if (lastTranslation.from === from && lastTranslation.to === to) return lastTranslation.dict;
  const dict = new Map<string, string>();
  const target = [...to];
  [...from].forEach((c, k) => dict.has(c) || dict.set(c, target[k] ?? ''));
  lastTranslation = { from, to, dict };
  return dict;
}

let lastTranslation: { readonly from: string; readonly to: string; readonly dict: ReadonlyMap<string, string> } = { from: '', to: '', dict: new Map() };

/** Spark's split_part: parts by a literal delimiter (an empty one gives the whole string), negative from the end, '' out of range. */
function splitPart(s: string, delimiter: string, part: number): string {
  if (part === 0) throw new SparkArithmeticError('split_part: the part number is 0; Spark fails the job (INVALID_INDEX_OF_ZERO: parts are numbered from 1, or from -1 at the end)');
  const parts = delimiter === '' ? [s] : s.split(delimiter);
  return parts[part > 0 ? part - 1 : parts.length + part] ?? '';
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

/** locate(part, s, pos): Spark's null rule differs from the others: a null position gives 0, not null. */
const locateRows = stringFunction({
  name: 'locate',
  description: 'locate(part, s, pos = 1): the 1-based character position of the first part in s at or after pos; 0 when absent or pos < 1 (or null)',
  params: [['the part', 'string'], ['the second argument', 'string'], ['the position', 'int']],
  defaults: [1],
  result: T.int32,
  f: (part: string, s: string, pos: number) => (pos < 1 ? 0 : indexOfCodePoints(s, part, pos - 1) + 1),
  duckdb: ([part, s, pos = '1']) => {
    const found = `instr(substring(${s}, ${pos}), ${part})`;
    return `(CASE WHEN ${pos} IS NULL THEN 0 WHEN ${part} IS NULL OR ${s} IS NULL THEN NULL WHEN ${pos} < 1 THEN 0 WHEN ${part} = '' THEN 1 WHEN ${found} = 0 THEN 0 ELSE ${found} + ${pos} - 1 END)`;
  },
});
const locate: ScalarFunction = {
  ...locateRows,
  kernel: (args, n, t, info) => {
    const out = locateRows.kernel(args, n, t, info);
    const pos = args[2];
    if (pos === undefined || pos.valid === null) return out;
    const data = out.data as Int32Array;
    const valid = out.valid ?? new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) if (pos.valid[i] === 0) [valid[i], data[i]] = [1, 0];
    return makeColumn(T.int32, data, valid);
  },
};

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
  padFunction('lpad', 'left', true),
  padFunction('rpad', 'right', false),
  stringFunction({
    name: 'instr',
    description: 'instr(s, part): the 1-based character position of the first part in s, 0 when absent (1 for an empty part)',
    params: [['the first argument', 'string'], ['the part', 'string']],
    result: T.int32,
    f: (s: string, part: string) => indexOfCodePoints(s, part, 0) + 1,
  }),
  locate,
  unaryString('initcap', 'lower case with the first letter of each space-separated word in title case', initcap),
  stringFunction({
    name: 'translate',
    description: 'translate(s, from, to): replaces each character of from by the one at the same position of to; deletes it when to is shorter',
    params: [['the first argument', 'string'], ['the characters to replace', 'string'], ['the replacements', 'string']],
    result: T.string,
    f: (s: string, from: string, to: string) => {
      const dict = translator(from, to);
      let out = '';
      for (const c of s) out += dict.get(c) ?? c;
      return out;
    },
  }),
  unaryString('reverse', 'the characters in reverse order (code points, so surrogate pairs stay whole)', (s) => [...s].reverse().join('')),
  stringFunction({
    name: 'repeat',
    description: "repeat(s, n): s repeated n times ('' when n <= 0)",
    params: [['the first argument', 'string'], ['the count', 'int']],
    result: T.string,
    f: (s: string, times: number) => (times <= 0 ? '' : s.repeat(times)),
  }),
  stringFunction({
    name: 'replace',
    description: "replace(s, search, replacement = ''): replaces every occurrence of search (not a pattern); an empty search changes nothing",
    params: [['the first argument', 'string'], ['the search', 'string'], ['the replacement', 'string']],
    defaults: [''],
    result: T.string,
    f: (s: string, search: string, by: string) => (search === '' ? s : s.split(search).join(by)),
    duckdb: ([s, search, by = "''"]) => `(CASE WHEN ${search} = '' AND ${by} IS NOT NULL THEN ${s} ELSE replace(${s}, ${search}, ${by}) END)`,
  }),
  stringFunction({
    name: 'left',
    description: "left(s, n): the first n characters ('' when n <= 0)",
    params: [['the first argument', 'string'], ['the length', 'int']],
    result: T.string,
    f: (s: string, len: number) => sparkSubstring(s, 1, len),
    duckdb: ([s, len]) => `(CASE WHEN ${s} IS NULL OR ${len} IS NULL THEN NULL WHEN ${len} <= 0 THEN '' ELSE left(${s}, ${len}) END)`,
  }),
  stringFunction({
    name: 'right',
    description: "right(s, n): the last n characters ('' when n <= 0)",
    params: [['the first argument', 'string'], ['the length', 'int']],
    result: T.string,
    f: (s: string, len: number) => (len <= 0 ? '' : sparkSubstring(s, -len, Infinity)),
    duckdb: ([s, len]) => `(CASE WHEN ${s} IS NULL OR ${len} IS NULL THEN NULL WHEN ${len} <= 0 THEN '' ELSE right(${s}, ${len}) END)`,
  }),
  stringFunction({
    name: 'split_part',
    description: "split_part(s, delimiter, n): the n-th part of s split at a literal delimiter (negative n counts from the end; '' when out of range; an empty delimiter gives s as the only part)",
    params: [['the first argument', 'string'], ['the delimiter', 'string'], ['the part number', 'int']],
    result: T.string,
    resolve: ([, , n]) => (n.literal?.value === 0 ? { problem: 'the part number must not be 0: parts are numbered from 1, or from -1 at the end (Spark fails the job)' } : null),
    f: splitPart,
    duckdb: ([s, d, k]) =>
      `(CASE WHEN ${s} IS NULL OR ${d} IS NULL OR ${k} IS NULL THEN NULL WHEN ${d} = '' THEN (CASE WHEN ${k} IN (1, -1) THEN ${s} ELSE '' END) ELSE split_part(${s}, ${d}, ${k}) END)`,
  }),
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
    name: 'rlike',
    description: 'rlike(s, regex): whether the Java regular expression matches somewhere in s (anchor it with ^ and $ to match all of s)',
    arity: [2, 2],
    resolve: (args) => stringArg(args[0]) ?? regexRule(args[1]) ?? T.boolean,
    kernel: ([s, p], n) => {
      const re = javaRegExp(literalArg<string>(p) ?? '');
      return mapUnary<string, boolean>(castColumn(s, T.string), T.boolean, n, (v) => re.test(v));
    },
    sql: (a) => `(${a[0]} RLIKE ${a[1]})`,
    dialects: { duckdb: (a) => `regexp_matches(${a[0]}, ${a[1]})` },
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

