/**
 * Sorting rows by a leading code column (partition ids) and sort keys, with string keys that
 * follow other keys ranked only where they matter. Ranking a string column means hashing and
 * sorting all its distinct values (1M event_ids: about 2.5 s), yet a string after a timestamp
 * (ORDER BY ts, event_id) only breaks the rare ties of the keys before it. So the keys up to the
 * first such string key are radix-sorted on their bits (keys.ts: radixWords); then the runs of rows that tie on
 * them are found, the remaining keys are ranked over the rows of those runs alone, and each run
 * is sorted by them. Same order as ranking every key up front; stable.
 */
import { take } from '../columnar/column.ts';
import { codesWord, compareCodes, orderCodes, radixWords, sameCodes, sortByWords, tiesOfWords, wordKind, type OrderCodes, type SortColumn } from './keys.ts';

export interface SortedRows {
  /** Row index at each sorted position. */
  readonly order: Int32Array;
  /** tiesPrevious[k] = 1 when sorted position k equals position k - 1 in the lead and every key. */
  readonly tiesPrevious: Uint8Array;
}

export function sortRows(lead: OrderCodes | null, keys: readonly SortColumn[], length: number): SortedRows {
  const leading = lead ? 1 : 0;
  // The first string (or nested) key that has a key before it: from there on, keys are deferred.
  let split = keys.findIndex((k, j) => j + leading > 0 && wordKind(k.column.type) === 'dict');
  if (split < 0) split = keys.length;
  const eager = [...(lead ? [codesWord(lead)] : []), ...keys.slice(0, split).flatMap(radixWords)];
  const order = sortByWords(eager, length);
  const tiesPrevious = tiesOfWords(eager, order);
  const deferred = keys.slice(split);
  if (!deferred.length) return { order, tiesPrevious };

  // The rows of every tie run, each run in sorted order.
  const tied: number[] = [];
  for (let k = 1; k < length; k++) {
    if (tiesPrevious[k] === 0) continue;
    if (k === 1 || tiesPrevious[k - 1] === 0) tied.push(order[k - 1]);
    tied.push(order[k]);
  }
  if (!tied.length) return { order, tiesPrevious };
  const rows = Int32Array.from(tied);
  const at = new Int32Array(length).fill(-1);
  rows.forEach((r, i) => (at[r] = i));
  const codes: OrderCodes[] = deferred.map((k) => orderCodes({ column: take(k.column, rows), ascending: k.ascending, nullsFirst: k.nullsFirst }));
  for (let s = 1; s < length; ) {
    if (tiesPrevious[s] === 0) {
      s++;
      continue;
    }
    let e = s + 1;
    while (e < length && tiesPrevious[e] === 1) e++;
    // the run is order[s - 1 .. e); Array.prototype.sort is stable, so ties keep their order
    const run = Array.from(order.subarray(s - 1, e));
    run.sort((a, b) => compareCodes(codes, at[a], at[b]));
    order.set(run, s - 1);
    for (let k = s; k < e; k++) tiesPrevious[k] = sameCodes(codes, at[order[k - 1]], at[order[k]]) ? 1 : 0;
    s = e;
  }
  return { order, tiesPrevious };
}
