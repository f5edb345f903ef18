/**
 * JSON lines reader: plain or gzip, streamed, parsed by a byte-level scanner straight into the
 * columns of the declared schema (no object per row, no JSON.parse).
 *
 * Decisions:
 * - Compression is decided by the file's magic bytes (1f 8b), not its name: a file named .gz
 *   that is not gzip is read as plain text (its lines then fail or pass on their own merits),
 *   and an uncompressed Firehose object without extension is read too. Multi-member gzip (as
 *   Firehose concatenates) is read to the end. A truncated or corrupt gzip stream is an
 *   InputFileError naming the file and the last line read (the rows before it were already
 *   delivered; failing beats silently dropping the tail). Small files are inflated on libuv's
 *   thread pool, the next while this one is parsed; parsing stays on the calling thread.
 * - Lines end at LF; a CR before it is dropped; a UTF-8 BOM at the start of a file is skipped;
 *   blank and whitespace-only lines are skipped (they still count for line numbers); the last
 *   line needs no newline.
 * - JSON is strict, as Spark with allowNonNumericNumbers=false, allowSingleQuotes=false: NaN,
 *   Infinity, single quotes, unescaped control characters, trailing commas and invalid UTF-8
 *   make the line a bad record. Duplicate keys: the last one wins (as Spark). Unknown fields are
 *   skipped (their syntax is still checked). Field names match the schema exactly (case-sensitive).
 * - A non-string JSON value in a string column becomes its compact JSON text (as Spark).
 * - Numbers are taken from their digits: int64 is exact beyond 2^53; decimals are exact.
 * Bad records carry the file, the 1-based line, the reason (naming the column) and the raw line.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { createGunzip, gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { allocData, makeColumn, type Batch, type Column, type ColumnData } from '../columnar/column.ts';
import { typeToString, type DataType, type Field } from '../schema/types.ts';
import { BadRecordError, InputFileError, sourceName, type BadRecord, type ReadOptions, type ReadSource } from './types.ts';
import { escapeControlCharacters } from '../errors/index.ts';
import {
  JsonNumber, describeJson, enumReason, jsonText, parseBase64, parseDate, parseDecimal,
  parseInt32, parseInt64, parseTimestamp, type JsonValue,
} from './values.ts';
import { daysFromCivil, daysInMonth } from '../columnar/calendar.ts';

const RAW_LIMIT = 4096;
const INTERN_MAX = 24;
const INTERN_SLOTS = 4096;
const MAX_DEPTH = 64;
/** Files up to this size are read in one call (many small Firehose objects make stream set-up dominate). */
const WHOLE_FILE_LIMIT = 4 << 20;
const DAMAGED_HINT = 'the file was cut short or corrupted: re-download it, or remove it from the input';

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A reason a line is bad; thrown inside the scanner, caught per line. */
class LineError {
  constructor(readonly reason: string) {}
}

// ---------- column storage written by row index (so a duplicate key can overwrite)

interface Slot {
  readonly field: Field;
  readonly kind: DataType['kind'];
  readonly enumSet: ReadonlySet<string> | null;
  data: ColumnData;
  /** For 64-bit columns, an Int32Array over the same memory: writing two halves allocates no BigInt. */
  words: Int32Array | null;
  valid: Uint8Array;
  /** The line stamp of the last value written to the current row. */
  stamp: number;
}

function allocSlots(fields: readonly Field[], capacity: number): Slot[] {
  return fields.map((f) => {
    const data = allocData(f.type, capacity);
    return {
      field: f,
      kind: f.type.kind,
      enumSet: f.enumValues ? new Set(f.enumValues) : null,
      data,
      words: data instanceof BigInt64Array ? new Int32Array(data.buffer) : null,
      valid: new Uint8Array(capacity),
      stamp: -1,
    };
  });
}

const TWO_32 = 4294967296;

/** Stores a safe integer into a BigInt64Array slot through its Int32Array view (little-endian, as every Node platform). */
function setInt64(words: Int32Array, row: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  words[2 * row] = (v - hi * TWO_32) | 0;
  words[2 * row + 1] = hi;
}

// ---------- the scanner

const enum C {
  TAB = 9, LF = 10, CR = 13, SPACE = 32, QUOTE = 34, PLUS = 43, COMMA = 44, MINUS = 45, DOT = 46, ZERO = 48, NINE = 57,
  COLON = 58, E_UP = 69, LBRACKET = 91, BACKSLASH = 92, RBRACKET = 93, E_LOW = 101, LBRACE = 123, RBRACE = 125,
}

/**
 * Field lookup by the bytes of a key: a hash of (length, first, last byte), then a byte compare.
 * Objects of one stream mostly repeat their keys in the same order, so the field that was at a
 * key's position in the last object is tried first, by a byte compare alone.
 */
class FieldIndex {
  private readonly buckets = new Map<number, number[]>();
  private readonly names: Buffer[];
  private readonly byName: Map<string, number>;
  /** Per key position, the field found there in the last object (-1: none to try). */
  private readonly lastOrder: Int32Array;
  /** Whether a name's JSON text is its bytes (no quote, backslash or control character to escape). */
  private readonly plain: boolean[];
  constructor(fields: readonly Field[]) {
    this.names = fields.map((f) => Buffer.from(f.name, 'utf8'));
    this.byName = new Map(fields.map((f, i) => [f.name, i]));
    this.lastOrder = new Int32Array(fields.length).fill(-1);
    this.plain = this.names.map((b) => b.every((c) => c >= 0x20 && c !== C.QUOTE && c !== C.BACKSLASH));
    this.names.forEach((b, i) => {
      if (b.length === 0) return;
      const h = FieldIndex.hash(b, 0, b.length);
      const list = this.buckets.get(h);
      if (list) list.push(i);
      else this.buckets.set(h, [i]);
    });
  }
  static hash(buf: Uint8Array, s: number, e: number): number {
    return (e - s) * 65536 + buf[s] * 256 + buf[e - 1];
  }
  find(buf: Uint8Array, s: number, e: number): number {
    if (e === s) return this.byName.get('') ?? -1;
    const list = this.buckets.get(FieldIndex.hash(buf, s, e));
    if (list === undefined) return -1;
    outer: for (let k = 0; k < list.length; k++) {
      const name = this.names[list[k]];
      for (let j = 1; j < name.length - 1; j++) if (name[j] !== buf[s + j]) continue outer;
      return list[k];
    }
    return -1;
  }
  findName(name: string): number {
    return this.byName.get(name) ?? -1;
  }
  /**
   * With `s` just after the opening quote of key number `position`: the field that was at that
   * position in the last object when this key is exactly its name (closing quote included), else -1.
   */
  predicted(buf: Uint8Array, s: number, end: number, position: number): number {
    if (position >= this.lastOrder.length) return -1;
    const fi = this.lastOrder[position];
    if (fi < 0) return -1;
    const name = this.names[fi];
    const n = name.length;
    if (s + n >= end || buf[s + n] !== C.QUOTE) return -1;
    for (let j = 0; j < n; j++) if (name[j] !== buf[s + j]) return -1;
    return fi;
  }
  nameLength(fi: number): number {
    return this.names[fi].length;
  }
  remember(position: number, fi: number): void {
    if (position < this.lastOrder.length) this.lastOrder[position] = fi >= 0 && this.plain[fi] ? fi : -1;
  }
}

/** The field index of each struct type (types are immutable, so one per type object). */
const structIndexes = new WeakMap<DataType, FieldIndex>();
function structIndex(type: Extract<DataType, { kind: 'struct' }>): FieldIndex {
  let index = structIndexes.get(type);
  if (index === undefined) structIndexes.set(type, (index = new FieldIndex(type.fields)));
  return index;
}

/** Node's Buffer has these (undocumented, stable since Node 0.x) methods: toString() without its argument checks. */
type SliceBuffer = Buffer & { utf8Slice(start: number, end: number): string; latin1Slice(start: number, end: number): string };

class Scanner {
  buf = Buffer.alloc(0) as SliceBuffer;
  p = 0;
  end = 0;

  constructor(private readonly index: FieldIndex) {}

  /**
   * Paths of the lenient values read as null on the current line (`amount`, `device.os`): counted
   * only when the line becomes a row; a duplicate key drops those of the value it replaces.
   */
  readonly nulled: string[] = [];

  fail(reason: string): never {
    throw new LineError(reason);
  }

  ws(): void {
    const b = this.buf;
    let p = this.p;
    while (p < this.end) {
      const c = b[p];
      if (c === C.SPACE || c === C.TAB || c === C.CR || c === C.LF) p++;
      else break;
    }
    this.p = p;
  }

  truncated(): never {
    return this.fail('invalid JSON: unexpected end of line (truncated record?)');
  }

  unexpected(what: string): never {
    if (this.p >= this.end) this.truncated();
    const c = this.buf[this.p];
    const shown = c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
    return this.fail(`invalid JSON at column ${this.p - this.lineStart + 1}: expected ${what}, found ${shown}`);
  }

  lineStart = 0;

  /** At an opening quote: the string's end (index of the closing quote) and whether it has escapes. */
  private escaped = false;
  stringEnd(): number {
    const b = this.buf;
    let p = this.p + 1;
    let esc = false;
    for (;;) {
      if (p >= this.end) this.fail('invalid JSON: unterminated string (truncated record?)');
      const c = b[p];
      if (c === C.QUOTE) break;
      if (c === C.BACKSLASH) {
        esc = true;
        p += 2;
        continue;
      }
      if (c < 0x20) {
        this.p = p;
        this.fail(`invalid JSON at column ${p - this.lineStart + 1}: control character in a string (an unescaped tab or newline?)`);
      }
      p++;
    }
    this.escaped = esc;
    return p;
  }

  /** Where the last key read by `key` starts (after its opening quote), to name it in messages. */
  private keyStart = 0;

  /** At a key's opening quote: its field in `index` (-1 for none), with p after the closing quote. */
  key(index: FieldIndex, position: number): number {
    const s = this.p + 1;
    this.keyStart = s;
    let fi = index.predicted(this.buf, s, this.end, position);
    if (fi >= 0) {
      this.p = s + index.nameLength(fi) + 1;
      return fi;
    }
    const e = this.stringEnd();
    fi = this.escaped ? index.findName(this.unescape(s, e)) : index.find(this.buf, s, e);
    index.remember(position, fi);
    this.p = e + 1;
    return fi;
  }

  /** The text of the last key read by `key`. */
  keyText(): string {
    const p = this.p;
    this.p = this.keyStart - 1;
    const text = this.string();
    this.p = p;
    return text;
  }

  /** Reads a string at an opening quote. */
  string(): string {
    const e = this.stringEnd();
    const s = this.p + 1;
    this.p = e + 1;
    if (this.escaped) return this.unescape(s, e);
    return e - s <= INTERN_MAX ? this.intern(s, e) : this.buf.utf8Slice(s, e);
  }

  /**
   * Short strings repeat (event types, page names, map keys): a small cache keyed by a hash of
   * the bytes returns the same string without decoding or allocating.
   */
  private readonly internBytes: (Uint8Array | undefined)[] = new Array(INTERN_SLOTS);
  private readonly internStrings: string[] = new Array(INTERN_SLOTS).fill('');
  intern(s: number, e: number): string {
    const b = this.buf;
    let h = e - s;
    for (let k = s; k < e; k++) h = Math.imul(h ^ b[k], 0x01000193);
    h = (h ^ (h >>> 15)) & (INTERN_SLOTS - 1);
    const cached = this.internBytes[h];
    if (cached !== undefined && cached.length === e - s) {
      let k = 0;
      while (k < cached.length && cached[k] === b[s + k]) k++;
      if (k === cached.length) return this.internStrings[h];
    }
    const str = b.utf8Slice(s, e);
    this.internBytes[h] = new Uint8Array(b.subarray(s, e)); // a copy: the chunk must not be retained
    this.internStrings[h] = str;
    return str;
  }

  unescape(s: number, e: number): string {
    const b = this.buf;
    let out = '';
    let run = s;
    for (let p = s; p < e; ) {
      if (b[p] !== C.BACKSLASH) {
        p++;
        continue;
      }
      out += b.utf8Slice(run, p);
      const c = b[p + 1];
      p += 2;
      switch (c) {
        case 0x22: out += '"'; break;
        case 0x5c: out += '\\'; break;
        case 0x2f: out += '/'; break;
        case 0x62: out += '\b'; break;
        case 0x66: out += '\f'; break;
        case 0x6e: out += '\n'; break;
        case 0x72: out += '\r'; break;
        case 0x74: out += '\t'; break;
        case 0x75: {
          const hex = b.latin1Slice(p, Math.min(p + 4, e));
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`invalid JSON: bad \\u escape '\\u${hex}'`);
          out += String.fromCharCode(parseInt(hex, 16));
          p += 4;
          break;
        }
        default:
          this.fail(`invalid JSON: bad escape '\\${c === undefined ? '' : c > 0x20 && c < 0x7f ? String.fromCharCode(c) : `' followed by byte 0x${c.toString(16).padStart(2, '0')}`}'`);
      }
      run = p;
    }
    out += b.utf8Slice(run, e);
    // A lone surrogate from a \u escape is not Unicode text: written out it would become U+FFFD
    // here and '?' in Spark, so neither engine keeps it (the driver refuses it likewise).
    if (UNPAIRED_SURROGATE.test(out)) this.fail('invalid JSON: a \\u escape makes an unpaired surrogate, which is not Unicode text');
    return out;
  }

  /** At '-' or a digit: the number's end; `integral` tells whether it had no fraction or exponent. */
  private integral = true;
  numberEnd(): number {
    const b = this.buf;
    let p = this.p;
    const end = this.end;
    if (b[p] === C.MINUS) p++;
    if (p >= end) this.truncated();
    if (b[p] === C.ZERO) p++;
    else if (b[p] > C.ZERO && b[p] <= C.NINE) while (p < end && b[p] >= C.ZERO && b[p] <= C.NINE) p++;
    else if (b[p] === 0x49 /* I */) this.fail('invalid JSON: NaN and Infinity are not JSON numbers');
    else {
      this.p = p;
      this.unexpected('a digit');
    }
    let integral = true;
    if (b[p] === C.DOT) {
      integral = false;
      p++;
      const d = p;
      while (p < end && b[p] >= C.ZERO && b[p] <= C.NINE) p++;
      if (p === d) {
        this.p = p;
        this.unexpected('a digit after the decimal point');
      }
    }
    if (b[p] === C.E_LOW || b[p] === C.E_UP) {
      integral = false;
      p++;
      if (b[p] === C.PLUS || b[p] === C.MINUS) p++;
      const d = p;
      while (p < end && b[p] >= C.ZERO && b[p] <= C.NINE) p++;
      if (p === d) {
        this.p = p;
        this.unexpected('a digit in the exponent');
      }
    }
    this.integral = integral;
    return p;
  }

  literal(word: string, value: JsonValue): JsonValue {
    const b = this.buf;
    for (let k = 0; k < word.length; k++) {
      if (b[this.p + k] !== word.charCodeAt(k)) {
        if (this.p + k >= this.end) this.truncated();
        if (word === 'null' && b[this.p] === 0x4e /* N */) this.fail('invalid JSON: NaN and Infinity are not JSON numbers');
        this.unexpected('a JSON value');
      }
    }
    this.p += word.length;
    return value;
  }

  /** Any JSON value as a tree (numbers as text). Used for nested types and unusual tokens. */
  any(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(`invalid JSON: nesting deeper than ${MAX_DEPTH} levels`);
    this.ws();
    if (this.p >= this.end) this.truncated();
    const b = this.buf;
    const c = b[this.p];
    switch (c) {
      case C.QUOTE:
        return this.string();
      case C.LBRACE: {
        this.p++;
        const obj: Record<string, JsonValue> = Object.create(null) as Record<string, JsonValue>;
        this.ws();
        if (b[this.p] === C.RBRACE) {
          this.p++;
          return obj;
        }
        for (;;) {
          this.ws();
          if (b[this.p] !== C.QUOTE) this.unexpected('a field name in double quotes');
          const key = this.string();
          this.ws();
          if (b[this.p] !== C.COLON) this.unexpected(`':' after "${key}"`);
          this.p++;
          obj[key] = this.any(depth + 1);
          this.ws();
          if (b[this.p] === C.COMMA) {
            this.p++;
            continue;
          }
          if (b[this.p] === C.RBRACE) {
            this.p++;
            return obj;
          }
          this.unexpected("',' or '}'");
        }
      }
      case C.LBRACKET: {
        this.p++;
        const arr: JsonValue[] = [];
        this.ws();
        if (b[this.p] === C.RBRACKET) {
          this.p++;
          return arr;
        }
        for (;;) {
          arr.push(this.any(depth + 1));
          this.ws();
          if (b[this.p] === C.COMMA) {
            this.p++;
            continue;
          }
          if (b[this.p] === C.RBRACKET) {
            this.p++;
            return arr;
          }
          this.unexpected("',' or ']'");
        }
      }
      case 0x74:
        return this.literal('true', true);
      case 0x66:
        return this.literal('false', false);
      case 0x6e:
        return this.literal('null', null);
      case 0x27:
        return this.fail('invalid JSON: strings must use double quotes');
      case 0x4e: // N
      case 0x49: // I
        return this.fail('invalid JSON: NaN and Infinity are not JSON numbers');
      default: {
        if (c === C.MINUS || (c >= C.ZERO && c <= C.NINE)) {
          const s = this.p;
          const e = this.numberEnd();
          this.p = e;
          return new JsonNumber(this.buf.latin1Slice(s, e));
        }
        return this.unexpected('a JSON value');
      }
    }
  }

  /** Skips a value, checking its syntax, without building it. */
  skip(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`invalid JSON: nesting deeper than ${MAX_DEPTH} levels`);
    const b = this.buf;
    const c = b[this.p];
    if (c === C.QUOTE) {
      const e = this.stringEnd();
      if (this.escaped) this.unescape(this.p + 1, e);
      this.p = e + 1;
      return;
    }
    if (c === C.MINUS || (c >= C.ZERO && c <= C.NINE)) {
      this.p = this.numberEnd();
      return;
    }
    if (c === C.LBRACE) {
      this.p++;
      this.ws();
      if (b[this.p] === C.RBRACE) {
        this.p++;
        return;
      }
      for (;;) {
        this.ws();
        if (b[this.p] !== C.QUOTE) this.unexpected('a field name in double quotes');
        this.skip(depth + 1);
        this.ws();
        if (b[this.p] !== C.COLON) this.unexpected("':'");
        this.p++;
        this.ws();
        this.skip(depth + 1);
        this.ws();
        if (b[this.p] === C.COMMA) {
          this.p++;
          continue;
        }
        if (b[this.p] === C.RBRACE) {
          this.p++;
          return;
        }
        this.unexpected("',' or '}'");
      }
    }
    if (c === C.LBRACKET) {
      this.p++;
      this.ws();
      if (b[this.p] === C.RBRACKET) {
        this.p++;
        return;
      }
      for (;;) {
        this.ws();
        this.skip(depth + 1);
        this.ws();
        if (b[this.p] === C.COMMA) {
          this.p++;
          continue;
        }
        if (b[this.p] === C.RBRACKET) {
          this.p++;
          return;
        }
        this.unexpected("',' or ']'");
      }
    }
    this.any(depth);
  }

  /** Parses one line into row `row` of the slots. Returns false for a blank line. */
  line(slots: Slot[], row: number, stamp: number): boolean {
    const b = this.buf;
    if (this.nulled.length !== 0) this.nulled.length = 0;
    this.ws();
    if (this.p >= this.end) return false;
    if (b[this.p] !== C.LBRACE) {
      const v = this.any(0);
      this.ws();
      if (this.p < this.end) this.unexpected('the end of the line');
      this.fail(`expected a JSON object, got ${describeJson(v)}`);
    }
    this.p++;
    this.ws();
    if (b[this.p] === C.RBRACE) this.p++;
    else {
      for (let position = 0; ; position++) {
        this.ws();
        if (b[this.p] !== C.QUOTE) this.unexpected(b[this.p] === 0x27 ? 'a field name in double quotes (strings must use double quotes)' : 'a field name in double quotes');
        const fi = this.key(this.index, position);
        this.ws();
        if (b[this.p] !== C.COLON) this.unexpected("':'");
        this.p++;
        this.ws();
        if (this.p >= this.end) this.truncated();
        if (fi < 0) this.skip(1);
        else {
          const slot = slots[fi];
          if (slot.stamp === stamp) this.replaced(slot.field.name);
          if (!slot.field.lenient) this.value(slot, row, stamp);
          else if (this.orNull(slot.field.name, () => (this.value(slot, row, stamp), true)) === null) {
            slot.stamp = stamp;
            slot.valid[row] = 0;
          }
        }
        this.ws();
        const c = b[this.p];
        if (c === C.COMMA) {
          this.p++;
          continue;
        }
        if (c === C.RBRACE) {
          this.p++;
          break;
        }
        this.unexpected("',' or '}'");
      }
    }
    this.ws();
    if (this.p < this.end) this.unexpected('the end of the line after the record (two records on one line?)');
    return true;
  }

  /** Parses the value at p into the slot's row. */
  value(slot: Slot, row: number, stamp: number): void {
    const b = this.buf;
    const c = b[this.p];
    slot.stamp = stamp;
    if (c === 0x6e /* n */) {
      this.literal('null', null);
      if (!slot.field.nullable) this.fail(`${slot.field.name}: required field is null`);
      slot.valid[row] = 0;
      return;
    }
    switch (slot.kind) {
      case 'string': {
        const s = c === C.QUOTE ? this.string() : jsonText(this.any(1));
        if (slot.enumSet !== null && !slot.enumSet.has(s)) this.fail(`${slot.field.name}: ${enumReason(s, slot.enumSet)}`);
        (slot.data as string[])[row] = s;
        break;
      }
      case 'int64':
      case 'int32': {
        if (c !== C.MINUS && (c < C.ZERO || c > C.NINE)) this.mismatch(slot);
        const s = this.p;
        const e = this.numberEnd();
        this.p = e;
        if (this.integral && e - s < 16) {
          let v = 0;
          let k = b[s] === C.MINUS ? s + 1 : s;
          for (; k < e; k++) v = v * 10 + (b[k] - C.ZERO);
          if (b[s] === C.MINUS) v = -v;
          if (slot.kind === 'int64') setInt64(slot.words!, row, v);
          else if (v < -2147483648 || v > 2147483647) this.fail(`${slot.field.name}: ${parseInt32(b.latin1Slice(s, e))}`);
          else (slot.data as Int32Array)[row] = v;
        } else {
          const r = slot.kind === 'int64' ? parseInt64(b.latin1Slice(s, e)) : parseInt32(b.latin1Slice(s, e));
          if (typeof r === 'string') this.fail(`${slot.field.name}: ${r}`);
          (slot.data as { [i: number]: number | bigint })[row] = r;
        }
        break;
      }
      case 'float64':
      case 'float32': {
        if (c !== C.MINUS && (c < C.ZERO || c > C.NINE)) this.mismatch(slot);
        const s = this.p;
        const e = this.numberEnd();
        this.p = e;
        let v: number;
        if (this.integral && e - s < 16) {
          v = 0;
          for (let k = b[s] === C.MINUS ? s + 1 : s; k < e; k++) v = v * 10 + (b[k] - C.ZERO);
          if (b[s] === C.MINUS) v = -v;
        } else v = +b.latin1Slice(s, e);
        (slot.data as Float64Array)[row] = slot.kind === 'float32' ? Math.fround(v) : v;
        break;
      }
      case 'boolean':
        if (c === 0x74) (slot.data as Uint8Array)[row] = (this.literal('true', true), 1);
        else if (c === 0x66) (slot.data as Uint8Array)[row] = (this.literal('false', false), 0);
        else this.mismatch(slot);
        break;
      case 'timestamp': {
        if (c !== C.QUOTE) this.mismatch(slot);
        const e = this.stringEnd();
        const s = this.p + 1;
        this.p = e + 1;
        let v = this.escaped ? -1 : fastTimestamp(b, s, e);
        if (v === -1) {
          const r = parseTimestamp(this.escaped ? this.unescape(s, e) : b.utf8Slice(s, e));
          if (typeof r === 'string') this.fail(`${slot.field.name}: ${r}`);
          (slot.data as BigInt64Array)[row] = r;
        } else setInt64(slot.words!, row, v);
        break;
      }
      default: {
        // date, decimal and nested types: rarer, so through the generic typed path.
        // The path is empty unless a lenient value failed inside it (then orNull caught the throw).
        if (this.path.length !== 0) this.path.length = 0;
        this.path.push(slot.field.name);
        (slot.data as unknown[])[row] = this.typed(slot.field.type, slot.field.enumValues);
        this.path.pop();
        break;
      }
      case 'null':
        this.mismatch(slot);
    }
    slot.valid[row] = 1;
  }

  /**
   * A lenient value: what `read` returns, or null when the value does not fit (the reason is
   * dropped and the path counted). The value is skipped again to check its syntax: a line that
   * is not JSON stays a bad record.
   */
  orNull<V>(column: string, read: () => V): V | null {
    const start = this.p;
    const mark = this.nulled.length;
    try {
      return read();
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      this.p = start;
      this.nulled.length = mark;
      this.skip(1);
      this.nulled.push(column);
      return null;
    }
  }

  /** A duplicate key replaces the value of `column`: the nulls counted in the earlier one go. */
  replaced(column: string): void {
    if (this.nulled.length === 0) return;
    const inside = `${column}.`;
    const kept = this.nulled.filter((c) => c !== column && !c.startsWith(inside));
    this.nulled.length = 0;
    this.nulled.push(...kept);
  }

  /** Where a nested value is, for messages: ['device', 'os'] or ['tags', 2]. */
  readonly path: (string | number)[] = [];

  typeFail(reason: string): never {
    let where = '';
    for (const part of this.path) where += typeof part === 'number' ? `[${part}]` : where === '' ? part : `.${part}`;
    return this.fail(`${where}: ${reason}`);
  }

  /**
   * A non-null value of `type` at p, in storage form (nested types as plain objects and arrays
   * of storage values). The caller has checked for null.
   */
  typed(type: DataType, enumValues: readonly string[] | undefined): unknown {
    const b = this.buf;
    const c = b[this.p];
    const isNum = c === C.MINUS || (c >= C.ZERO && c <= C.NINE);
    switch (type.kind) {
      case 'string': {
        const s = c === C.QUOTE ? this.string() : jsonText(this.any(1));
        if (enumValues !== undefined && !enumValues.includes(s)) this.typeFail(enumReason(s, enumValues));
        return s;
      }
      case 'int32':
      case 'int64': {
        if (!isNum) return this.typedMismatch(type);
        const s = this.p;
        this.p = this.numberEnd();
        const r = type.kind === 'int64' ? parseInt64(b.latin1Slice(s, this.p)) : parseInt32(b.latin1Slice(s, this.p));
        return typeof r === 'string' ? this.typeFail(r) : r;
      }
      case 'float32':
      case 'float64': {
        if (!isNum) return this.typedMismatch(type);
        const s = this.p;
        this.p = this.numberEnd();
        const v = +b.latin1Slice(s, this.p);
        return type.kind === 'float32' ? Math.fround(v) : v;
      }
      case 'boolean':
        if (c === 0x74) return (this.literal('true', true), 1);
        if (c === 0x66) return (this.literal('false', false), 0);
        return this.typedMismatch(type);
      case 'date': {
        if (c !== C.QUOTE) return this.typedMismatch(type);
        const r = parseDate(this.string());
        return typeof r === 'string' ? this.typeFail(r) : r;
      }
      case 'timestamp': {
        if (c !== C.QUOTE) return this.typedMismatch(type);
        const r = parseTimestamp(this.string());
        return typeof r === 'string' ? this.typeFail(r) : r;
      }
      case 'binary': {
        if (c !== C.QUOTE) return this.typedMismatch(type);
        const r = parseBase64(this.string());
        return typeof r === 'string' ? this.typeFail(r) : r;
      }
      case 'decimal': {
        let text: string;
        if (c === C.QUOTE) text = this.string();
        else if (isNum) {
          const s = this.p;
          this.p = this.numberEnd();
          text = b.latin1Slice(s, this.p);
        } else return this.typedMismatch(type);
        const r = parseDecimal(text, type.precision, type.scale);
        return typeof r === 'string' ? this.typeFail(r) : r;
      }
      case 'struct':
        if (c !== C.LBRACE) return this.typedMismatch(type);
        return this.struct(type);
      case 'array': {
        if (c !== C.LBRACKET) return this.typedMismatch(type);
        const out: unknown[] = [];
        this.p++;
        this.ws();
        if (b[this.p] === C.RBRACKET) {
          this.p++;
          return out;
        }
        for (;;) {
          this.ws();
          this.path.push(out.length);
          out.push(this.nullableTyped(type.element, type.containsNull, undefined));
          this.path.pop();
          this.ws();
          if (b[this.p] === C.COMMA) {
            this.p++;
            continue;
          }
          if (b[this.p] === C.RBRACKET) {
            this.p++;
            return out;
          }
          this.unexpected("',' or ']'");
        }
      }
      case 'map': {
        if (c !== C.LBRACE) return this.typedMismatch(type);
        if (type.key.kind !== 'string') return this.typeFail(`JSON objects can only fill maps with string keys, not ${typeToString(type)}`);
        const out: Record<string, unknown> = {};
        this.object((key) => {
          this.path.push(key);
          const v = this.nullableTyped(type.value, type.valueContainsNull, undefined);
          this.path.pop();
          if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
          else out[key] = v;
        });
        return out;
      }
      case 'null':
        return this.typedMismatch(type);
    }
  }

  /**
   * At '{': a struct value, its keys looked up by their bytes (as a record's): missing nullable
   * fields are null, a duplicate key replaces the earlier value.
   */
  struct(type: Extract<DataType, { kind: 'struct' }>): Record<string, unknown> {
    const b = this.buf;
    const fields = type.fields;
    const index = structIndex(type);
    const values = new Array<unknown>(fields.length);
    this.p++;
    this.ws();
    if (b[this.p] === C.RBRACE) this.p++;
    else {
      for (let position = 0; ; position++) {
        this.ws();
        if (b[this.p] !== C.QUOTE) this.unexpected('a field name in double quotes');
        const k = this.key(index, position);
        this.ws();
        if (b[this.p] !== C.COLON) this.unexpected(`':' after "${this.keyText()}"`);
        this.p++;
        this.ws();
        if (this.p >= this.end) this.truncated();
        if (k < 0) this.skip(1);
        else {
          const f = fields[k];
          const depth = this.path.length;
          this.path.push(f.name);
          // Lenient fields are never inside arrays or maps (framework/schema/zod.ts): the path is names only.
          const column = f.lenient || values[k] !== undefined ? this.path.join('.') : '';
          if (values[k] !== undefined) this.replaced(column);
          if (f.lenient) {
            values[k] = this.orNull(column, () => this.nullableTyped(f.type, f.nullable, f.enumValues));
            this.path.length = depth; // a value that failed inside left its deeper path
          } else {
            values[k] = this.nullableTyped(f.type, f.nullable, f.enumValues);
            this.path.pop();
          }
        }
        this.ws();
        if (b[this.p] === C.COMMA) {
          this.p++;
          continue;
        }
        if (b[this.p] === C.RBRACE) {
          this.p++;
          break;
        }
        this.unexpected("',' or '}'");
      }
    }
    const out: Record<string, unknown> = {};
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k];
      if (values[k] === undefined) {
        if (!f.nullable) {
          this.path.push(f.name);
          this.typeFail('missing required field');
        }
        values[k] = null;
      }
      out[f.name] = values[k];
    }
    return out;
  }

  nullableTyped(type: DataType, nullable: boolean, enumValues: readonly string[] | undefined): unknown {
    if (this.p >= this.end) this.truncated();
    if (this.buf[this.p] === 0x6e /* n */) {
      this.literal('null', null);
      return nullable ? null : this.typeFail('required field is null');
    }
    return this.typed(type, enumValues);
  }

  /** At '{': calls `member` with each key, positioned at its value (after whitespace). */
  object(member: (key: string) => void): void {
    const b = this.buf;
    this.p++;
    this.ws();
    if (b[this.p] === C.RBRACE) {
      this.p++;
      return;
    }
    for (;;) {
      this.ws();
      if (b[this.p] !== C.QUOTE) this.unexpected('a field name in double quotes');
      const key = this.string();
      this.ws();
      if (b[this.p] !== C.COLON) this.unexpected(`':' after "${key}"`);
      this.p++;
      this.ws();
      if (this.p >= this.end) this.truncated();
      member(key);
      this.ws();
      if (b[this.p] === C.COMMA) {
        this.p++;
        continue;
      }
      if (b[this.p] === C.RBRACE) {
        this.p++;
        return;
      }
      this.unexpected("',' or '}'");
    }
  }

  typedMismatch(type: DataType): never {
    const v = this.any(1);
    return this.typeFail(`expected ${typeToString(type)}, got ${describeJson(v)}`);
  }

  mismatch(slot: Slot): never {
    const v = this.any(1);
    return this.fail(`${slot.field.name}: expected ${typeToString(slot.field.type)}, got ${describeJson(v)}`);
  }
}

const digit = (b: Uint8Array, i: number) => b[i] - C.ZERO;
const is2 = (b: Uint8Array, i: number) => b[i] >= C.ZERO && b[i] <= C.NINE && b[i + 1] >= C.ZERO && b[i + 1] <= C.NINE;

let cachedDayKey = -1;
let cachedDays = 0;

/**
 * The common shapes `yyyy-MM-ddTHH:mm:ss[.f{1,6}](Z|±HH:mm)` straight from bytes, as
 * microseconds, or -1 to fall back to the full parser (which also gives the reasons).
 * (-1 µs itself, 1969-12-31T23:59:59.999999Z, just takes the slow path.)
 */
function fastTimestamp(b: Uint8Array, s: number, e: number): number {
  if (e - s < 19 || b[s + 4] !== C.MINUS || b[s + 7] !== C.MINUS || (b[s + 10] !== 0x54 && b[s + 10] !== C.SPACE) || b[s + 13] !== C.COLON || b[s + 16] !== C.COLON) return -1;
  if (!is2(b, s) || !is2(b, s + 2) || !is2(b, s + 5) || !is2(b, s + 8) || !is2(b, s + 11) || !is2(b, s + 14) || !is2(b, s + 17)) return -1;
  const y = digit(b, s) * 1000 + digit(b, s + 1) * 100 + digit(b, s + 2) * 10 + digit(b, s + 3);
  const mo = digit(b, s + 5) * 10 + digit(b, s + 6);
  const d = digit(b, s + 8) * 10 + digit(b, s + 9);
  const h = digit(b, s + 11) * 10 + digit(b, s + 12);
  const mi = digit(b, s + 14) * 10 + digit(b, s + 15);
  const sec = digit(b, s + 17) * 10 + digit(b, s + 18);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return -1;
  let p = s + 19;
  let frac = 0;
  if (p < e && b[p] === C.DOT) {
    p++;
    let n = 0;
    while (p < e && b[p] >= C.ZERO && b[p] <= C.NINE && n < 6) {
      frac = frac * 10 + (b[p] - C.ZERO);
      p++;
      n++;
    }
    if (n === 0 || (p < e && b[p] >= C.ZERO && b[p] <= C.NINE)) return -1;
    for (; n < 6; n++) frac *= 10;
  }
  let offset = 0;
  if (p < e) {
    const z = b[p];
    if ((z === 0x5a || z === 0x7a) && p + 1 === e) p++;
    else if ((z === C.PLUS || z === C.MINUS) && p + 6 === e && b[p + 3] === C.COLON && is2(b, p + 1) && is2(b, p + 4)) {
      const oh = digit(b, p + 1) * 10 + digit(b, p + 2);
      const om = digit(b, p + 4) * 10 + digit(b, p + 5);
      if (oh > 17 || om > 59) return -1;
      offset = (z === C.MINUS ? -1 : 1) * (oh * 3600 + om * 60);
    } else return -1;
  }
  const key = (y * 16 + mo) * 32 + d;
  if (key !== cachedDayKey) {
    if (d > daysInMonth(y, mo)) return -1;
    cachedDays = daysFromCivil(y, mo, d);
    cachedDayKey = key;
  }
  const micros = (cachedDays * 86400 + h * 3600 + mi * 60 + sec - offset) * 1_000_000 + frac;
  return micros === -1 || !Number.isSafeInteger(micros) ? -1 : micros;
}

// ---------- file input

async function isGzip(file: string): Promise<boolean> {
  const h = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await h.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await h.close();
  }
}

function damaged(file: string, e: unknown, line: number | null): InputFileError {
  const msg = (e as Error).message;
  return new InputFileError(file, `is a damaged gzip file (${msg})${line === null ? '' : ` after line ${line}`}`, DAMAGED_HINT);
}

/**
 * A source made ready to read. A small file is read whole, and gzip is inflated by zlib on libuv's
 * thread pool: the reader opens the next file when it starts parsing one, so inflating the next
 * overlaps parsing this one (parsing, the bigger cost, stays on the main thread). A big file is
 * streamed when its turn comes. A file that cannot be read fails in its turn, after the rows of
 * the files before it.
 */
type OpenedSource =
  | { readonly kind: 'whole'; readonly bytes: number; readonly data: Promise<Buffer> }
  | { readonly kind: 'stream'; readonly file: string }
  | { readonly kind: 'failed'; readonly error: InputFileError };

/**
 * Output buffer size for inflating a whole file: the size its gzip trailer states (exact for one
 * member; for several, the last one's), within bounds. One buffer instead of 16 KB pieces, each a
 * round trip between the pool and the main thread and then a copy to join them.
 */
function inflateChunkSize(gz: Buffer): number {
  const stated = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) + 1 : 0;
  return Math.min(Math.max(stated, 16 << 10), 4 << 20);
}
const gunzipAsync = promisify(gunzip);

function openSource(source: ReadSource): OpenedSource {
  if (typeof source !== 'string') return openWhole(source.name, Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength));
  const file = source;
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    return { kind: 'failed', error: new InputFileError(file, `could not be read: ${(e as Error).message}`) };
  }
  if (size > WHOLE_FILE_LIMIT) return { kind: 'stream', file };
  // Read synchronously: the async readFile makes four thread-pool round trips per file
  // (open, stat, read, close), and a Firehose folder holds hundreds of small files
  // (the sample's 113 files: about 80 ms of waiting at start-up).
  try {
    return openWhole(file, readFileSync(file));
  } catch (e) {
    return { kind: 'failed', error: new InputFileError(file, `could not be read: ${(e as Error).message}`) };
  }
}

/** Bytes read whole: inflated when they start with the gzip magic bytes. */
function openWhole(name: string, raw: Buffer): OpenedSource {
  const gz = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  const data = gz
    ? gunzipAsync(raw, { chunkSize: inflateChunkSize(raw) }).catch((e: unknown) => {
        throw damaged(name, e, null);
      })
    : Promise.resolve(raw);
  // Awaited in the file's turn; a read that stops before (failfast) must not leave it unhandled.
  data.catch(() => {});
  return { kind: 'whole', bytes: raw.length, data };
}

/** Decompressed chunks of an opened source. `lineOf()` tells how far the caller got, for error messages. */
async function* chunks(source: OpenedSource, onBytes: ((n: number) => void) | undefined, lineOf: () => number): AsyncGenerator<Buffer> {
  if (source.kind === 'failed') throw source.error;
  if (source.kind === 'whole') {
    onBytes?.(source.bytes);
    yield await source.data;
    return;
  }
  const file = source.file;
  const gz = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (onBytes) raw.on('data', (c) => onBytes((c as Buffer).length));
  const stream = gz ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (gz && (err.code?.startsWith('Z_') || /unexpected end/i.test(err.message))) throw damaged(file, e, lineOf());
    throw new InputFileError(file, `could not be read: ${err.message}`);
  } finally {
    raw.destroy();
  }
}

// ---------- the reader

export async function* readJsonLines(files: readonly ReadSource[], opts: ReadOptions): AsyncGenerator<Batch> {
  const fields = opts.schema.fields;
  const batchSize = Math.max(1, opts.batchSize ?? 65_536);
  const scanner = new Scanner(new FieldIndex(fields));
  let capacity = Math.min(batchSize, 1024);
  let slots = allocSlots(fields, capacity);
  let row = 0;
  let stamp = 0;

  const flush = (): Batch => {
    const columns: Column[] = slots.map((s) => {
      const data = (row === capacity ? s.data : s.data.slice(0, row)) as ColumnData;
      return makeColumn(s.field.type, data, row === capacity ? s.valid : s.valid.slice(0, row));
    });
    const batch: Batch = { schema: opts.schema, length: row, columns };
    row = 0;
    slots = allocSlots(fields, capacity);
    return batch;
  };
  const grow = () => {
    const next = Math.min(batchSize, capacity * 4);
    for (const s of slots) {
      const data = allocData(s.field.type, next);
      if (Array.isArray(data)) {
        const src = s.data as unknown[];
        for (let i = 0; i < row; i++) data[i] = src[i];
      } else (data as Int32Array).set(s.data as Int32Array);
      s.data = data;
      s.words = data instanceof BigInt64Array ? new Int32Array(data.buffer) : null;
      const valid = new Uint8Array(next);
      valid.set(s.valid);
      s.valid = valid;
    }
    capacity = next;
  };
  const bad = (file: string, line: number, reason: string, buf: Buffer, s: number, e: number) => {
    const raw = buf.toString('utf8', s, Math.min(e, s + RAW_LIMIT)) + (e - s > RAW_LIMIT ? '…' : '');
    const record: BadRecord = { file, line, reason: escapeControlCharacters(reason), raw };
    if (opts.mode === 'failfast') throw new BadRecordError(record);
    opts.onBadRecord(record);
  };

  let next = files.length > 0 ? openSource(files[0]) : null;
  for (let f = 0; f < files.length; f++) {
    const file = sourceName(files[f]);
    const opened = next ?? openSource(files[f]); // none yet when the last file gave no chunk
    next = null;
    let line = 0;
    let carry: Buffer | null = null;
    let first = true;
    for await (let chunk of chunks(opened, opts.onProgress, () => line)) {
      if (first) {
        first = false;
        if (f + 1 < files.length) next = openSource(files[f + 1]);
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      }
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      const lastNl = buf.lastIndexOf(C.LF);
      if (lastNl < 0) {
        carry = buf;
        continue;
      }
      const utf8Ok = isUtf8(buf.subarray(0, lastNl));
      let start = 0;
      while (start <= lastNl) {
        const nl = buf.indexOf(C.LF, start);
        const lineNo = ++line;
        let e = nl;
        if (e > start && buf[e - 1] === C.CR) e--;
        if (parseLine(buf, start, e, lineNo, file, utf8Ok) && row === batchSize) yield flush();
        start = nl + 1;
      }
      carry = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
    }
    if (carry !== null && carry.length > 0) {
      let e = carry.length;
      if (carry[e - 1] === C.CR) e--;
      if (parseLine(carry, 0, e, ++line, file, false) && row === batchSize) yield flush();
    }
  }
  if (row > 0) yield flush();

  /** Parses one line into the current row; true when a row was added. */
  function parseLine(buf: Buffer, s: number, e: number, lineNo: number, file: string, utf8Ok: boolean): boolean {
    if (!utf8Ok && !isUtf8(buf.subarray(s, e))) {
      bad(file, lineNo, 'the line is not valid UTF-8', buf, s, e);
      return false;
    }
    if (row === capacity) grow();
    scanner.buf = buf as SliceBuffer;
    scanner.p = s;
    scanner.lineStart = s;
    scanner.end = e;
    const st = ++stamp;
    try {
      if (!scanner.line(slots, row, st)) return false;
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i];
        if (slot.stamp !== st) {
          if (!slot.field.nullable) throw new LineError(`missing required field ${slot.field.name}`);
          slot.valid[row] = 0;
        }
      }
      if (opts.onLenientNull) for (const column of scanner.nulled) opts.onLenientNull(column);
    } catch (err) {
      if (err instanceof LineError) {
        bad(file, lineNo, err.reason, buf, s, e);
        return false;
      }
      throw err;
    }
    row++;
    return true;
  }
}
