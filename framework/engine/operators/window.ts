import { allocData, concatBatches, concatColumns, makeColumn, sliceBatch, sliceColumn, take, type Batch, type Column, type ColumnData } from '../../columnar/column.ts';
import type { BoundExpr, BoundRangeBound, BoundSortKey, BoundWindowColumn, BoundWindowFrame } from '../../analyze/bound.ts';
import { compareBigints, compareDoubles } from '../../functions/compare.ts';
import { castColumn } from '../../functions/cast.ts';
import { decimalAverage, fitDecimal, type DecimalType } from '../../functions/decimal-arith.ts';
import { T } from '../../schema/types.ts';
import { evaluate } from '../evaluate.ts';
import { KeyIndex, orderCodes } from '../keys.ts';
import { sortRows } from '../sort-rows.ts';
import { OUTPUT_BATCH_ROWS, type Stream } from '../stream.ts';
import { overChainInput, type WindowChain, type WindowNode } from '../fuse-windows.ts';
import { projectBatch } from './project.ts';
import type { ExecContext } from '../execute.ts';
import { MAX_SPILL_LEVEL, spillByKey } from '../spill/key-partitions.ts';
import { bufferUpToBudget, withSpillFiles } from '../spill/spill-input.ts';

/**
 * Window functions. The input is materialized (see windowLevel for spilling); columns sharing a
 * window specification share one sort: partition ids from the hash index, order keys as
 * integer codes, one stable radix sort, then partitions and peer groups are found in one
 * linear pass. Each window column then makes one pass over the sorted positions:
 *  - ranking/offset functions: the registry's `evaluate` per partition;
 *  - aggregates over the whole partition (no ORDER BY, or UNBOUNDED both ends): the registry's
 *    accumulator with the partition as the group, O(n);
 *  - count/sum/avg/min/max over other frames (the default RANGE .. CURRENT ROW with peers, or
 *    ROWS BETWEEN): O(n) in all cases: prefix counts, running sums (forward for UNBOUNDED
 *    PRECEDING, backward for UNBOUNDED FOLLOWING), short bounded frames recomputed exactly,
 *    long bounded frames add/remove (doubles keep NaN/infinity counts apart), min/max by a
 *    monotonic deque over order codes;
 *  - any other aggregate over such frames: its accumulator once per row (O(n * frame)).
 * Output: the input columns plus the window columns, rows in the input's order (Spark does
 * not guarantee an order; keeping the input's costs nothing since results are scattered by row).
 * Only the window's own expressions are evaluated over all rows at once: the other input
 * columns pass through in their input batches, never copied into one (user_sessions at 1M
 * events: 10 columns concatenated then sliced again, about 0.4 s of CPU per window).
 * A chain of windows with projects between them runs here as one operator over the
 * materialized input, so that windows over the same keys share one sort (fuse-windows.ts).
 */
export async function* windows(chain: WindowChain, input: Stream, ctx: ExecContext): AsyncGenerator<Batch> {
  yield* windowLevel(chain, input, ctx, sharedPartitionKeys(chain), 0);
}

/**
 * Memory: with a spill folder, once the rows read pass the memory budget, every row is
 * hash-partitioned into spill files on the keys all window columns of the chain partition by,
 * and each file is computed on its own (again partitioned if still too big), as deduplicate
 * does. A window partition lies in one file, in input order, so each gets the same results, ties
 * included; output rows then come file by file. Without a shared key (a window over all rows)
 * the input is held whatever its size.
 */
async function* windowLevel(chain: WindowChain, input: AsyncIterable<Batch> | Iterable<Batch>, ctx: ExecContext, keys: readonly BoundExpr[], level: number): AsyncGenerator<Batch> {
  const spill = keys.length && level < MAX_SPILL_LEVEL ? ctx.spill : undefined;
  const buffered = await bufferUpToBudget(input, spill);
  if (buffered.rest === null) return yield* windowsInMemory(chain, buffered.parts);
  const files = await spillByKey(keys, chain.input.schema, buffered, spill!.dir, level);
  yield* withSpillFiles(
    files,
    (async function* () {
      for (const f of files) yield* windowLevel(chain, f.read(), ctx, keys, level + 1);
    })(),
  );
}

/**
 * The partition keys, written over the chain's input, that every window column of the chain
 * has: rows in one partition of any column agree on them. Keys that read a window's result
 * (not computable before the chain runs) are left out.
 */
function sharedPartitionKeys(chain: WindowChain): BoundExpr[] {
  const perColumn = chain.stages.flatMap((stage, k) =>
    stage.kind === 'window'
      ? stage.columns.map((w) => {
          const keys = new Map<string, BoundExpr>();
          for (const e of w.partitionBy) {
            const over = overChainInput(e, chain, k);
            if (over) keys.set(exprSignature(over), over);
          }
          return keys;
        })
      : [],
  );
  const [first, ...rest] = perColumn;
  return [...first].filter(([sig]) => rest.every((keys) => keys.has(sig))).map(([, e]) => e);
}

function* windowsInMemory(chain: WindowChain, input: readonly Batch[]): Generator<Batch> {
  let parts = input;
  if (!parts.length) return;
  // Sorted layouts by the signature of their keys over the chain's input (fuse-windows.ts).
  const layouts = new Map<string, Layout>();
  chain.stages.forEach((stage, k) => {
    if (stage.kind === 'project') parts = parts.map((b) => projectBatch(stage, b));
    else parts = withWindowColumns(stage, parts, (w) => layoutSignature(w, chain, k), layouts);
  });
  for (const out of parts) {
    if (out.length <= OUTPUT_BATCH_ROWS) yield out;
    else for (let s = 0; s < out.length; s += OUTPUT_BATCH_ROWS) yield sliceBatch(out, s, Math.min(out.length, s + OUTPUT_BATCH_ROWS));
  }
}

/** The input batches, joined up to OUTPUT_BATCH_ROWS, with the window's columns added. */
function withWindowColumns(n: WindowNode, parts: readonly Batch[], signature: (w: BoundWindowColumn) => string, layouts: Map<string, Layout>): Batch[] {
  const rows = allRows(parts);
  const results = n.columns.map((w) => {
    const sig = signature(w);
    let layout = layouts.get(sig);
    if (!layout) layouts.set(sig, (layout = sortLayout(w, rows)));
    return computeWindow(w, rows, layout);
  });
  const out: Batch[] = [];
  let offset = 0;
  for (const group of outputGroups(parts)) {
    const batch = group.length === 1 ? group[0] : concatBatches(n.input.schema, group);
    const end = offset + batch.length;
    const columns = [...batch.columns, ...results.map((r) => sliceColumn(r, offset, end))];
    offset = end;
    out.push({ schema: n.schema, length: batch.length, columns });
  }
  return out;
}

/** All input rows as one, for the window's expressions (evaluated batch by batch, then joined). */
interface Rows {
  readonly length: number;
  column(e: BoundExpr): Column;
}

function allRows(parts: readonly Batch[]): Rows {
  // An input column read by several window columns (a key and an argument) is joined once.
  const inputColumns = new Map<number, Column>();
  const over = (e: BoundExpr): Column => {
    const pieces = parts.map((b) => evaluate(e, b));
    return pieces.length === 1 ? pieces[0] : concatColumns(e.type, pieces);
  };
  return {
    length: parts.reduce((s, b) => s + b.length, 0),
    column(e) {
      if (e.kind !== 'column') return over(e);
      let c = inputColumns.get(e.index);
      if (!c) inputColumns.set(e.index, (c = over(e)));
      return c;
    },
  };
}

/** Consecutive input batches joined up to OUTPUT_BATCH_ROWS, so a filtered input does not come out as many tiny batches. */
function* outputGroups(parts: readonly Batch[]): Generator<Batch[]> {
  let group: Batch[] = [];
  let rows = 0;
  for (const b of parts) {
    if (group.length && rows + b.length > OUTPUT_BATCH_ROWS) {
      yield group;
      group = [];
      rows = 0;
    }
    group.push(b);
    rows += b.length;
  }
  yield group;
}

function exprSignature(e: BoundExpr): string {
  return JSON.stringify(e, (k, v) => (k === 'fn' && v && typeof v === 'object' ? v.name : typeof v === 'bigint' ? `${v}n` : v));
}

/**
 * Equal for window columns that can share a sorted layout: keys that are the same expressions
 * over the chain's input. Keys that read a window's result are compared within their stage only.
 */
function layoutSignature(w: BoundWindowColumn, chain: WindowChain, k: number): string {
  const partitionBy = w.partitionBy.map((e) => overChainInput(e, chain, k));
  const orderBy = w.orderBy.map((key) => overChainInput(key.expr, chain, k));
  if (partitionBy.every((e) => e !== undefined) && orderBy.every((e) => e !== undefined)) {
    return JSON.stringify([partitionBy.map(exprSignature), orderBy.map((e, i) => [exprSignature(e), w.orderBy[i].ascending, w.orderBy[i].nullsFirst])]);
  }
  return JSON.stringify([k, w.partitionBy.map(exprSignature), w.orderBy.map((key) => [exprSignature(key.expr), key.ascending, key.nullsFirst])]);
}

interface Layout {
  /** Row index at each sorted position. */
  readonly order: Int32Array;
  /** Partition id of each row (input order), dense from 0. */
  readonly partitionOf: Int32Array;
  readonly partitions: number;
  /** Sorted positions where partitions start, plus the end. */
  readonly bounds: Int32Array;
  /** Per sorted position: where its peer group starts / ends (exclusive). */
  readonly peerStart: Int32Array;
  readonly peerEnd: Int32Array;
  /** The first order key's values by row (RANGE frames with value bounds have exactly one key). */
  readonly firstKey: Column | undefined;
}

function sortLayout(w: BoundWindowColumn, rows: Rows): Layout {
  const length = rows.length;
  const index = new KeyIndex();
  const partitionOf = index.assign(w.partitionBy.map((p) => rows.column(p)), length);
  const partitions = w.partitionBy.length ? index.size : 1;
  const keys = w.orderBy.map((k) => ({ column: rows.column(k.expr), ascending: k.ascending, nullsFirst: k.nullsFirst }));
  const { order, tiesPrevious } = sortRows({ codes: partitionOf, buckets: partitions }, keys, length);
  const bounds = new Int32Array(partitions + 1);
  const peerStart = new Int32Array(length);
  const peerEnd = new Int32Array(length);
  let p = 0;
  for (let k = 0; k < length; k++) {
    const row = order[k];
    const newPartition = k === 0 || partitionOf[order[k - 1]] !== partitionOf[row];
    if (newPartition) bounds[p++] = k;
    // without ORDER BY, a whole partition is one peer group
    peerStart[k] = newPartition || (keys.length > 0 && tiesPrevious[k] === 0) ? k : peerStart[k - 1];
  }
  bounds[p] = length;
  for (let k = length - 1; k >= 0; k--) peerEnd[k] = k + 1 < length && peerStart[k + 1] === peerStart[k] ? peerEnd[k + 1] : k + 1;
  return { order, partitionOf, partitions, bounds, peerStart, peerEnd, firstKey: keys[0]?.column };
}

function computeWindow(w: BoundWindowColumn, rows: Rows, L: Layout): Column {
  const length = rows.length;
  const args = w.args.map((a) => rows.column(a));
  if (w.fn.kind === 'ranking') {
    const data = allocData(w.type, length);
    const valid = new Uint8Array(length);
    for (let p = 0; p < L.partitions; p++) {
      w.fn.fn.evaluate({ args, argInfo: w.argInfo, order: L.order, start: L.bounds[p], end: L.bounds[p + 1], peerGroupStart: L.peerStart, out: { data, valid } });
    }
    return makeColumn(w.type, data, valid);
  }
  const fn = w.fn.fn;
  const f = w.frame;
  const whole = f === null || (f.start.kind === 'unboundedPreceding' && f.end.kind === 'unboundedFollowing');
  if (whole) {
    // One group per partition: the registry's own accumulator, exactly as GROUP BY computes it.
    // With an ORDER BY, rows go in window order, as Spark feeds them: first/last, max_by ties and
    // double sums depend on it.
    const acc = fn.accumulator(w.argInfo, w.type, false);
    if (f === null) acc.update(L.partitionOf, L.partitions, args, length);
    else acc.update(Int32Array.from(L.order, (row) => L.partitionOf[row]), L.partitions, args.map((a) => take(a, L.order)), length);
    return take(acc.finish(L.partitions), L.partitionOf);
  }
  const { lo, hi } = f.unit === 'rows' ? rowFrames(f, L, length) : rangeFrames(f, w.orderBy[0], L, length);
  const shape: FrameShape = f.start.kind === 'unboundedPreceding' ? 'running' : f.end.kind === 'unboundedFollowing' ? 'suffix' : 'sliding';
  // The kernels below slide over frames whose both ends move forward; a RANGE bound whose key
  // arithmetic wraps around (Spark's int and long do) can move one back: then row by row.
  if (!monotone(lo, hi, L)) return genericOverFrames(w, args, L, lo, hi);
  const width = shape === 'sliding' ? (f.unit === 'rows' ? boundOffset(f.end) - boundOffset(f.start) + 1 : widest(lo, hi)) : Infinity;
  switch (fn.name) {
    case 'count':
      return countOverFrames(args[0], L.order, lo, hi, length);
    case 'sum':
    case 'avg':
      if (args[0].type.kind === 'decimal') return decimalSumOverFrames(args[0], args[0].type, fn.name === 'avg', w, L, lo, hi);
      // Interval sums fail on overflow as Spark's do: each frame through the checked accumulator.
      if (args[0].type.kind === 'interval') return genericOverFrames(w, args, L, lo, hi);
      return sumOverFrames(args[0], fn.name === 'avg', w, L, lo, hi, shape, width);
    case 'min':
    case 'max':
      return extremeOverFrames(args[0], fn.name === 'max', L, lo, hi);
    default:
      return genericOverFrames(w, args, L, lo, hi);
  }
}

type FrameShape = 'running' | 'suffix' | 'sliding';

function boundOffset(b: Extract<BoundWindowColumn['frame'], { unit: 'rows' }>['start']): number {
  return b.kind === 'offset' ? b.rows : b.kind === 'currentRow' ? 0 : b.kind === 'unboundedPreceding' ? -Infinity : Infinity;
}

/** Each sorted position's ROWS frame as [lo, hi) sorted positions; both are nondecreasing within a partition. */
function rowFrames(f: Extract<BoundWindowFrame, { unit: 'rows' }>, L: Layout, length: number): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(length);
  const hi = new Int32Array(length);
  for (let p = 0; p < L.partitions; p++) {
    const s = L.bounds[p];
    const e = L.bounds[p + 1];
    for (let k = s; k < e; k++) {
      const a = f.start.kind === 'unboundedPreceding' ? s : f.start.kind === 'unboundedFollowing' ? e : Math.min(e, Math.max(s, k + (f.start.kind === 'offset' ? f.start.rows : 0)));
      const b = f.end.kind === 'unboundedFollowing' ? e : f.end.kind === 'unboundedPreceding' ? s : Math.min(e, Math.max(s, k + 1 + (f.end.kind === 'offset' ? f.end.rows : 0)));
      lo[k] = a;
      hi[k] = b < a ? a : b;
    }
  }
  return { lo, hi };
}

/**
 * Each sorted position's RANGE frame as [lo, hi), as Spark 3.5 computes it: CURRENT ROW is the
 * row's peer group; a value bound takes the rows whose key lies within the row's key plus the
 * offset (PRECEDING toward the start of the window order, so toward larger keys when descending),
 * computed in the key's type as Spark's Add does (int and long wrap). Null keys are their own
 * peer group: a value bound of a row with a null key is that group, and a non-null row's value
 * bounds never reach a null key (the unbounded ones do).
 */
function rangeFrames(f: Extract<BoundWindowFrame, { unit: 'range' }>, key: BoundSortKey, L: Layout, length: number): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(length);
  const hi = new Int32Array(length);
  const { order, peerStart, peerEnd } = L;
  const valued = f.start.kind === 'value' || f.end.kind === 'value';
  const keys = valued ? rangeKeys(L.firstKey!) : undefined;
  const isNull = (k: number) => keys !== undefined && keys.valid !== null && keys.valid[order[k]] === 0;
  // Where non-null keys begin and end in each partition: nulls sort to one end.
  for (let p = 0; p < L.partitions; p++) {
    const s = L.bounds[p];
    const e = L.bounds[p + 1];
    let ns = s;
    let ne = e;
    if (keys) {
      if (key.nullsFirst) while (ns < e && isNull(ns)) ns++;
      else while (ne > s && isNull(ne - 1)) ne--;
    }
    for (let k = s; k < e; k++) {
      const bound = (b: BoundRangeBound, atEnd: boolean): number => {
        switch (b.kind) {
          case 'unboundedPreceding':
            return s;
          case 'unboundedFollowing':
            return e;
          case 'currentRow':
            return atEnd ? peerEnd[k] : peerStart[k];
          case 'value': {
            if (isNull(k)) return atEnd ? peerEnd[k] : peerStart[k];
            // Toward larger keys: FOLLOWING when ascending, PRECEDING when descending.
            const up = b.preceding !== key.ascending;
            const target = keys!.shift(order[k], b.amount, up);
            // The first position at or past the target in window order (start), or past it (end).
            let a = ns;
            let z = ne;
            while (a < z) {
              const m = (a + z) >>> 1;
              const c = keys!.compare(order[m], target) * (key.ascending ? 1 : -1);
              if (c < 0 || (atEnd && c === 0)) a = m + 1;
              else z = m;
            }
            return a;
          }
        }
      };
      const a = bound(f.start, false);
      const b = bound(f.end, true);
      lo[k] = a;
      hi[k] = b < a ? a : b;
    }
  }
  return { lo, hi };
}

/** An order key's values with Spark's arithmetic and ordering for RANGE bounds. */
interface RangeKeys {
  readonly valid: Uint8Array | null;
  /** The key of `row` moved by `amount` toward larger (`up`) or smaller values. */
  shift(row: number, amount: number | bigint, up: boolean): number | bigint;
  /** The key of `row` against a shifted value: negative, zero, positive. */
  compare(row: number, target: number | bigint): number;
}

function rangeKeys(c: Column): RangeKeys {
  const t = c.type;
  if (c.data instanceof BigInt64Array || t.kind === 'decimal') {
    const d = c.data as ArrayLike<bigint>;
    // Decimals add exactly (Spark widens the precision); long-stored timestamps and bigints wrap as Java's long.
    const wrap = t.kind === 'decimal' ? (v: bigint) => v : (v: bigint) => BigInt.asIntN(64, v);
    return {
      valid: c.valid,
      shift: (row, amount, up) => wrap(up ? d[row] + (amount as bigint) : d[row] - (amount as bigint)),
      compare: (row, target) => compareBigints(d[row], target as bigint),
    };
  }
  const d = c.data as Int32Array | Float64Array;
  const fit = t.kind === 'float32' ? Math.fround : t.kind === 'float64' ? (v: number) => v : (v: number) => v | 0;
  return {
    valid: c.valid,
    shift: (row, amount, up) => fit(up ? d[row] + (amount as number) : d[row] - (amount as number)),
    compare: (row, target) => compareDoubles(d[row], target as number),
  };
}

/** Whether lo and hi never move back within a partition. */
function monotone(lo: Int32Array, hi: Int32Array, L: Layout): boolean {
  for (let p = 0; p < L.partitions; p++) {
    for (let k = L.bounds[p] + 1; k < L.bounds[p + 1]; k++) if (lo[k] < lo[k - 1] || hi[k] < hi[k - 1]) return false;
  }
  return true;
}

function widest(lo: Int32Array, hi: Int32Array): number {
  let w = 0;
  for (let k = 0; k < lo.length; k++) w = Math.max(w, hi[k] - lo[k]);
  return w;
}

/** Prefix counts of non-null rows by sorted position (all rows when there is no argument). */
function prefixCounts(arg: Column | undefined, order: Int32Array, length: number): Int32Array {
  const P = new Int32Array(length + 1);
  const v = arg?.valid ?? null;
  for (let k = 0; k < length; k++) P[k + 1] = P[k] + (v === null || v[order[k]] === 1 ? 1 : 0);
  return P;
}

function countOverFrames(arg: Column | undefined, order: Int32Array, lo: Int32Array, hi: Int32Array, length: number): Column {
  const P = prefixCounts(arg, order, length);
  const out = new BigInt64Array(length);
  for (let k = 0; k < length; k++) out[order[k]] = BigInt(P[hi[k]] - P[lo[k]]);
  return makeColumn(T.int64, out, null);
}

/**
 * sum/avg of decimals over frames: exact prefix sums in unbounded bigints, each frame's sum and
 * average then Spark's (decimal-arith.ts), as the GROUP BY accumulator computes them.
 */
function decimalSumOverFrames(arg: Column, input: DecimalType, average: boolean, w: BoundWindowColumn, L: Layout, lo: Int32Array, hi: Int32Array): Column {
  const { order } = L;
  const length = order.length;
  const counts = prefixCounts(arg, order, length);
  const d = arg.data as ArrayLike<bigint>;
  const v = arg.valid;
  const P = new Array<bigint>(length + 1);
  P[0] = 0n;
  for (let k = 0; k < length; k++) P[k + 1] = v === null || v[order[k]] === 1 ? P[k] + d[order[k]] : P[k];
  const out = allocData(w.type, length) as { [i: number]: bigint };
  const valid = new Uint8Array(length);
  const precision = (w.type as DecimalType).precision;
  for (let k = 0; k < length; k++) {
    const n = counts[hi[k]] - counts[lo[k]];
    if (n === 0) continue;
    const sum = P[hi[k]] - P[lo[k]];
    const value = average ? decimalAverage(sum, BigInt(n), input) : fitDecimal(sum, precision);
    if (value === null) continue;
    out[order[k]] = value;
    valid[order[k]] = 1;
  }
  return makeColumn(w.type, out as unknown as ColumnData, valid);
}

function sumOverFrames(arg: Column, average: boolean, w: BoundWindowColumn, L: Layout, lo: Int32Array, hi: Int32Array, shape: FrameShape, width: number): Column {
  const { order } = L;
  const length = order.length;
  const resultType = average ? T.float64 : w.type;
  const x = castColumn(arg, resultType);
  const counts = prefixCounts(x, order, length);
  const valid = new Uint8Array(length);
  for (let k = 0; k < length; k++) if (counts[hi[k]] > counts[lo[k]]) valid[order[k]] = 1;
  const xv = x.valid;

  if (x.data instanceof BigInt64Array) {
    // Integer sums: prefix sums in 64-bit two's complement, so differences are the exact wrapped sums (Spark's long overflow).
    const d = x.data;
    const P = new BigInt64Array(length + 1);
    for (let k = 0; k < length; k++) {
      const r = order[k];
      P[k + 1] = xv === null || xv[r] === 1 ? P[k] + d[r] : P[k];
    }
    const out = new BigInt64Array(length);
    for (let k = 0; k < length; k++) if (valid[order[k]] === 1) out[order[k]] = P[hi[k]] - P[lo[k]];
    return makeColumn(resultType, out, valid);
  }

  const d = x.data as Float64Array;
  // Values in sorted order, 0 for nulls.
  const v = new Float64Array(length);
  for (let k = 0; k < length; k++) {
    const r = order[k];
    v[k] = xv === null || xv[r] === 1 ? d[r] : 0;
  }
  const sums = new Float64Array(length);
  for (let p = 0; p < L.partitions; p++) {
    const s = L.bounds[p];
    const e = L.bounds[p + 1];
    if (shape === 'running') {
      // Frames start at the partition start: add in window order, as Spark does.
      let acc = 0;
      let j = s;
      for (let k = s; k < e; k++) {
        while (j < hi[k]) acc += v[j++];
        sums[k] = acc;
      }
    } else if (shape === 'suffix') {
      let acc = 0;
      let j = e;
      for (let k = e - 1; k >= s; k--) {
        while (j > lo[k]) acc += v[--j];
        sums[k] = acc;
      }
    } else if (width <= 64) {
      for (let k = s; k < e; k++) {
        let acc = 0;
        for (let j = lo[k]; j < hi[k]; j++) acc += v[j];
        sums[k] = acc;
      }
    } else {
      // Long sliding frames: add and remove finite values; NaN and infinities are counted apart so they leave the frame cleanly.
      let acc = 0;
      let nan = 0;
      let pos = 0;
      let neg = 0;
      let a = s;
      let b = s;
      const add = (x: number, sign: 1 | -1) => {
        if (x !== x) nan += sign;
        else if (x === Infinity) pos += sign;
        else if (x === -Infinity) neg += sign;
        else acc += sign * x;
      };
      for (let k = s; k < e; k++) {
        while (b < hi[k]) add(v[b++], 1);
        while (a < lo[k]) add(v[a++], -1);
        sums[k] = nan > 0 || (pos > 0 && neg > 0) ? NaN : pos > 0 ? Infinity : neg > 0 ? -Infinity : acc;
      }
    }
  }
  const out = new Float64Array(length);
  for (let k = 0; k < length; k++) {
    const r = order[k];
    if (valid[r] === 0) continue;
    out[r] = average ? sums[k] / (counts[hi[k]] - counts[lo[k]]) : sums[k];
  }
  return makeColumn(resultType, out, valid);
}

/** min/max over monotone frames: a monotonic deque of sorted positions, compared by order codes. */
function extremeOverFrames(arg: Column, wantMax: boolean, L: Layout, lo: Int32Array, hi: Int32Array): Column {
  const { order } = L;
  const length = order.length;
  const { codes } = orderCodes({ column: arg, ascending: !wantMax, nullsFirst: true });
  const v = arg.valid;
  const pick = new Int32Array(length).fill(-1);
  const deque = new Int32Array(length);
  for (let p = 0; p < L.partitions; p++) {
    const s = L.bounds[p];
    const e = L.bounds[p + 1];
    let head = 0;
    let tail = 0;
    let j = s;
    for (let k = s; k < e; k++) {
      while (j < hi[k]) {
        const r = order[j];
        if (v === null || v[r] === 1) {
          const c = codes[r];
          while (tail > head && codes[order[deque[tail - 1]]] > c) tail--;
          deque[tail++] = j;
        }
        j++;
      }
      while (tail > head && deque[head] < lo[k]) head++;
      if (tail > head) pick[order[k]] = order[deque[head]];
    }
  }
  return take(arg, pick);
}

/** Any other aggregate: its accumulator over each row's frame (correct, O(n * frame size)). */
function genericOverFrames(w: BoundWindowColumn, args: readonly Column[], L: Layout, lo: Int32Array, hi: Int32Array): Column {
  const { order } = L;
  const length = order.length;
  const acc = (w.fn as Extract<BoundWindowColumn['fn'], { kind: 'aggregate' }>).fn.accumulator(w.argInfo, w.type, false);
  const rows: number[] = [];
  const groups: number[] = [];
  for (let k = 0; k < length; k++) {
    for (let j = lo[k]; j < hi[k]; j++) {
      rows.push(order[j]);
      groups.push(k);
    }
    if (rows.length >= 65_536 || k === length - 1) {
      acc.update(Int32Array.from(groups), length, args.map((a) => take(a, rows)), rows.length);
      rows.length = 0;
      groups.length = 0;
    }
  }
  // Results are per sorted position; scatter them back to rows.
  const byPosition = acc.finish(length);
  const inverse = new Int32Array(length);
  for (let k = 0; k < length; k++) inverse[order[k]] = k;
  return take(byPosition, inverse);
}
