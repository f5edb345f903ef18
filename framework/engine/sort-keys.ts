/** Row comparators over evaluated sort-key columns, with explicit direction and null placement. */
import type { Column } from '../columnar/column.ts';
import { comparatorFor } from '../functions/compare.ts';

export interface SortColumn {
  readonly column: Column;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

/** Compares rows a and b (indices into the key columns). */
export function rowComparator(keys: readonly SortColumn[]): (a: number, b: number) => number {
  const parts = keys.map((k) => {
    const cmp = comparatorFor(k.column.type.kind) as (x: unknown, y: unknown) => number;
    const d = k.column.data as ArrayLike<unknown>;
    const v = k.column.valid;
    const dir = k.ascending ? 1 : -1;
    const nullOrder = k.nullsFirst ? -1 : 1;
    return (a: number, b: number): number => {
      if (v !== null) {
        const an = v[a] === 0;
        const bn = v[b] === 0;
        if (an || bn) return an && bn ? 0 : an ? nullOrder : -nullOrder;
      }
      return dir * cmp(d[a], d[b]);
    };
  });
  if (parts.length === 1) return parts[0];
  return (a, b) => {
    for (const p of parts) {
      const c = p(a, b);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** A stable sort permutation of `length` rows. */
export function sortPermutation(keys: readonly SortColumn[], length: number): Int32Array {
  const idx = new Array<number>(length);
  for (let i = 0; i < length; i++) idx[i] = i;
  const cmp = rowComparator(keys);
  idx.sort((a, b) => cmp(a, b) || a - b);
  return Int32Array.from(idx);
}
