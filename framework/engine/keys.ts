/**
 * Row keys for the engine, on typed arrays only (no per-row objects in the hot loops).
 *
 * 1. Hashing (group by, join, deduplicate): `KeyIndex` gives rows with equal key values the
 *    same dense id. Each row's key is encoded as a few 32-bit words (int32/date/boolean: the
 *    value; int64/timestamp/decimal: the two halves, read through an Int32Array view of the
 *    BigInt64Array, no BigInt created; doubles: their bits with -0.0 folded onto 0.0 and every
 *    NaN onto one NaN, as Spark groups them; strings and nested values: an id from a per-column
 *    dictionary). The words go into an open-addressing hash table; a single string key skips
 *    the table and uses its dictionary directly. Nulls are a key value of their own (SQL GROUP
 *    BY); `lookup` (the probe side of a join) never matches a key containing a null.
 *
 * 2. Ordering (sort, window, deduplicate): `orderCodes` turns a column into order-preserving
 *    dense integer codes (with direction and null placement applied), so a multi-key sort is a
 *    sequence of stable counting sorts (LSD radix), and comparisons are integer comparisons.
 *    Spark's orderings: NaN above every other double and equal to itself, -0.0 = 0.0, strings
 *    by UTF-8 bytes (= code points; JavaScript's `<` compares UTF-16 units, which differs only
 *    between surrogate pairs and U+E000..U+FFFF, handled here).
 */
import type { Column } from '../columnar/column.ts';
import { compareStrings } from '../functions/compare.ts';
import { MAX_LONG_DECIMAL_PRECISION, type DataType } from '../schema/types.ts';
import { InternalError } from '../errors/index.ts';

// ---------------------------------------------------------------- hashing

export type WordKind = 'int' | 'long' | 'double' | 'dict';

export function wordKind(t: DataType): WordKind {
  switch (t.kind) {
    case 'int32':
    case 'date':
    case 'boolean':
    case 'null':
      return 'int';
    case 'int64':
    case 'timestamp':
    case 'interval':
      return 'long';
    case 'decimal':
      // Beyond 18 digits a decimal is a bigint per value (no 64-bit buffer to read words from).
      return t.precision <= MAX_LONG_DECIMAL_PRECISION ? 'long' : 'dict';
    case 'float32':
    case 'float64':
      return 'double';
    default:
      return 'dict';
  }
}

const WIDTH: Record<WordKind, number> = { int: 1, long: 2, double: 2, dict: 1 };

const scratchF = new Float64Array(1);
const scratchI = new Int32Array(scratchF.buffer);
const CANONICAL_NAN = (() => {
  scratchF[0] = NaN;
  return [scratchI[0], scratchI[1]] as const;
})();

/** The text a nested value is keyed by: equal values, equal text (bigints marked, so 1n is not 1). */
export function nestedKey(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
}

function int32View(c: Column): Int32Array {
  const d = c.data as BigInt64Array;
  return new Int32Array(d.buffer, d.byteOffset, d.length * 2);
}

/** murmur3's finalizer over a mixed word sequence. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Open-addressing hash table from fixed-width word keys to dense ids. Each slot holds the id and
 * the key's hash side by side, so a probe reads one place in the table and the key words only
 * on a hash match (a join probing 1M rows into 38,840 keys: one cache miss per row fewer).
 */
class WordTable {
  private slots: Int32Array; // per slot: id + 1 (0 = empty), hash
  private mask: number; // slot count - 1
  private keys: Int32Array; // id * W ...
  size = 0;

  constructor(private readonly W: number) {
    this.slots = new Int32Array(2 * 1024);
    this.mask = 1023;
    this.keys = new Int32Array(256 * W);
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (this.mask << 1) | 1;
    for (let e = 0; e < old.length; e += 2) {
      if (old[e] === 0) continue;
      let s = old[e + 1] & mask;
      while (slots[2 * s] !== 0) s = (s + 1) & mask;
      slots[2 * s] = old[e];
      slots[2 * s + 1] = old[e + 1];
    }
    this.slots = slots;
    this.mask = mask;
  }

  private addKey(words: Int32Array, at: number): number {
    const W = this.W;
    const id = this.size++;
    if ((id + 1) * W > this.keys.length) {
      const keys = new Int32Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
    }
    for (let w = 0; w < W; w++) this.keys[id * W + w] = words[at + w];
    return id;
  }

  /** Ids for rows of `words` (row i at i*W); rows with use[i] = 0 get -1. insert=false: unknown keys get -1. */
  run(words: Int32Array, n: number, use: Uint8Array | null, insert: boolean, out: Int32Array): void {
    const W = this.W;
    for (let i = 0; i < n; i++) {
      if (use !== null && use[i] === 0) {
        out[i] = -1;
        continue;
      }
      const at = i * W;
      let h = 0x9747b28c;
      for (let w = 0; w < W; w++) h = Math.imul(h ^ words[at + w], 0x5bd1e995) ^ (h >>> 13);
      h = fmix(h);
      let slots = this.slots;
      let mask = this.mask;
      let s = h & mask;
      let id = -1;
      for (;;) {
        const v = slots[2 * s];
        if (v === 0) break;
        if (slots[2 * s + 1] === h) {
          const k = (v - 1) * W;
          const keys = this.keys;
          let eq = true;
          for (let w = 0; w < W; w++) {
            if (keys[k + w] !== words[at + w]) {
              eq = false;
              break;
            }
          }
          if (eq) {
            id = v - 1;
            break;
          }
        }
        s = (s + 1) & mask;
      }
      if (id < 0 && insert) {
        id = this.addKey(words, at);
        if (this.size * 2 > mask + 1) {
          this.grow();
          slots = this.slots;
          mask = this.mask;
          s = h & mask;
          while (slots[2 * s] !== 0) s = (s + 1) & mask;
        }
        slots[2 * s] = id + 1;
        slots[2 * s + 1] = h;
      }
      out[i] = id;
    }
  }
}

/**
 * Dense ids of strings in first-seen order: open addressing over a hash of the UTF-16 units
 * computed here. A Map<string, number> took twice the CPU on strings fresh from a reader, as
 * keys are (1M event_ids: ~800 ms -> ~400 ms).
 */
class StringTable {
  private slots = new Int32Array(1024); // id + 1, 0 = empty
  private mask = 1023;
  private hashes = new Int32Array(256);
  readonly values: string[] = [];

  get size(): number {
    return this.values.length;
  }

  /** The id of `s`; a new string gets the next id, or -1 when insert is false. */
  id(s: string, insert: boolean): number {
    let h = 0x811c9dc5;
    for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
    h = fmix(h);
    let at = h & this.mask;
    for (;;) {
      const v = this.slots[at];
      if (v === 0) break;
      if (this.hashes[v - 1] === h && this.values[v - 1] === s) return v - 1;
      at = (at + 1) & this.mask;
    }
    if (!insert) return -1;
    const id = this.values.length;
    this.values.push(s);
    if (id === this.hashes.length) {
      const hashes = new Int32Array(id * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[id] = h;
    if (2 * (id + 1) > this.slots.length) {
      this.grow();
      at = h & this.mask;
      while (this.slots[at] !== 0) at = (at + 1) & this.mask;
    }
    this.slots[at] = id + 1;
    return id;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.values.length - 1; id++) {
      let at = this.hashes[id] & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/**
 * Dense ids for key values, stable across batches. Create one per key (the column types must
 * not change between calls).
 */
/**
 * The most columns a hashed key (groupBy, join, dropDuplicates, a window's partitionBy) may have:
 * a multi-column key keeps one null flag per column in one 32-bit word. The analyzer refuses
 * longer keys, so `etl plan` refuses what a run could not do.
 */
export const MAX_KEY_COLUMNS = 31;

export class KeyIndex {
  private kinds: WordKind[] | null = null;
  private W = 0;
  private table: WordTable | null = null;
  private dicts: (StringTable | null)[] = [];
  /** Single string keys: the group id of each string id (the null group takes an id among them). */
  private groupOfString: number[] = [];
  /** Single-column keys keep nulls out of the table: their group id, once seen. */
  private nullId = -1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  private init(cols: readonly Column[]): void {
    this.kinds = cols.map((c) => wordKind(c.type));
    this.dicts = this.kinds.map((k) => (k === 'dict' ? new StringTable() : null));
    const single = cols.length === 1;
    // One word of null flags for multi-column keys (single columns keep a separate null id).
    this.W = this.kinds.reduce((s, k) => s + WIDTH[k], 0) + (single ? 0 : 1);
    if (!(single && this.kinds[0] === 'dict')) this.table = new WordTable(this.W);
    if (cols.length > MAX_KEY_COLUMNS) throw new InternalError(`a key of ${cols.length} columns passed the analyzer (at most ${MAX_KEY_COLUMNS})`);
  }

  /** Dense ids for each row's key, creating ids for new keys. Nulls are a key value. */
  assign(cols: readonly Column[], length: number): Int32Array {
    return this.run(cols, length, true);
  }

  /** Ids of existing keys; -1 for unknown keys and keys containing a null (SQL equality never matches null). */
  lookup(cols: readonly Column[], length: number): Int32Array {
    return this.run(cols, length, false);
  }

  private run(cols: readonly Column[], length: number, insert: boolean): Int32Array {
    const out = new Int32Array(length);
    if (cols.length === 0) return out; // one group
    if (this.kinds === null) this.init(cols);
    const kinds = this.kinds!;
    if (cols.length === 1) return this.runSingle(cols[0], kinds[0], length, insert, out);

    const W = this.W;
    const words = new Int32Array(length * W);
    let use: Uint8Array | null = null;
    const skip = (i: number) => {
      if (use === null) use = new Uint8Array(length).fill(1);
      use[i] = 0;
    };
    const nullWord = W - 1;
    let off = 0;
    for (let j = 0; j < cols.length; j++) {
      const c = cols[j];
      const v = c.valid;
      const kind = kinds[j];
      const bit = 1 << j;
      if (v !== null) {
        for (let i = 0; i < length; i++) {
          if (v[i] === 0) {
            words[i * W + nullWord] |= bit;
            if (!insert) skip(i);
          }
        }
      }
      switch (kind) {
        case 'int': {
          const d = c.data as Int32Array | Uint8Array;
          for (let i = 0; i < length; i++) words[i * W + off] = v !== null && v[i] === 0 ? 0 : d[i];
          break;
        }
        case 'long': {
          const d = int32View(c);
          for (let i = 0; i < length; i++) {
            if (v !== null && v[i] === 0) continue;
            words[i * W + off] = d[2 * i];
            words[i * W + off + 1] = d[2 * i + 1];
          }
          break;
        }
        case 'double': {
          const d = c.data as Float64Array;
          for (let i = 0; i < length; i++) {
            if (v !== null && v[i] === 0) continue;
            encodeDouble(d[i], words, i * W + off);
          }
          break;
        }
        case 'dict': {
          const dict = this.dicts[j]!;
          const d = c.data as unknown[];
          const nested = c.type.kind !== 'string';
          for (let i = 0; i < length; i++) {
            if (v !== null && v[i] === 0) continue;
            const id = dict.id(nested ? nestedKey(d[i]) : (d[i] as string), insert);
            if (id < 0) {
              skip(i);
              continue;
            }
            words[i * W + off] = id;
          }
          break;
        }
      }
      off += WIDTH[kind];
    }
    this.table!.run(words, length, use, insert, out);
    this.count = this.table!.size;
    return out;
  }

  private runSingle(c: Column, kind: WordKind, length: number, insert: boolean, out: Int32Array): Int32Array {
    const v = c.valid;
    if (kind === 'dict') {
      // The dictionary is the index.
      const dict = this.dicts[0]!;
      const d = c.data as unknown[];
      const nested = c.type.kind !== 'string';
      for (let i = 0; i < length; i++) {
        if (v !== null && v[i] === 0) {
          out[i] = insert ? this.nullGroup() : -1;
          continue;
        }
        const id = dict.id(nested ? nestedKey(d[i]) : (d[i] as string), insert);
        if (id === this.groupOfString.length) this.groupOfString.push(this.count++);
        out[i] = id < 0 ? -1 : this.groupOfString[id];
      }
      return out;
    }
    let words: Int32Array;
    if (kind === 'int') {
      const d = c.data as Int32Array | Uint8Array;
      words = d instanceof Int32Array ? d : Int32Array.from(d);
    } else if (kind === 'long') {
      words = int32View(c);
    } else {
      const d = c.data as Float64Array;
      words = new Int32Array(length * 2);
      for (let i = 0; i < length; i++) encodeDouble(d[i], words, 2 * i);
    }
    // Ids come from the table; the null group (if any) takes the next free id, so ids stay dense.
    const table = this.table!;
    table.run(words, length, v, insert, out);
    if (v !== null) {
      for (let i = 0; i < length; i++) {
        if (v[i] === 0) out[i] = insert ? this.nullGroupAfter(table) : -1;
        else if (out[i] >= 0) out[i] = this.remap(out[i]);
      }
    } else if (this.nullId >= 0) {
      for (let i = 0; i < length; i++) if (out[i] >= 0) out[i] = this.remap(out[i]);
    }
    this.count = table.size + (this.nullId >= 0 ? 1 : 0);
    return out;
  }

  private nullGroup(): number {
    if (this.nullId < 0) this.nullId = this.count++;
    return this.nullId;
  }

  /** Table ids at or above the null id shift up by one, so the null group keeps its first-seen id. */
  private nullGroupAfter(table: WordTable): number {
    if (this.nullId < 0) this.nullId = table.size;
    return this.nullId;
  }

  private remap(id: number): number {
    return this.nullId >= 0 && id >= this.nullId ? id + 1 : id;
  }
}

function encodeDouble(x: number, words: Int32Array, at: number): void {
  if (x !== x) {
    words[at] = CANONICAL_NAN[0];
    words[at + 1] = CANONICAL_NAN[1];
    return;
  }
  scratchF[0] = x === 0 ? 0 : x;
  words[at] = scratchI[0];
  words[at + 1] = scratchI[1];
}

/** Whether row i has a null in any key column. */
export function hasNullKey(cols: readonly Column[], i: number): boolean {
  for (const c of cols) if (c.valid !== null && c.valid[i] === 0) return true;
  return false;
}

// ---------------------------------------------------------------- ordering

export interface SortColumn {
  readonly column: Column;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

/** Order-preserving integer codes of a column: codes[i] in [0, buckets). Equal values share a code. */
export interface OrderCodes {
  readonly codes: Int32Array;
  readonly buckets: number;
}

/**
 * Dense ranks of the non-null values (0 = smallest, in Spark's order), nulls get -1.
 * Returns the number of distinct non-null values (an upper bound for small-range integers,
 * whose code is the value itself).
 */
function denseRanks(c: Column, out: Int32Array): number {
  const n = c.length;
  const v = c.valid;
  switch (wordKind(c.type)) {
    case 'int': {
      const d = c.data as Int32Array | Uint8Array;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        if (v !== null && v[i] === 0) continue;
        const x = d[i];
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      if (lo > hi) return (out.fill(-1), 0);
      // Small ranges: the value itself is the code (not dense, still order-preserving).
      if (hi - lo <= Math.max(1024, 2 * n)) {
        for (let i = 0; i < n; i++) out[i] = v !== null && v[i] === 0 ? -1 : d[i] - lo;
        return hi - lo + 1;
      }
      const rows = nonNullRows(n, v, out);
      const low = new Uint32Array(rows.length);
      for (let k = 0; k < rows.length; k++) low[k] = (d[rows[k]] ^ 0x80000000) >>> 0;
      return ranksOfBits(rows, null, low, out);
    }
    case 'long':
    case 'double': {
      const rows = nonNullRows(n, v, out);
      const high = new Uint32Array(rows.length);
      const low = new Uint32Array(rows.length);
      orderableBits(c, rows, high, low);
      return ranksOfBits(rows, high, low, out);
    }
    case 'dict': {
      const d = c.data as unknown[];
      const nested = c.type.kind !== 'string';
      const dict = new StringTable();
      for (let i = 0; i < n; i++) out[i] = v !== null && v[i] === 0 ? -1 : dict.id(nested ? nestedKey(d[i]) : (d[i] as string), true);
      const distinct = dict.values;
      const u = distinct.length;
      if (c.type.kind === 'decimal') {
        // Wide decimals: ordered by value (their keys are the digits, which do not sort as text).
        const values = distinct.map((k) => BigInt((JSON.parse(k) as string).slice(0, -1)));
        const order = values.map((_, k) => k).sort((a, b) => (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : 0));
        const rank = new Int32Array(u);
        order.forEach((id, k) => (rank[id] = k));
        for (let i = 0; i < n; i++) if (out[i] >= 0) out[i] = rank[out[i]];
        return u;
      }
      // UTF-16 order equals code point (UTF-8 byte) order unless a string has a unit >= U+D800.
      let simple = true;
      for (let k = 0; k < u && simple; k++) if (/[\ud800-\uffff]/.test(distinct[k])) simple = false;
      const rank = new Int32Array(u);
      if (simple) {
        // The built-in sort without a comparator compares UTF-16 units natively: 2.5x faster than
        // sorting ids with a comparator (1M distinct event_ids: 1.7 s -> 0.7 s).
        const sorted = distinct.slice().sort();
        for (let k = 0; k < u; k++) rank[dict.id(sorted[k], false)] = k;
      } else {
        const order = new Array<number>(u);
        for (let k = 0; k < u; k++) order[k] = k;
        order.sort((a, b) => compareStrings(distinct[a], distinct[b]));
        for (let k = 0; k < u; k++) rank[order[k]] = k;
      }
      for (let i = 0; i < n; i++) if (out[i] >= 0) out[i] = rank[out[i]];
      return u;
    }
  }
}

/**
 * The values of a 64-bit (long) or double column at `rows` (all rows when null) as unsigned
 * (high, low) words that order as the values do in Spark. Longs: two's complement with the sign
 * bit flipped. Doubles: IEEE bits, negatives with every bit flipped, positives the sign bit;
 * -0.0 is folded onto 0.0 and every NaN onto one NaN, which lands above +Infinity.
 */
function orderableBits(c: Column, rows: Int32Array | null, high: Uint32Array, low: Uint32Array): void {
  const m = high.length;
  const w = c.data instanceof Float64Array ? new Int32Array(c.data.buffer, c.data.byteOffset, 2 * c.length) : int32View(c);
  if (wordKind(c.type) === 'long') {
    for (let k = 0; k < m; k++) {
      const i = rows === null ? k : rows[k];
      high[k] = (w[2 * i + 1] ^ 0x80000000) >>> 0;
      low[k] = w[2 * i] >>> 0;
    }
    return;
  }
  const d = c.data as Float64Array;
  for (let k = 0; k < m; k++) {
    const i = rows === null ? k : rows[k];
    const x = d[i];
    let h = w[2 * i + 1];
    let l = w[2 * i];
    if (x !== x) {
      h = CANONICAL_NAN[1];
      l = CANONICAL_NAN[0];
    } else if (x === 0) {
      h = 0;
      l = 0;
    }
    if (h < 0) {
      high[k] = ~h >>> 0;
      low[k] = ~l >>> 0;
    } else {
      high[k] = (h ^ 0x80000000) >>> 0;
      low[k] = l >>> 0;
    }
  }
}

/** The rows with a value, in order; null rows get rank -1 in `out`. */
function nonNullRows(n: number, v: Uint8Array | null, out: Int32Array): Int32Array {
  const rows = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (v !== null && v[i] === 0) out[i] = -1;
    else rows[m++] = i;
  }
  return m === n ? rows : rows.slice(0, m);
}

/**
 * Dense ranks of unsigned (high, low) 64-bit keys (high null: 32-bit keys), the keys of
 * `rows`, written to out[row], by an LSD radix sort; digits equal in every row are skipped.
 * Each pass moves the keys along with their rows, so every pass reads its input in order
 * (gathering each key by its row index missed the cache at every read: 1M timestamps
 * 260 ms -> 160 ms). Digits are 16 bits wide, or 8 bits below 64k rows: 65,536-entry
 * histograms cost more than the sort of a small input (and a short run does not stay long
 * enough for its loops to be optimised). The arrays passed in are reused as scratch.
 */
function ranksOfBits(keyRows: Int32Array, high: Uint32Array | null, low: Uint32Array, out: Int32Array): number {
  const m = keyRows.length;
  let rows: Int32Array = keyRows;
  let lo: Uint32Array = low;
  let hi: Uint32Array | null = high;
  const bits = m < 65536 ? 8 : 16;
  const radix = 1 << bits;
  const mask = radix - 1;
  const perWord = 32 / bits;
  const digits = (hi === null ? 1 : 2) * perWord;
  const hist = new Int32Array(digits * radix);
  for (let k = 0; k < m; k++) {
    const l = lo[k];
    for (let d = 0; d < perWord; d++) hist[d * radix + ((l >>> (d * bits)) & mask)]++;
    if (hi !== null) {
      const h = hi[k];
      for (let d = 0; d < perWord; d++) hist[(perWord + d) * radix + ((h >>> (d * bits)) & mask)]++;
    }
  }
  let rowsTmp: Int32Array = new Int32Array(m);
  let loTmp: Uint32Array = new Uint32Array(m);
  let hiTmp: Uint32Array | null = hi === null ? null : new Uint32Array(m);
  for (let p = 0; p < digits; p++) {
    const base = p * radix;
    const shift = (p % perWord) * bits;
    if (!digitOffsets(hist, base, radix, m)) continue;
    const src = p < perWord ? lo : hi!;
    if (hi === null) {
      for (let k = 0; k < m; k++) {
        const at = hist[base + ((src[k] >>> shift) & mask)]++;
        rowsTmp[at] = rows[k];
        loTmp[at] = lo[k];
      }
    } else {
      for (let k = 0; k < m; k++) {
        const at = hist[base + ((src[k] >>> shift) & mask)]++;
        rowsTmp[at] = rows[k];
        loTmp[at] = lo[k];
        hiTmp![at] = hi[k];
      }
      const h = hi;
      hi = hiTmp;
      hiTmp = h;
    }
    const r = rows;
    rows = rowsTmp;
    rowsTmp = r;
    const l = lo;
    lo = loTmp;
    loTmp = l;
  }
  let rank = -1;
  for (let k = 0; k < m; k++) {
    if (k === 0 || lo[k] !== lo[k - 1] || (hi !== null && hi[k] !== hi[k - 1])) rank++;
    out[rows[k]] = rank;
  }
  return rank + 1;
}

/** Codes for one sort key: direction and null placement applied, so ascending code order is the key's order. */
export function orderCodes(k: SortColumn): OrderCodes {
  const n = k.column.length;
  const codes = new Int32Array(n);
  const u = denseRanks(k.column, codes);
  const nullCode = k.nullsFirst ? 0 : u;
  const shift = k.nullsFirst ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const r = codes[i];
    codes[i] = r < 0 ? nullCode : (k.ascending ? r : u - 1 - r) + shift;
  }
  return { codes, buckets: u + 1 };
}

/**
 * One word of a radix key: per row an unsigned value below 2^bits. A key is a list of words,
 * most significant first, whose unsigned order is the key's order with its direction and null
 * placement applied, so a radix sort reads the values themselves instead of ranking them first.
 */
export interface RadixWord {
  readonly values: Uint32Array;
  readonly bits: number;
}

function bitsFor(buckets: number): number {
  return buckets <= 1 ? 1 : 32 - Math.clz32(buckets - 1);
}

/** Order codes as one radix word. */
export function codesWord(k: OrderCodes): RadixWord {
  return { values: new Uint32Array(k.codes.buffer, k.codes.byteOffset, k.codes.length), bits: bitsFor(k.buckets) };
}

/**
 * A sort key as radix words: numbers, dates, timestamps and booleans by their own bits (a null
 * flag word first when the column has nulls, null rows 0 in the value words; descending
 * flips every bit); strings and nested values by their order codes.
 */
export function radixWords(k: SortColumn): RadixWord[] {
  const c = k.column;
  const n = c.length;
  const kind = wordKind(c.type);
  if (kind === 'dict') return [codesWord(orderCodes(k))];
  const words: RadixWord[] = [];
  if (kind === 'int') {
    const d = c.data as Int32Array | Uint8Array;
    const low = new Uint32Array(n);
    for (let i = 0; i < n; i++) low[i] = (d[i] ^ 0x80000000) >>> 0;
    words.push({ values: low, bits: 32 });
  } else {
    const high = new Uint32Array(n);
    const low = new Uint32Array(n);
    orderableBits(c, null, high, low);
    words.push({ values: high, bits: 32 }, { values: low, bits: 32 });
  }
  if (!k.ascending) {
    for (const w of words) {
      const x = w.values;
      for (let i = 0; i < n; i++) x[i] = ~x[i] >>> 0;
    }
  }
  const v = c.valid;
  if (v === null || v.indexOf(0) < 0) return words;
  const nullFlag = new Uint32Array(n);
  const nullValue = k.nullsFirst ? 0 : 1;
  for (let i = 0; i < n; i++) {
    if (v[i] === 0) {
      nullFlag[i] = nullValue;
      for (const w of words) w.values[i] = 0;
    } else nullFlag[i] = 1 - nullValue;
  }
  return [{ values: nullFlag, bits: 1 }, ...words];
}

/**
 * A stable sort permutation by radix words (first is most significant): one LSD radix sort
 * over all of them, digits equal in every row skipped (see ranksOfBits for the digit width).
 * Sorting a window's rows by (partition, timestamp) this way, rather than ranking the
 * timestamps and then counting-sorting by ranks and partitions, takes half the time.
 */
export function sortByWords(words: readonly RadixWord[], length: number): Int32Array {
  const bits = length < 65536 ? 8 : 16;
  const radix = 1 << bits;
  const mask = radix - 1;
  // Every digit's histogram in one pass (they do not depend on the order), least significant first.
  const digits: { src: Uint32Array; shift: number }[] = [];
  for (let j = words.length - 1; j >= 0; j--) for (let shift = 0; shift < words[j].bits; shift += bits) digits.push({ src: words[j].values, shift });
  const hist = new Int32Array(digits.length * radix);
  for (let p = 0; p < digits.length; p++) {
    const { src, shift } = digits[p];
    const base = p * radix;
    for (let i = 0; i < length; i++) hist[base + ((src[i] >>> shift) & mask)]++;
  }
  let perm = new Int32Array(length);
  for (let i = 0; i < length; i++) perm[i] = i;
  let tmp = new Int32Array(length);
  for (let p = 0; p < digits.length; p++) {
    const { src, shift } = digits[p];
    const base = p * radix;
    if (!digitOffsets(hist, base, radix, length)) continue;
    for (let k = 0; k < length; k++) {
      const r = perm[k];
      tmp[hist[base + ((src[r] >>> shift) & mask)]++] = r;
    }
    const t = perm;
    perm = tmp;
    tmp = t;
  }
  return perm;
}

/** ties[k] = 1 when sorted position k has the same words as position k - 1. */
export function tiesOfWords(words: readonly RadixWord[], order: Int32Array): Uint8Array {
  const n = order.length;
  const ties = new Uint8Array(n);
  if (n > 1) ties.fill(1, 1);
  for (const w of words) {
    const x = w.values;
    let previous = n > 0 ? x[order[0]] : 0;
    for (let k = 1; k < n; k++) {
      const value = x[order[k]];
      if (value !== previous) ties[k] = 0;
      previous = value;
    }
  }
  return ties;
}

/** Stable counting sort of `perm` (a permutation of rows) by codes[row]. */
function countingSort(perm: Int32Array, codes: Int32Array, buckets: number): Int32Array {
  const n = perm.length;
  const count = new Int32Array(buckets + 1);
  for (let i = 0; i < n; i++) count[codes[perm[i]] + 1]++;
  for (let b = 0; b < buckets; b++) count[b + 1] += count[b];
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = perm[i];
    out[count[codes[r]]++] = r;
  }
  return out;
}

/** A stable sort permutation by several code columns (first is most significant): LSD radix. */
export function sortByCodes(keys: readonly OrderCodes[], length: number): Int32Array {
  let perm: Int32Array = new Int32Array(length);
  for (let i = 0; i < length; i++) perm[i] = i;
  for (let j = keys.length - 1; j >= 0; j--) perm = countingSort(perm, keys[j].codes, keys[j].buckets);
  return perm;
}

/** A stable sort permutation of `length` rows by the given keys. */
export function sortPermutation(keys: readonly SortColumn[], length: number): Int32Array {
  return sortByCodes(keys.map(orderCodes), length);
}

/** Whether rows a and b have equal codes in every key. */
export function sameCodes(keys: readonly OrderCodes[], a: number, b: number): boolean {
  for (let j = 0; j < keys.length; j++) if (keys[j].codes[a] !== keys[j].codes[b]) return false;
  return true;
}

/** Compares rows a and b by codes, lexicographically. */
export function compareCodes(keys: readonly OrderCodes[], a: number, b: number): number {
  for (let j = 0; j < keys.length; j++) {
    const d = keys[j].codes[a] - keys[j].codes[b];
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Turns one digit's histogram (`hist[base .. base + radix)`) into each bucket's first output
 * position, for a counting pass. False when every one of the `rows` falls in one bucket: the
 * pass would not move a row, so the caller skips it.
 */
function digitOffsets(hist: Int32Array, base: number, radix: number, rows: number): boolean {
  for (let b = 0; b < radix; b++) {
    const c = hist[base + b];
    if (c !== 0) {
      if (c === rows) return false;
      break;
    }
  }
  let sum = 0;
  for (let b = 0; b < radix; b++) {
    const c = hist[base + b];
    hist[base + b] = sum;
    sum += c;
  }
  return true;
}
