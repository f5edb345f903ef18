/**
 * Row keys for grouping, joining and deduplicating: rows with equal key values get the same
 * dense id. Nulls are a value of their own here (GROUP BY semantics); joins skip them.
 * Spark's grouping equates NaN with NaN and -0.0 with 0.0, as JavaScript's Map does.
 */
import type { Column } from '../columnar/column.ts';

const NULL_KEY = Symbol('null');

function keyReader(c: Column): (i: number) => unknown {
  const d = c.data as ArrayLike<unknown>;
  const v = c.valid;
  if (c.type.kind === 'struct' || c.type.kind === 'array' || c.type.kind === 'map') {
    return (i) => (v !== null && v[i] === 0 ? NULL_KEY : JSON.stringify(d[i], (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)));
  }
  if (v === null) return (i) => d[i];
  return (i) => (v[i] === 0 ? NULL_KEY : d[i]);
}

/** Encodes several key values as one string; type tags keep 1 (number) and '1' (string) apart. */
function compositeReader(cols: readonly Column[]): (i: number) => unknown {
  if (cols.length === 1) return keyReader(cols[0]);
  const readers = cols.map(keyReader);
  return (i) => {
    let k = '';
    for (const r of readers) {
      const x = r(i);
      k += x === NULL_KEY ? '\u0001N' : typeof x === 'string' ? `\u0001s${x}` : `\u0001${typeof x}${String(x)}`;
    }
    return k;
  };
}

export function hasNullKey(cols: readonly Column[], i: number): boolean {
  for (const c of cols) if (c.valid !== null && c.valid[i] === 0) return true;
  return false;
}

export class KeyIndex {
  private readonly ids = new Map<unknown, number>();

  get size(): number {
    return this.ids.size;
  }

  /** Dense ids for each row's key, creating ids for new keys. */
  assign(cols: readonly Column[], length: number): Int32Array {
    const out = new Int32Array(length);
    const read = compositeReader(cols);
    const ids = this.ids;
    for (let i = 0; i < length; i++) {
      const k = read(i);
      let id = ids.get(k);
      if (id === undefined) {
        id = ids.size;
        ids.set(k, id);
      }
      out[i] = id;
    }
    return out;
  }

  /** Ids of existing keys, -1 for unknown keys or keys containing a null (SQL equality never matches null). */
  lookup(cols: readonly Column[], length: number): Int32Array {
    const out = new Int32Array(length);
    const read = compositeReader(cols);
    for (let i = 0; i < length; i++) {
      out[i] = hasNullKey(cols, i) ? -1 : (this.ids.get(read(i)) ?? -1);
    }
    return out;
  }
}
