/**
 * Java regular expressions (what Spark runs) translated to JavaScript RegExps (what the local
 * engine runs), or refused with the reason when the two would read a pattern differently.
 *
 * Translated so that JavaScript matches what Java matches:
 *  - `.` excludes Java's line terminators (also U+0085);
 *  - `$` matches at the end and before a final line terminator, as Java's does without MULTILINE;
 *  - `\s` / `\S` are Java's ASCII whitespace [ \t\n\x0B\f\r] (JavaScript's include Unicode spaces);
 *  - `\b` / `\B` use Java's word characters (Unicode letters and digits, and `_`).
 * Refused: possessive quantifiers, atomic groups, inline flags other than a leading (?i),
 * `\A \Z \z \G \Q \E \h \H \v \V \R \X`, class intersections (&&), nested classes, `\p{...}`
 * other than general categories, and non-ASCII text under (?i) (Java folds case only for ASCII
 * unless UNICODE_CASE is set). Anything JavaScript cannot compile is refused as well.
 */
import { EtlError } from '../errors/index.ts';

const JAVA_LINE_TERMINATORS = '\\n\\r\\u0085\\u2028\\u2029';
const DOT = `[^${JAVA_LINE_TERMINATORS}]`;
const DOLLAR = `(?=(?:\\r\\n|[${JAVA_LINE_TERMINATORS}])?$)`;
const SPACE_CHARS = '\\t\\n\\x0B\\f\\r ';
const WORD = '[\\p{L}\\p{Nd}_]';
const BOUNDARY = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
const NON_BOUNDARY = `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`;
const GENERAL_CATEGORY = /^(?:L|Lu|Ll|Lt|Lm|Lo|M|Mn|Mc|Me|N|Nd|Nl|No|P|Pc|Pd|Ps|Pe|Pi|Pf|Po|S|Sm|Sc|Sk|So|Z|Zs|Zl|Zp|C|Cc|Cf|Co|Cn)$/;

export interface TranslatedRegex {
  readonly source: string;
  readonly flags: string;
  /** Number of capturing groups. */
  readonly groups: number;
  readonly groupNames: readonly string[];
}

/** A Java pattern the local engine cannot run as Spark runs it (the analyzer reports it with the job file and step). */
export class JavaRegexError extends EtlError {
  override readonly name: string = 'JavaRegexError';
  readonly phase = 'analysis' as const;
}

/** Translates a Java pattern; throws JavaRegexError with a user-facing reason. */
export function translateJavaRegex(pattern: string): TranslatedRegex {
  let p = pattern;
  let flags = 'u';
  if (p.startsWith('(?i)')) {
    p = p.slice(4);
    flags += 'i';
    if (/[^\x00-\x7f]|\\[pPux]/.test(p)) {
      throw new JavaRegexError('case-insensitive (?i) matching of non-ASCII characters differs between Java (ASCII-only folding) and JavaScript; lower-case the input instead');
    }
  }
  let out = '';
  let inClass = false;
  let classStart = -1;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const e = p[i + 1];
      if (e === undefined) throw new JavaRegexError('the pattern ends with a lone backslash');
      i++;
      if ('AZzGQEhHvVRX'.includes(e)) throw new JavaRegexError(`\\${e} is Java-only or means something else in JavaScript`);
      if (e === 'p' || e === 'P') {
        const m = /^\{([A-Za-z]+)\}/.exec(p.slice(i + 1));
        if (!m || !GENERAL_CATEGORY.test(m[1])) {
          throw new JavaRegexError(`\\${e}${m ? `{${m[1]}}` : ''}: only Unicode general categories such as \\p{L} or \\p{Lu} read the same in Java and JavaScript`);
        }
        out += `\\${e}{${m[1]}}`;
        i += m[0].length;
        continue;
      }
      if (e === 's') out += inClass ? SPACE_CHARS : `[${SPACE_CHARS}]`;
      else if (e === 'S') {
        if (inClass) throw new JavaRegexError('\\S inside a character class is not supported; spell the class out');
        out += `[^${SPACE_CHARS}]`;
      } else if (e === 'b' && !inClass) out += BOUNDARY;
      else if (e === 'B' && !inClass) out += NON_BOUNDARY;
      else out += `\\${e}`;
      continue;
    }
    if (inClass) {
      if (c === '[') throw new JavaRegexError('nested character classes ([a[b]]) are Java-only');
      if (c === '&' && p[i + 1] === '&') throw new JavaRegexError('character class intersection (&&) is Java-only');
      if (c === ']' && i > classStart) inClass = false;
      out += c;
      continue;
    }
    switch (c) {
      case '[':
        inClass = true;
        out += c;
        if (p[i + 1] === '^') out += p[++i];
        classStart = i + 1; // a ']' right after '[' or '[^' is a literal in Java
        if (p[i + 1] === ']') {
          out += '\\]';
          i++;
        }
        break;
      case '.':
        out += DOT;
        break;
      case '$':
        out += DOLLAR;
        break;
      case '(':
        if (p[i + 1] === '?') {
          const rest = p.slice(i + 2);
          if (!/^(?::|=|!|<=|<!|<[A-Za-z])/.test(rest)) {
            throw new JavaRegexError(rest.startsWith('>') ? 'atomic groups (?>...) are Java-only' : 'inline flags other than a leading (?i) are not supported');
          }
        }
        out += c;
        break;
      case '*':
      case '+':
      case '?':
      case '}':
        if (p[i + 1] === '+') throw new JavaRegexError('possessive quantifiers (*+, ++, ?+, {n}+) are Java-only');
        out += c;
        break;
      default:
        out += c;
    }
  }
  let re: RegExp;
  try {
    re = new RegExp(`${out}|`, flags);
  } catch (e) {
    throw new JavaRegexError(`invalid regular expression: ${(e as Error).message}`);
  }
  const probe = re.exec('')!;
  return { source: out, flags, groups: probe.length - 1, groupNames: Object.keys(probe.groups ?? {}) };
}

/** The reason a Java pattern cannot run locally, or null. */
export function javaRegexProblem(pattern: string): string | null {
  try {
    translateJavaRegex(pattern);
    return null;
  } catch (e) {
    if (e instanceof JavaRegexError) return `the regular expression '${pattern}' cannot run locally as Spark runs it: ${e.message}`;
    throw e;
  }
}

export function javaRegExp(pattern: string, extraFlags = ''): RegExp {
  const t = translateJavaRegex(pattern);
  return new RegExp(t.source, t.flags + extraFlags);
}

/** A Java replacement string (`$1`, `${name}`, `\$`) parsed into literal text and group references. */
export type Replacement = readonly (string | number)[];

export function parseJavaReplacement(r: string, groups: number, groupNames: readonly string[]): Replacement {
  const parts: (string | number)[] = [];
  let text = '';
  for (let i = 0; i < r.length; i++) {
    const c = r[i];
    if (c === '\\') {
      if (++i >= r.length) throw new JavaRegexError('the replacement ends with a lone backslash');
      text += r[i];
    } else if (c === '$') {
      if (++i >= r.length) throw new JavaRegexError("the replacement ends with '$' (escape it as \\$)");
      let ref: number | string;
      if (r[i] === '{') {
        const end = r.indexOf('}', i);
        const name = end < 0 ? '' : r.slice(i + 1, end);
        if (!groupNames.includes(name)) throw new JavaRegexError(`the replacement refers to a group named '${name}' the pattern does not have`);
        ref = name;
        i = end;
      } else {
        const d = r.charCodeAt(i) - 48;
        if (d < 0 || d > 9) throw new JavaRegexError("'$' in the replacement must be followed by a group number (escape it as \\$)");
        let n = d;
        // Java reads further digits only while they still name an existing group.
        while (i + 1 < r.length) {
          const next = r.charCodeAt(i + 1) - 48;
          if (next < 0 || next > 9 || n * 10 + next > groups) break;
          n = n * 10 + next;
          i++;
        }
        if (n > groups) throw new JavaRegexError(`the replacement refers to group ${n}, but the pattern has ${groups}`);
        ref = n;
      }
      if (text) parts.push(text);
      text = '';
      parts.push(typeof ref === 'number' ? ref : `\u0000${ref}`);
    } else text += c;
  }
  if (text) parts.push(text);
  return parts;
}

/** Replaces every match as Java's Matcher.replaceAll does. */
export function javaReplaceAll(s: string, re: RegExp, replacement: Replacement): string {
  if (replacement.every((p) => typeof p === 'string' && p[0] !== '\u0000')) {
    const literal = replacement.join('');
    return s.replace(re, () => literal);
  }
  return s.replace(re, (...m: unknown[]) => {
    let out = '';
    const last = m[m.length - 1];
    const named = typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : {};
    for (const p of replacement) {
      if (typeof p === 'number') out += (m[p] as string | undefined) ?? '';
      else if (p[0] === '\u0000') out += named[p.slice(1)] ?? '';
      else out += p;
    }
    return out;
  });
}

/** Java's Pattern.split(s, -1): trailing empty strings kept, no empty leading string for a zero-width match at 0. */
export function javaSplit(s: string, re: RegExp): string[] {
  const out: string[] = [];
  let index = 0;
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const start = m.index;
    const end = start + m[0].length;
    if (end === start) re.lastIndex = end + ((s.codePointAt(end) ?? 0) > 0xffff ? 2 : 1);
    if (end === start && start === 0) continue;
    out.push(s.slice(index, start));
    index = end;
  }
  if (index === 0 && out.length === 0) return [s];
  out.push(s.slice(index));
  return out;
}
