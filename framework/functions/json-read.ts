/**
 * from_json's reading of JSON text, as Spark 3.5 reads it (JacksonParser with from_json's default
 * options, PERMISSIVE mode, spark.sql.json.enablePartialResults on, as it is by default).
 * Probed on PySpark 3.5; the rules:
 *
 * - Syntax is Jackson's with Spark's features: single-quoted strings and names allowed (and `\'`
 *   in strings), NaN, Infinity, +Infinity, -Infinity, +INF and -INF as numbers; no comments,
 *   unquoted names, leading zeros, leading `+` or `.`, trailing `.` or commas, nor raw control
 *   characters in strings. Whitespace is space, tab, CR and LF. Any syntax error inside the root
 *   value, a skipped field included, makes the whole record bad; text after the root value is
 *   never read.
 * - A field value that does not convert (a string for an int, 2^31 for an int, a fraction for a
 *   bigint, an object for an array) is null and the rest of its struct is kept (a partial
 *   result); an element of an array or a value of a map that does not convert makes the whole
 *   array or map fail, but a struct element that converts partly is kept as it is. Field names
 *   match exactly (case-sensitively); unknown fields are skipped; of duplicate fields the last
 *   one that converts wins.
 * - A string field takes any JSON value: a non-string as its JSON text re-written by Jackson
 *   (no spaces; numbers with a fraction or exponent as Java's Double.toString, NaN and the
 *   infinities quoted; integers as written).
 * - A double takes numbers and the strings "NaN", "Infinity", "+Infinity", "+INF", "-Infinity",
 *   "-INF"; a decimal takes numbers and strings (commas dropped: "1,234.5") rounded half up to
 *   its scale, null when it does not fit; int and bigint take integer numbers in range; boolean
 *   takes true and false.
 * - At the root: empty or blank text is null. A struct schema gives, for a bad record (malformed
 *   text, a root that is not an object, `null`), a struct of all nulls. An array or map schema
 *   gives null; an array of structs also takes a single object, as an array of one.
 */
import { DataValueError } from '../errors/index.ts';
import { type DataType } from '../schema/types.ts';
import { javaDoubleText } from './cast.ts';
import { fitDecimal, rescale } from './decimal-arith.ts';

type JsonNode =
  | { readonly t: 'object'; readonly members: readonly (readonly [string, JsonNode])[] }
  | { readonly t: 'array'; readonly items: readonly JsonNode[] }
  | { readonly t: 'string'; readonly v: string }
  /** An integer token, as written. */
  | { readonly t: 'int'; readonly text: string }
  /** A number with a fraction or exponent, or a non-numeric one (NaN, ...: `named`). */
  | { readonly t: 'float'; readonly text: string; readonly named: boolean }
  | { readonly t: 'true' | 'false' | 'null' };

class Malformed extends Error {}

const SHORT_ESCAPES: Readonly<Record<number, string>> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

/**
 * A string as Jackson's generator writes it: \" \\ \b \f \n \r \t, \u00XX for other control characters,
 * the rest as is (Spark's to_json). When Jackson copies a parsed value (from_json's string fields),
 * it also writes every UTF-16 surrogate as \uXXXX: an emoji is "\uD83D\uDE00" there.
 */
export function jsonString(s: string, escapeSurrogates = false): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const escaped = c < 0x20 || (escapeSurrogates && c >= 0xd800 && c <= 0xdfff);
    out += SHORT_ESCAPES[c] ?? (escaped ? `\\u${c.toString(16).toUpperCase().padStart(4, '0')}` : s[i]);
  }
  return `${out}"`;
}

const NAMED_NUMBERS = ['NaN', 'Infinity', '+Infinity', '-Infinity', '+INF', '-INF'];
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', "'": "'", b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
/** Jackson 2.15's StreamReadConstraints: longer integers make the record bad; deeper nesting is refused below. */
const MAX_INTEGER_DIGITS = 1000;
const MAX_DEPTH = 1000;

/** Reads the first JSON value of the text (Jackson's syntax with Spark's features); null when the text is blank. */
function readRoot(text: string): JsonNode | null {
  let pos = 0;
  const malformed = (): never => {
    throw new Malformed();
  };
  const skipSpace = () => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos])) pos++;
  };
  const str = (quote: string): string => {
    let out = '';
    for (pos++; ; pos++) {
      if (pos >= text.length) return malformed();
      const c = text[pos];
      if (c === quote) {
        pos++;
        return out;
      }
      if (c.charCodeAt(0) < 0x20) return malformed();
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[++pos];
      if (e === 'u') {
        const hex = text.slice(pos + 1, pos + 5);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) return malformed();
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 4;
      } else out += ESCAPES[e] ?? malformed();
    }
  };
  const value = (depth: number): JsonNode => {
    skipSpace();
    const c = text[pos];
    if ((c === '{' || c === '[') && depth === MAX_DEPTH) {
      // Spark nulls the field or the record, depending on where Jackson's limit trips: not reproduced.
      throw new DataValueError(`from_json: JSON nested deeper than ${MAX_DEPTH} levels, where Spark's reader stops at its nesting limit`, 'flatten the JSON before reading it, or keep it as a string');
    }
    if (c === '{') {
      pos++;
      const members: [string, JsonNode][] = [];
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return { t: 'object', members };
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"' && text[pos] !== "'") return malformed();
        const name = str(text[pos]);
        skipSpace();
        if (text[pos++] !== ':') return malformed();
        members.push([name, value(depth + 1)]);
        skipSpace();
        const next = text[pos++];
        if (next === '}') return { t: 'object', members };
        if (next !== ',') return malformed();
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonNode[] = [];
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return { t: 'array', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        skipSpace();
        const next = text[pos++];
        if (next === ']') return { t: 'array', items };
        if (next !== ',') return malformed();
      }
    }
    if (c === '"' || c === "'") return { t: 'string', v: str(c) };
    for (const word of ['true', 'false', 'null'] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return { t: word };
      }
    }
    const named = NAMED_NUMBERS.find((w) => text.startsWith(w, pos));
    if (named) {
      pos += named.length;
      return { t: 'float', text: named, named: true };
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return malformed();
    pos += m[0].length;
    if (m[2] === undefined && m[3] === undefined && m[1].length > MAX_INTEGER_DIGITS) return malformed();
    // A digit right after the number is a leading zero (01), which Jackson refuses.
    if (/[0-9]/.test(text[pos] ?? '')) return malformed();
    return m[2] === undefined && m[3] === undefined ? { t: 'int', text: m[0] } : { t: 'float', text: m[0], named: false };
  };
  skipSpace();
  if (pos === text.length) return null;
  return value(0);
}

/** A value that did not convert: its struct field is null, an array or map holding it fails as a whole. */
const FAIL = Symbol('fail');
type Converted = unknown;

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function doubleOf(n: JsonNode): number | typeof FAIL {
  // An integer token converts through its exact value (Jackson's int or BigInteger): "-0" is 0.0.
  if (n.t === 'int') return Number(BigInt(n.text));
  if (n.t === 'float') return n.text === '-INF' ? -Infinity : n.text === '+INF' ? Infinity : Number(n.text);
  if (n.t !== 'string') return FAIL;
  if (n.v === 'NaN') return Number.NaN;
  if (n.v === 'Infinity' || n.v === '+Infinity' || n.v === '+INF') return Infinity;
  if (n.v === '-Infinity' || n.v === '-INF') return -Infinity;
  return FAIL;
}

const INT_LIMIT = 2 ** 31;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Java's new BigDecimal(text), rounded half up to `scale` and fitted to `precision` (Spark's Decimal.set). */
function decimalOf(text: string, precision: number, scale: number): bigint | typeof FAIL {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return FAIL;
  const fraction = m[3] ?? '';
  const exponent = Number(m[4] ?? 0);
  // Java refuses an exponent, or a resulting scale, beyond an int.
  const valueScale = fraction.length - exponent;
  if (Math.abs(exponent) >= INT_LIMIT || Math.abs(valueScale) >= INT_LIMIT) return FAIL;
  const digits = BigInt(m[2] + fraction);
  const sign = m[1] === '-' ? -1n : 1n;
  if (digits === 0n) return 0n;
  const significant = digits.toString().length;
  // Far below half a unit of the scale it rounds to 0; far above 10^38 it cannot fit (without building 10^huge).
  if (valueScale > scale + significant + 1) return 0n;
  if (significant - valueScale > precision - scale + 1) return FAIL;
  return fitDecimal(sign * rescale(digits, valueScale, scale), precision) ?? FAIL;
}

/** Jackson's copyCurrentStructure of a value: its JSON text as Spark's string fields hold it. */
function rewritten(n: JsonNode): string {
  switch (n.t) {
    case 'object':
      return `{${n.members.map(([k, v]) => `${jsonString(k, true)}:${rewritten(v)}`).join(',')}}`;
    case 'array':
      return `[${n.items.map(rewritten).join(',')}]`;
    case 'string':
      return jsonString(n.v, true);
    case 'int':
      return BigInt(n.text).toString();
    case 'float': {
      const x = doubleOf(n) as number;
      return Number.isFinite(x) ? javaDoubleText(x) : `"${javaDoubleText(x)}"`;
    }
    default:
      return n.t;
  }
}

function convert(n: JsonNode, type: DataType): Converted | typeof FAIL {
  if (n.t === 'null') return null;
  switch (type.kind) {
    case 'string':
      // Spark stores the text as UTF-8, where Java writes an unpaired surrogate (from a \uD800 escape) as '?'.
      return n.t === 'string' ? n.v.replace(LONE_SURROGATE, '?') : rewritten(n);
    case 'boolean':
      return n.t === 'true' ? 1 : n.t === 'false' ? 0 : FAIL;
    case 'int32':
    case 'int64': {
      if (n.t !== 'int') return FAIL;
      const v = BigInt(n.text);
      const [lo, hi] = type.kind === 'int32' ? [INT_MIN, INT_MAX] : [LONG_MIN, LONG_MAX];
      return v < lo || v > hi ? FAIL : type.kind === 'int32' ? Number(v) : v;
    }
    case 'float64':
      return doubleOf(n);
    case 'decimal':
      if ((n.t === 'float' && !n.named) || n.t === 'int') return decimalOf(n.text, type.precision, type.scale);
      // Spark's decimal parser for the en-US locale drops grouping commas.
      return n.t === 'string' ? decimalOf(n.v.replaceAll(',', ''), type.precision, type.scale) : FAIL;
    case 'array': {
      if (n.t !== 'array') return FAIL;
      const out: unknown[] = [];
      for (const item of n.items) {
        const v = convert(item, type.element);
        if (v === FAIL) return FAIL;
        out.push(v);
      }
      return out;
    }
    case 'map': {
      if (n.t !== 'object') return FAIL;
      const out: Record<string, unknown> = {};
      for (const [k, item] of n.members) {
        const v = convert(item, type.value);
        if (v === FAIL) return FAIL;
        if (Object.hasOwn(out, k)) {
          throw new DataValueError(
            `from_json: the JSON object ${rewritten(n)} repeats the key ${JSON.stringify(k)}, which Spark keeps twice in the map it gives; a lakeform map holds one value per key`,
            'read the field as a struct of its known keys, or as a string',
          );
        }
        out[k] = v;
      }
      return out;
    }
    case 'struct': {
      // A field that does not convert stays null (or keeps an earlier duplicate's value): a partial result.
      if (n.t !== 'object') return FAIL;
      const out: Record<string, unknown> = Object.fromEntries(type.fields.map((f) => [f.name, null]));
      for (const [k, item] of n.members) {
        const f = type.fields.find((x) => x.name === k);
        const v = f ? convert(item, f.type) : FAIL;
        if (v !== FAIL) out[k] = v;
      }
      return out;
    }
    default:
      // The type rule refuses every other type.
      return FAIL;
  }
}

/** from_json of one string: the value in storage form, or null. */
export function readJson(text: string, type: DataType): unknown {
  const badRecord = type.kind === 'struct' ? Object.fromEntries(type.fields.map((f) => [f.name, null])) : null;
  let root: JsonNode | null;
  try {
    root = readRoot(text);
  } catch (e) {
    if (e instanceof Malformed) return badRecord;
    throw e;
  }
  if (root === null) return null;
  if (type.kind === 'array' && type.element.kind === 'struct' && root.t === 'object') root = { t: 'array', items: [root] };
  const wanted = type.kind === 'struct' || type.kind === 'map' ? 'object' : 'array';
  if (root.t !== wanted) return badRecord;
  const v = convert(root, type);
  return v === FAIL ? badRecord : v;
}
