/**
 * format_string(fmt, args...): Java's Formatter (Locale.US), which Spark 3.5 calls with the
 * arguments' internal values. The format must be a literal: the type rule reads it, checks each
 * conversion against its argument's type, and refuses what is not built here or what Java
 * rejects (so a job never fails on it at run time). Built, as Java does them:
 *
 * - %s %S: strings; booleans; ints; doubles as Double.toString, floats as Float.toString,
 *   decimals as BigDecimal.toString; a precision cuts the text.
 * - %b %B: "false" for null, the value of a boolean, "true" for anything else.
 * - %d: ints, with flags '-' '0' ',' '+' ' ' '('.  %x %X: ints in hex (two's complement, as
 *   Integer/Long.toHexString), flags '-' '0' '#'.
 * - %f %e %E: doubles and floats, precision 6 by default, rounded half up from the shortest
 *   decimal digits of the double (Java's FormattedFloatingDecimal: %.1f of 0.15 is 0.2), flags
 *   '-' '0' '+' ' ' '(' and, for %f, ','. NaN and Infinity are written as words.
 * - %% and %n (a line feed). A null argument is "null" (cut by a precision, upper-cased by %S %X %E).
 *
 * Refused: argument indexes (%1$s, %<s), date/time conversions (%t), %c %o %g %a %h, '#' other
 * than with %x, precision on %d and %x, flags or widths on %% and %n, and %s of dates and
 * timestamps (Spark passes the day or microsecond count), of binary and of nested values.
 */
import { makeColumn, type Column } from '../columnar/column.ts';
import { T, typeToString, type DataType } from '../schema/types.ts';
import { javaDoubleText, javaFloatText } from './cast.ts';
import { javaBigDecimalText } from './json.ts';
import { isValidAt, literalArg } from './kernel-util.ts';
import type { ArgInfo, ScalarFunction, TypeProblem } from './registry.ts';

interface Spec {
  readonly conversion: string;
  readonly flags: string;
  readonly width: number | null;
  readonly precision: number | null;
}

type Piece = string | Spec;

// Java's format specifier: %[index$][flags][width][.precision][t]conversion.
const SPECIFIER = /%(\d+\$)?([-#+ 0,(<]*)(\d+)?(\.\d+)?([tT])?([a-zA-Z%])/y;

/** Flags each built conversion accepts (Java rejects or ignores the others; lakeform refuses them). */
const ALLOWED_FLAGS: Readonly<Record<string, string>> = { s: '-', S: '-', b: '-', B: '-', d: "-0,+ (", x: '-0#', X: '-0#', f: "-0,+ (", e: '-0+ (', E: '-0+ (' };

const TEXT_TYPES = new Set(['string', 'boolean', 'int32', 'int64', 'float32', 'float64', 'decimal', 'null']);
const ARGUMENT_TYPES: Readonly<Record<string, ReadonlySet<string>>> = {
  s: TEXT_TYPES,
  S: TEXT_TYPES,
  b: new Set(['string', 'boolean', 'int32', 'int64', 'float32', 'float64', 'decimal', 'date', 'timestamp', 'null']),
  d: new Set(['int32', 'int64', 'null']),
  x: new Set(['int32', 'int64', 'null']),
  f: new Set(['float32', 'float64', 'null']),
  e: new Set(['float32', 'float64', 'null']),
};

/** The format's literal text and specifiers, or the problem with it. */
export function parseFormat(fmt: string): Piece[] | TypeProblem {
  const pieces: Piece[] = [];
  let text = '';
  for (let i = 0; i < fmt.length; ) {
    if (fmt[i] !== '%') {
      text += fmt[i++];
      continue;
    }
    SPECIFIER.lastIndex = i;
    const m = SPECIFIER.exec(fmt);
    const shown = m ? m[0] : fmt.slice(i, i + 2);
    const refuse = (why: string): TypeProblem => ({ problem: `the format specifier '${shown}' ${why}` });
    if (!m) return refuse("is not one Java's Formatter reads (Spark fails the job): write %% for a percent sign");
    const [, index, flags, width, precision, dateTime, conversion] = m;
    i += m[0].length;
    if (index !== undefined || flags.includes('<')) return refuse('uses an argument index, which is not supported: repeat the argument instead');
    if (dateTime !== undefined) return refuse('is a date/time conversion, which is not supported: format the value with dateFormat(...) and use %s');
    if (conversion === '%' || conversion === 'n') {
      if (flags || width || precision) return refuse('takes no flags, width or precision here: write it bare');
      text += conversion === '%' ? '%' : '\n';
      continue;
    }
    const allowed = ALLOWED_FLAGS[conversion];
    if (allowed === undefined) return refuse(`is the conversion %${conversion}, which is not supported (supported: %s %S %b %B %d %x %X %f %e %E %% %n)`);
    for (const f of flags) if (!allowed.includes(f)) return refuse(`has the flag '${f}', which %${conversion} does not take here (it takes ${[...allowed].map((x) => `'${x}'`).join(' ')})`);
    if (new Set(flags).size !== flags.length) return refuse('repeats a flag');
    if ((flags.includes('-') || flags.includes('0')) && width === undefined) return refuse(`needs a width with the flag '${flags.includes('-') ? '-' : '0'}'`);
    if (flags.includes('-') && flags.includes('0')) return refuse("has both '-' and '0'");
    if (flags.includes('+') && flags.includes(' ')) return refuse("has both '+' and ' '");
    if (precision !== undefined && 'dxX'.includes(conversion)) return refuse(`has a precision, which %${conversion} does not take`);
    if (text) pieces.push(text);
    text = '';
    pieces.push({ conversion, flags, width: width === undefined ? null : Number(width), precision: precision === undefined ? null : Number(precision.slice(1)) });
  }
  if (text) pieces.push(text);
  return pieces;
}

const specs = (pieces: readonly Piece[]) => pieces.filter((p): p is Spec => typeof p !== 'string');

function resolve(args: readonly ArgInfo[]): DataType | TypeProblem {
  const [fmt, ...values] = args;
  if (fmt.literal?.value === null) return T.string; // null, as in Spark
  if (fmt.literal === undefined || typeof fmt.literal.value !== 'string') return { problem: 'the format must be a string literal' };
  const pieces = parseFormat(fmt.literal.value);
  if (!Array.isArray(pieces)) return pieces;
  const wanted = specs(pieces);
  if (wanted.length > values.length) return { problem: `the format has ${wanted.length} specifiers but ${values.length} argument(s) follow it (Spark fails the job): pass one argument per specifier` };
  for (let k = 0; k < wanted.length; k++) {
    const { conversion } = wanted[k];
    const type = values[k].type;
    if (!ARGUMENT_TYPES[conversion.toLowerCase()].has(type.kind)) {
      const hint =
        type.kind === 'date' || type.kind === 'timestamp'
          ? ` (Spark would print its internal ${type.kind === 'date' ? 'day' : 'microsecond'} count): format it with dateFormat(...) first`
          : type.kind === 'decimal'
            ? ': cast it to a double, or use %s'
            : 'sdxX'.includes(conversion) && (type.kind === 'float64' || type.kind === 'float32')
              ? ': use %f or %s'
              : '';
      return { problem: `%${conversion} does not take argument ${k + 2}, a ${typeToString(type)}${hint || ' (Spark fails the job)'}` };
    }
  }
  return T.string;
}

/** Java's appendJustified: spaces to the width, on the left unless the '-' flag. */
function justified(s: string, spec: Spec): string {
  if (spec.width === null || s.length >= spec.width) return s;
  const pad = ' '.repeat(spec.width - s.length);
  return spec.flags.includes('-') ? s + pad : pad + s;
}

/** Java's localizedMagnitude: digits grouped by ',' when asked, zeros after the sign up to the width. */
function magnitude(prefix: string, digits: string, spec: Spec, width: number | null): string {
  const dot = digits.indexOf('.');
  const intEnd = dot === -1 ? digits.length : dot;
  let int = digits.slice(0, intEnd);
  if (spec.flags.includes(',')) int = int.replace(/\B(?=(\d{3})+$)/g, ',');
  let out = prefix + int + digits.slice(intEnd);
  if (width !== null && spec.flags.includes('0') && out.length < width) out = prefix + '0'.repeat(width - out.length) + out.slice(prefix.length);
  return out;
}

const leadingSign = (negative: boolean, spec: Spec) => (negative ? (spec.flags.includes('(') ? '(' : '-') : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '');
const trailingSign = (negative: boolean, spec: Spec) => (negative && spec.flags.includes('(') ? ')' : '');
/** Java's adjustWidth: the width less the closing parenthesis of a negative number. */
const numberWidth = (width: number | null, negative: boolean, spec: Spec) => (width !== null && negative && spec.flags.includes('(') ? width - 1 : width);

function integer(v: bigint, spec: Spec, type: DataType): string {
  if (spec.conversion === 'd') {
    const negative = v < 0n;
    const body = magnitude(leadingSign(negative, spec), (negative ? -v : v).toString(), spec, numberWidth(spec.width, negative, spec));
    return justified(body + trailingSign(negative, spec), spec);
  }
  // %x: Integer.toHexString / Long.toHexString, the two's complement of a negative value.
  let hex = BigInt.asUintN(type.kind === 'int32' ? 32 : 64, v).toString(16);
  const prefix = spec.flags.includes('#') ? '0x' : '';
  if (spec.flags.includes('0') && spec.width !== null) hex = hex.padStart(spec.width - prefix.length, '0');
  const s = prefix + hex;
  return justified(spec.conversion === 'X' ? s.toUpperCase() : s, spec);
}

/** |x| rounded half up to `decimals` places from its shortest decimal digits, as digit text with a point. */
function fixedDigits(x: number, decimals: number): string {
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  // |x| = digits * 10^(scale), scale = exp - (digits - 1)
  const scale = Number(exp) - (digits.length - 1);
  const shift = scale + decimals;
  const n = BigInt(digits);
  const scaled = shift >= 0 ? n * 10n ** BigInt(shift) : roundHalfUp(n, -shift);
  const text = scaled.toString().padStart(decimals + 1, '0');
  return decimals === 0 ? text : `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

function roundHalfUp(n: bigint, dropDigits: number): bigint {
  if (dropDigits > n.toString().length) return 0n;
  const d = 10n ** BigInt(dropDigits);
  const q = n / d;
  return (n % d) * 2n >= d ? q + 1n : q;
}

/** |x| in Java's %e form: mantissa rounded half up to `decimals` places, exponent with a sign and at least two digits. */
function scientificDigits(x: number, decimals: number): [string, string] {
  if (x === 0) return [fixedDigits(0, decimals), '+00'];
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  let exponent = Number(exp);
  let rounded = digits.length > decimals + 1 ? roundHalfUp(BigInt(digits), digits.length - decimals - 1).toString() : digits.padEnd(decimals + 1, '0');
  if (rounded.length > decimals + 1) {
    // 9.99.. rounded up to 10.0..: one more power of ten.
    rounded = rounded.slice(0, decimals + 1);
    exponent++;
  }
  const text = decimals === 0 ? rounded : `${rounded[0]}.${rounded.slice(1)}`;
  return [text, `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`];
}

function floating(x: number, spec: Spec): string {
  const upper = spec.conversion === 'E';
  if (Number.isNaN(x)) return justified(upper ? 'NAN' : 'NaN', spec);
  const negative = x < 0 || Object.is(x, -0);
  const lead = leadingSign(negative, spec);
  const decimals = spec.precision ?? 6;
  let body: string;
  if (!Number.isFinite(x)) body = lead + (upper ? 'INFINITY' : 'Infinity');
  else if (spec.conversion === 'f') body = magnitude(lead, fixedDigits(x, decimals), spec, numberWidth(spec.width, negative, spec));
  else {
    const [mantissa, exponent] = scientificDigits(x, decimals);
    body = `${magnitude(lead, mantissa, spec, numberWidth(spec.width === null ? null : spec.width - exponent.length - 1, negative, spec))}${upper ? 'E' : 'e'}${exponent}`;
  }
  return justified(body + trailingSign(negative, spec), spec);
}

/** Java's %s text of a Spark internal value (Object.toString of what Spark passes). */
function text(v: unknown, type: DataType): string {
  switch (type.kind) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'float32':
      return javaFloatText(v as number);
    case 'float64':
      return javaDoubleText(v as number);
    case 'decimal':
      return javaBigDecimalText(BigInt(v as bigint), type.scale);
    default:
      return String(v);
  }
}

/** One specifier applied to one argument value (null: the argument is null). */
function formatOne(spec: Spec, v: unknown, type: DataType): string {
  const c = spec.conversion;
  if (c === 'b' || c === 'B') {
    const s = v === null ? 'false' : type.kind === 'boolean' ? (v ? 'true' : 'false') : 'true';
    return cutAndJustify(c === 'B' ? s.toUpperCase() : s, spec);
  }
  if (v === null) return cutAndJustify(c === c.toUpperCase() ? 'NULL' : 'null', spec);
  if (c === 's' || c === 'S') return cutAndJustify(c === 'S' ? text(v, type).toUpperCase() : text(v, type), spec);
  if (c === 'd' || c === 'x' || c === 'X') return integer(BigInt(v as number | bigint), spec, type);
  return floating(v as number, spec);
}

/** Java's print(String): cut to the precision, then justified. */
function cutAndJustify(s: string, spec: Spec): string {
  return justified(spec.precision !== null && spec.precision < s.length ? s.slice(0, spec.precision) : s, spec);
}

export const formatString: ScalarFunction = {
  name: 'format_string',
  description: "format_string(fmt, args...): the arguments formatted as Java's Formatter does (%s %b %d %x %f %e with widths, precisions and flags); the format must be a literal",
  arity: [1, Infinity],
  resolve,
  kernel: (args, n) => {
    const [fmtColumn, ...values] = args;
    const fmt = literalArg<string>(fmtColumn);
    const data: string[] = new Array<string>(n).fill('');
    const valid = new Uint8Array(n);
    if (fmt === null) return makeColumn(T.string, data, valid);
    const pieces = parseFormat(fmt) as Piece[];
    for (let i = 0; i < n; i++) {
      let next = 0;
      data[i] = pieces
        .map((p) => {
          if (typeof p === 'string') return p;
          const col: Column = values[next++];
          return formatOne(p, isValidAt(col, i) ? (col.data as ArrayLike<unknown>)[i] : null, col.type);
        })
        .join('');
      valid[i] = 1;
    }
    return makeColumn(T.string, data, valid);
  },
  sql: (a) => `format_string(${a.join(', ')})`,
};
