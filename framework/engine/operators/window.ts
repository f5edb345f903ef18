import { allocData, concatBatches, makeColumn, sliceBatch, type Batch, type Column } from '../../columnar/column.ts';
import type { BoundPlan, BoundWindowColumn } from '../../analyze/bound.ts';
import { castColumn } from '../../functions/cast.ts';
import { comparatorFor } from '../../functions/compare.ts';
import { T, type DataType } from '../../schema/types.ts';
import { evaluate } from '../evaluate.ts';
import { rowComparator, sortPermutation } from '../sort-keys.ts';
import { OUTPUT_BATCH_ROWS, type Stream } from '../stream.ts';

/**
 * Window functions: the input is materialized and, per window specification, sorted once by
 * partition and order keys; partitions and peer groups are found in one pass, then each
 * function makes one pass per partition. Output rows keep the input order.
 */
export async function* window(n: Extract<BoundPlan, { kind: 'window' }>, input: Stream): AsyncGenerator<Batch> {
  const parts: Batch[] = [];
  for await (const b of input) if (b.length) parts.push(b);
  if (!parts.length) return;
  const all = concatBatches(n.input.schema, parts);
  const results = n.columns.map((w) => computeWindow(w, all));
  const out: Batch = { schema: n.schema, length: all.length, columns: [...all.columns, ...results] };
  for (let s = 0; s < out.length; s += OUTPUT_BATCH_ROWS) yield sliceBatch(out, s, Math.min(out.length, s + OUTPUT_BATCH_ROWS));
}

function computeWindow(w: BoundWindowColumn, batch: Batch): Column {
  const length = batch.length;
  const partitionKeys = w.partitionBy.map((p) => ({ column: evaluate(p, batch), ascending: true, nullsFirst: true }));
  const orderKeys = w.orderBy.map((k) => ({ column: evaluate(k.expr, batch), ascending: k.ascending, nullsFirst: k.nullsFirst }));
  const order = sortPermutation([...partitionKeys, ...orderKeys], length);
  const samePartition = rowComparator(partitionKeys);
  const samePeer = rowComparator(orderKeys);
  const peerGroupStart = new Int32Array(length);
  const args = w.args.map((a) => evaluate(a, batch));
  const data = allocData(w.type, length);
  const valid = new Uint8Array(length);

  let start = 0;
  while (start < length) {
    let end = start + 1;
    while (end < length && (partitionKeys.length === 0 || samePartition(order[start], order[end]) === 0)) end++;
    for (let k = start; k < end; k++) {
      peerGroupStart[k] = k > start && orderKeys.length > 0 && samePeer(order[k - 1], order[k]) === 0 ? peerGroupStart[k - 1] : orderKeys.length === 0 ? start : k;
    }
    if (w.fn.kind === 'ranking') {
      w.fn.fn.evaluate({ args, argInfo: w.argInfo, order, start, end, peerGroupStart, out: { data, valid } });
    } else {
      aggregateOverFrames(w, args, order, start, end, peerGroupStart, data, valid);
    }
    start = end;
  }
  return makeColumn(w.type, data, valid);
}

/** Frame of the row at sorted position k, as [lo, hi) positions within the partition. */
function frameOf(w: BoundWindowColumn, k: number, start: number, end: number, peerGroupStart: Int32Array): [number, number] {
  const f = w.frame;
  if (f === null) return [start, end];
  if (f.unit === 'range') {
    let hi = k + 1;
    while (hi < end && peerGroupStart[hi] === peerGroupStart[k]) hi++;
    return [start, hi];
  }
  const pos = (b: typeof f.start, isEnd: boolean): number => {
    switch (b.kind) {
      case 'unboundedPreceding':
        return start;
      case 'unboundedFollowing':
        return end;
      case 'currentRow':
        return isEnd ? k + 1 : k;
      case 'offset':
        return Math.min(end, Math.max(start, k + b.rows + (isEnd ? 1 : 0)));
    }
  };
  return [pos(f.start, false), pos(f.end, true)];
}

/**
 * sum/count/avg/min/max over each row's frame. Frames that grow monotonically (the usual
 * running frames) are computed incrementally in one pass; others recompute per row.
 */
function aggregateOverFrames(
  w: BoundWindowColumn,
  args: readonly Column[],
  order: Int32Array,
  start: number,
  end: number,
  peerGroupStart: Int32Array,
  data: Column['data'],
  valid: Uint8Array,
): void {
  const agg = incremental(w.fn.fn.name, w.type, args[0]);
  let lo = -1;
  let hi = -1;
  for (let k = start; k < end; k++) {
    const [flo, fhi] = frameOf(w, k, start, end, peerGroupStart);
    if (flo !== lo || fhi < hi) {
      agg.reset();
      lo = flo;
      hi = flo;
    }
    while (hi < fhi) agg.add(order[hi++]);
    const v = agg.value();
    const row = order[k];
    if (v !== null) {
      (data as { [i: number]: unknown })[row] = v;
      valid[row] = 1;
    }
  }
}

interface Incremental {
  reset(): void;
  add(row: number): void;
  value(): unknown;
}

function incremental(fn: string, type: DataType, arg: Column | undefined): Incremental {
  if (fn === 'count') {
    let n = 0n;
    return { reset: () => void (n = 0n), add: (r) => void (arg === undefined || arg.valid === null || arg.valid[r] === 1 ? n++ : 0), value: () => n };
  }
  if (!arg) throw new Error(`${fn} needs an argument`);
  const isValid = (r: number) => arg.valid === null || arg.valid[r] === 1;
  if (fn === 'sum' || fn === 'avg') {
    const x = castColumn(arg, fn === 'avg' ? T.float64 : type);
    const d = x.data as ArrayLike<number | bigint>;
    const big = x.data instanceof BigInt64Array;
    let s: number | bigint = big ? 0n : 0;
    let n = 0;
    return {
      reset: () => void ((s = big ? 0n : 0), (n = 0)),
      add: (r) => {
        if (!isValid(r)) return;
        s = big ? BigInt.asIntN(64, (s as bigint) + (d[r] as bigint)) : (s as number) + (d[r] as number);
        n++;
      },
      value: () => (n === 0 ? null : fn === 'avg' ? (s as number) / n : s),
    };
  }
  const cmp = comparatorFor(type.kind) as (a: unknown, b: unknown) => number;
  const d = arg.data as ArrayLike<unknown>;
  let best: unknown = null;
  let seen = false;
  const wantMax = fn === 'max';
  return {
    reset: () => void ((best = null), (seen = false)),
    add: (r) => {
      if (!isValid(r)) return;
      if (!seen || (wantMax ? cmp(d[r], best) > 0 : cmp(d[r], best) < 0)) best = d[r];
      seen = true;
    },
    value: () => (seen ? best : null),
  };
}
