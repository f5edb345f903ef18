/**
 * Aggregate functions. Accumulators keep one slot per group in typed arrays that grow as
 * groups appear, and update from whole columns with a group id per row.
 */
import { allocData, makeColumn, type Column, type ColumnData } from '../columnar/column.ts';
import { T, isNumeric, isOrderable, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { avgType as decimalAvgType, decimalAverage, fitDecimal, sumType as decimalSumType, type DecimalType } from './decimal-arith.ts';
import { comparatorFor } from './compare.ts';
import { divideHalfUp, inLong } from './interval.ts';
import { isValidAt } from './kernel-util.ts';
import { arrayOf } from './nested.ts';
import type { Accumulator, AggregateFunction, ArgInfo } from './registry.ts';

/** A per-group value store of one storage type that doubles its capacity on demand. */
class Slots {
  data: ColumnData;
  seen: Uint8Array;
  constructor(readonly type: DataType) {
    this.data = allocData(type, 64);
    this.seen = new Uint8Array(64);
  }
  ensure(n: number): void {
    if (n <= this.seen.length) return;
    let cap = this.seen.length;
    while (cap < n) cap *= 2;
    const data = allocData(this.type, cap);
    if (Array.isArray(data)) (this.data as unknown[]).forEach((v, i) => ((data as unknown[])[i] = v));
    else (data as Int32Array).set(this.data as Int32Array);
    const seen = new Uint8Array(cap);
    seen.set(this.seen);
    this.data = data;
    this.seen = seen;
  }
  finish(n: number, nullWhenUnseen: boolean): Column {
    const data = (this.data as Int32Array).slice(0, n) as unknown as ColumnData;
    return makeColumn(this.type, Array.isArray(this.data) ? (this.data.slice(0, n) as ColumnData) : data, nullWhenUnseen ? this.seen.slice(0, n) : null);
  }
}


/** What count counts: rows (count()), non-null values (count(x)) or true values (count_if(p)). */
type Counted = 'rows' | 'values' | 'trues';

function countAccumulator(distinct: boolean, counted: Counted): Accumulator {
  // Counts are doubles while counting (exact below 2^53, and far cheaper than BigInt increments).
  const counts = new Slots(T.float64);
  const sets: Set<unknown>[] = [];
  return {
    update(groups, numGroups, args, length) {
      counts.ensure(numGroups);
      const c = counts.data as Float64Array;
      if (counted === 'rows') {
        for (let i = 0; i < length; i++) c[groups[i]]++;
        return;
      }
      const x = args[0];
      const d = x.data as ArrayLike<unknown>;
      const v = x.valid;
      if (counted === 'trues') {
        // Booleans are 0/1 bytes: a valid row adds its value.
        for (let i = 0; i < length; i++) if (v === null || v[i] === 1) c[groups[i]] += d[i] as number;
        return;
      }
      if (!distinct) {
        if (v === null) for (let i = 0; i < length; i++) c[groups[i]]++;
        else for (let i = 0; i < length; i++) c[groups[i]] += v[i];
        return;
      }
      const halves = d instanceof BigInt64Array ? new Int32Array(d.buffer, d.byteOffset, 2 * length) : null;
      for (let i = 0; i < length; i++) {
        if (v !== null && v[i] === 0) continue;
        const g = groups[i];
        let s = sets[g];
        if (!s) sets[g] = s = new Set();
        s.add(halves !== null ? longDistinctKey(halves, i, d as BigInt64Array) : distinctKey(d[i]));
      }
    },
    finish(n) {
      counts.ensure(n);
      const c = counts.data as Float64Array;
      const out = new BigInt64Array(n);
      for (let g = 0; g < n; g++) out[g] = BigInt(distinct ? (sets[g]?.size ?? 0) : c[g]);
      return makeColumn(T.int64, out, null);
    },
  };
}

/**
 * sum(int): Spark sums as a long that wraps on overflow. Values are added into a double per
 * group (exact while below 2^53) and carried into the BigInt64Array sum before they could lose
 * precision; addition modulo 2^64 is associative, so the wrapped result is Spark's.
 */
function intSumAccumulator(): Accumulator {
  const partial = new Slots(T.float64);
  const sums = new Slots(T.int64);
  const LIMIT = 2 ** 52;
  return {
    update(groups, numGroups, args, length) {
      partial.ensure(numGroups);
      sums.ensure(numGroups);
      const x = args[0];
      const d = x.data as Int32Array;
      const v = x.valid;
      const p = partial.data as Float64Array;
      const s = sums.data as BigInt64Array;
      const seen = sums.seen;
      for (let i = 0; i < length; i++) {
        if (v !== null && v[i] === 0) continue;
        const g = groups[i];
        const t = p[g] + d[i];
        if (t > LIMIT || t < -LIMIT) {
          s[g] += BigInt(t);
          p[g] = 0;
        } else p[g] = t;
        seen[g] = 1;
      }
    },
    finish(n) {
      partial.ensure(n);
      sums.ensure(n);
      const p = partial.data as Float64Array;
      const s = sums.data as BigInt64Array;
      for (let g = 0; g < n; g++) {
        s[g] += BigInt(p[g]);
        p[g] = 0;
      }
      return sums.finish(n, true);
    },
  };
}

/**
 * The distinct-set key of a 64-bit value (row i of `d`, read through its 32-bit halves): a number
 * when the value is exact as one (|v| <= 2^53), else the bigint. Each value has one key, so sets
 * count as before, without a BigInt made per row and hashed by the set.
 */
function longDistinctKey(halves: Int32Array, i: number, d: BigInt64Array): number | bigint {
  const high = halves[2 * i + 1];
  return high >= -0x200000 && high < 0x200000 ? high * 0x100000000 + (halves[2 * i] >>> 0) : d[i];
}

/** Spark counts NaN once and -0.0 as 0.0 in DISTINCT. */
function distinctKey(v: unknown): unknown {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === 0 ? 0 : v;
  if (typeof v === 'object' && v !== null) return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
  return v;
}

function sumType(t: DataType): DataType | { problem: string } {
  if (t.kind === 'int32' || t.kind === 'int64') return T.int64;
  if (t.kind === 'interval') return T.interval;
  if (t.kind === 'float32' || t.kind === 'float64' || t.kind === 'null') return T.float64;
  if (t.kind === 'decimal') return decimalSumType(t);
  return { problem: `needs numbers, got ${typeToString(t)}` };
}

/**
 * sum and avg over decimals, exact: the values add up in unbounded bigints and the result is
 * Spark's (decimal-arith.ts): the sum null when it has more digits than decimal(p+10), the
 * average the sum divided as Spark divides it, in decimal(p+4, s+4).
 */
function decimalSumAccumulator(input: DecimalType, result: DataType, distinct: boolean, average: boolean): Accumulator {
  const sums: bigint[] = [];
  const counts: bigint[] = [];
  const sets: Set<bigint>[] = [];
  return {
    update(groups, _numGroups, args, length) {
      const x = args[0];
      const d = x.data as ArrayLike<bigint>;
      for (let i = 0; i < length; i++) {
        if (!isValidAt(x, i)) continue;
        const g = groups[i];
        if (distinct && !firstInGroup(sets, g, d[i])) continue;
        sums[g] = (sums[g] ?? 0n) + d[i];
        counts[g] = (counts[g] ?? 0n) + 1n;
      }
    },
    finish(n) {
      const out = new Slots(result);
      out.ensure(n);
      const o = out.data as { [i: number]: bigint };
      for (let g = 0; g < n; g++) {
        if (counts[g] === undefined) continue;
        const v = average ? decimalAverage(sums[g], counts[g], input) : fitDecimal(sums[g], (result as DecimalType).precision);
        if (v === null) continue;
        o[g] = v;
        out.seen[g] = 1;
      }
      return out.finish(n, true);
    },
  };
}

function sumAccumulator(result: DataType, distinct: boolean, average: boolean): Accumulator {
  const sums = new Slots(average ? T.float64 : result);
  const counts = new Slots(T.int64);
  const sets: Set<unknown>[] = [];
  return {
    update(groups, numGroups, args, length) {
      sums.ensure(numGroups);
      counts.ensure(numGroups);
      const x = average ? castColumn(args[0], T.float64) : castColumn(args[0], result);
      const d = x.data as ArrayLike<number | bigint>;
      const s = sums.data as { [i: number]: number | bigint };
      const c = counts.data as BigInt64Array;
      for (let i = 0; i < length; i++) {
        if (!isValidAt(x, i)) continue;
        const g = groups[i];
        if (distinct) {
          let set = sets[g];
          if (!set) sets[g] = set = new Set();
          const k = distinctKey(d[i]);
          if (set.has(k)) continue;
          set.add(k);
        }
        // BigInt64Array stores wrap like Spark's long sum; doubles add as doubles.
        s[g] = (s[g] as number) + (d[i] as number);
        c[g]++;
        sums.seen[g] = 1;
      }
    },
    finish(n) {
      sums.ensure(n);
      if (average) {
        const s = sums.data as Float64Array;
        const c = counts.data as BigInt64Array;
        for (let g = 0; g < n; g++) if (sums.seen[g]) s[g] = s[g] / Number(c[g]);
      }
      return sums.finish(n, true);
    },
  };
}

/**
 * sum and avg of intervals, as Spark: an interval, each addition checked (an overflow fails the
 * job, also in non-ANSI mode, as Spark's IntervalMathUtils.addExact does), the average the sum
 * divided by the count rounded half away from zero (Spark's DivideDTInterval).
 */
function intervalSumAccumulator(distinct: boolean, average: boolean): Accumulator {
  const sums = new Slots(T.interval);
  const counts = new Slots(T.int64);
  const sets: Set<bigint>[] = [];
  const what = average ? 'avg of intervals: the sum' : 'sum of intervals';
  return {
    update(groups, numGroups, args, length) {
      sums.ensure(numGroups);
      counts.ensure(numGroups);
      const x = args[0];
      const d = x.data as BigInt64Array;
      const s = sums.data as BigInt64Array;
      const c = counts.data as BigInt64Array;
      for (let i = 0; i < length; i++) {
        if (!isValidAt(x, i)) continue;
        const g = groups[i];
        if (distinct && !firstInGroup(sets, g, d[i])) continue;
        s[g] = inLong(s[g] + d[i], what, 'long overflow');
        c[g]++;
        sums.seen[g] = 1;
      }
    },
    finish(n) {
      sums.ensure(n);
      counts.ensure(n);
      if (average) {
        const s = sums.data as BigInt64Array;
        const c = counts.data as BigInt64Array;
        for (let g = 0; g < n; g++) if (sums.seen[g]) s[g] = divideHalfUp(s[g], c[g]);
      }
      return sums.finish(n, true);
    },
  };
}

function extremeAccumulator(type: DataType, wantMax: boolean): Accumulator {
  const best = new Slots(type);
  const cmp = comparatorFor(type.kind) as (a: unknown, b: unknown) => number;
  return {
    update(groups, numGroups, args, length) {
      best.ensure(numGroups);
      const x = args[0];
      const d = x.data as ArrayLike<unknown>;
      const b = best.data as { [i: number]: unknown };
      for (let i = 0; i < length; i++) {
        if (!isValidAt(x, i)) continue;
        const g = groups[i];
        if (!best.seen[g]) {
          best.seen[g] = 1;
          b[g] = d[i];
        } else {
          const c = cmp(d[i], b[g]);
          if (wantMax ? c > 0 : c < 0) b[g] = d[i];
        }
      }
    },
    finish: (n) => {
      best.ensure(n);
      return best.finish(n, true);
    },
  };
}

/**
 * first/last (and any_value, Spark's first): the value of the first (last) row in input order,
 * null included unless `ignoreNulls`. Input order is what Spark's update sees, so within one
 * partition of the input the result is Spark's; across partitions Spark's is nondeterministic.
 */
function pickAccumulator(type: DataType, last: boolean, ignoreNulls: boolean): Accumulator {
  const picked = new Slots(type);
  // A picked null is still a pick (ignoreNulls = false): `taken` says a row was seen, `seen` a value.
  const taken = new Slots(T.boolean);
  return {
    update(groups, numGroups, args, length) {
      picked.ensure(numGroups);
      taken.ensure(numGroups);
      const x = args[0];
      const d = x.data as ArrayLike<unknown>;
      const p = picked.data as { [i: number]: unknown };
      for (let i = 0; i < length; i++) {
        const valid = isValidAt(x, i);
        const g = groups[i];
        if ((ignoreNulls && !valid) || (!last && taken.seen[g])) continue;
        taken.seen[g] = 1;
        picked.seen[g] = valid ? 1 : 0;
        if (valid) p[g] = d[i];
      }
    },
    finish: (n) => {
      picked.ensure(n);
      return picked.finish(n, true);
    },
  };
}

/**
 * max_by(x, ord) / min_by(x, ord): x of the row with the largest (smallest) non-null ord; x may
 * be null. Spark keeps the held row only while its ord is strictly better, so of tied rows the
 * last in input order wins.
 */
function extremeByAccumulator(valueType: DataType, orderType: DataType, wantMax: boolean): Accumulator {
  const values = new Slots(valueType);
  const best = new Slots(orderType);
  const cmp = comparatorFor(orderType.kind) as (a: unknown, b: unknown) => number;
  return {
    update(groups, numGroups, args, length) {
      values.ensure(numGroups);
      best.ensure(numGroups);
      const [x, ord] = args;
      const xd = x.data as ArrayLike<unknown>;
      const od = ord.data as ArrayLike<unknown>;
      const v = values.data as { [i: number]: unknown };
      const b = best.data as { [i: number]: unknown };
      for (let i = 0; i < length; i++) {
        if (!isValidAt(ord, i)) continue;
        const g = groups[i];
        if (best.seen[g]) {
          const c = cmp(b[g], od[i]);
          if (wantMax ? c > 0 : c < 0) continue;
        }
        best.seen[g] = 1;
        b[g] = od[i];
        values.seen[g] = isValidAt(x, i) ? 1 : 0;
        if (values.seen[g]) v[g] = xd[i];
      }
    },
    finish: (n) => {
      values.ensure(n);
      return values.finish(n, true);
    },
  };
}

/**
 * Statistics over the rows whose arguments (cast to double, as Spark casts them) are all
 * non-null, with `width` running doubles per group (the first the row count). `add` updates a
 * group's state at `at` with row i; `result` reads it (null for none). Spark updates its
 * central moments one row at a time (Welford), so the same recurrences give its doubles.
 */
function statisticAccumulator(
  width: number,
  add: (s: Float64Array, at: number, x: readonly Float64Array[], i: number) => void,
  result: (s: Float64Array, at: number) => number | null,
): Accumulator {
  let state = new Float64Array(64 * width);
  return {
    update(groups, numGroups, args, length) {
      if (numGroups * width > state.length) {
        const grown = new Float64Array(Math.max(numGroups * width, state.length * 2));
        grown.set(state);
        state = grown;
      }
      const cols = args.map((a) => castColumn(a, T.float64));
      const data = cols.map((c) => c.data as Float64Array);
      for (let i = 0; i < length; i++) if (cols.every((c) => isValidAt(c, i))) add(state, groups[i] * width, data, i);
    },
    finish(n) {
      const out = new Slots(T.float64);
      out.ensure(n);
      const o = out.data as Float64Array;
      for (let g = 0; g < n; g++) {
        const r = g * width < state.length && state[g * width] > 0 ? result(state, g * width) : null;
        if (r === null) continue;
        o[g] = r;
        out.seen[g] = 1;
      }
      return out.finish(n, true);
    },
  };
}

/** Spark's CentralMomentAgg update: state [n, mean, m2]. */
function addMoment(s: Float64Array, at: number, x: readonly Float64Array[], i: number): void {
  const v = x[0][i];
  const n = ++s[at];
  const delta = v - s[at + 1];
  const deltaN = delta / n;
  s[at + 1] += deltaN;
  s[at + 2] += delta * (delta - deltaN);
}

/** Spark's PearsonCorrelation update: state [n, xMean, yMean, ck, xMk, yMk]. */
function addCorrelation(s: Float64Array, at: number, x: readonly Float64Array[], i: number): void {
  const xv = x[0][i];
  const yv = x[1][i];
  const n = ++s[at];
  const dx = xv - s[at + 1];
  const dy = yv - s[at + 2];
  s[at + 1] += dx / n;
  s[at + 2] += dy / n;
  s[at + 3] += dx * (yv - s[at + 2]);
  s[at + 4] += dx * (xv - s[at + 1]);
  s[at + 5] += dy * (yv - s[at + 2]);
}

/**
 * The variance family. Sample statistics of one row divide by zero: null in Spark 3
 * (spark.sql.legacy.statisticalAggregate=false), as is any statistic of no rows.
 */
const moments = (name: string, description: string, sample: boolean, root: boolean): AggregateFunction => ({
  name,
  description,
  arity: [1, 1],
  supportsDistinct: false,
  resolve: (args) => numericToDouble(one(args)),
  accumulator: () =>
    statisticAccumulator(3, addMoment, (s, at) => {
      const n = s[at];
      if (sample && n === 1) return null;
      const v = s[at + 2] / (sample ? n - 1 : n);
      return root ? Math.sqrt(v) : v;
    }),
  sql: (a) => `${name}(${a[0]})`,
});

function numericToDouble(t: DataType): DataType | { problem: string } {
  return isNumeric(t) || t.kind === 'null' ? T.float64 : { problem: `needs numbers, got ${typeToString(t)}` };
}

/**
 * percentile(x, p) and median, exact: Spark sorts the group's values and interpolates linearly
 * between the two around position (count - 1) * p (Percentile.getPercentile).
 */
function percentileAccumulator(p: number): Accumulator {
  const values: number[][] = [];
  return {
    update(groups, _numGroups, args, length) {
      const x = castColumn(args[0], T.float64);
      const d = x.data as Float64Array;
      for (let i = 0; i < length; i++) if (isValidAt(x, i)) (values[groups[i]] ??= []).push(d[i]);
    },
    finish(n) {
      const out = new Slots(T.float64);
      out.ensure(n);
      const o = out.data as Float64Array;
      const cmp = comparatorFor('float64') as (a: number, b: number) => number;
      for (let g = 0; g < n; g++) {
        const v = values[g];
        if (!v) continue;
        v.sort(cmp);
        const position = (v.length - 1) * p;
        const lower = Math.floor(position);
        const higher = Math.ceil(position);
        // No interpolation at a whole position or between equal values (Spark returns the value itself then, NaN and infinities included).
        o[g] = lower === higher || cmp(v[lower], v[higher]) === 0 ? v[lower] : (higher - position) * v[lower] + (position - lower) * v[higher];
        out.seen[g] = 1;
      }
      return out.finish(n, true);
    },
  };
}

/** The literal boolean of an optional ignoreNulls argument. */
const ignoreNullsOf = (args: readonly ArgInfo[]) => args[1]?.literal?.value === true;

function pickRule(args: readonly ArgInfo[]): DataType | { problem: string } {
  const flag = args[1];
  if (flag && (!flag.literal || typeof flag.literal.value !== 'boolean')) return { problem: 'ignoreNulls must be a boolean literal' };
  return one(args);
}

const pick = (name: 'first' | 'last' | 'any_value', description: string): AggregateFunction => ({
  name,
  description,
  arity: [1, 2],
  supportsDistinct: false,
  resolve: pickRule,
  accumulator: (args) => pickAccumulator(args[0].type, name === 'last', ignoreNullsOf(args)),
  // The flag only when set: first(x) is also DuckDB's spelling, which window aggregates use
  // (the dialect's windowAggregate takes this rendering).
  sql: (a, info) => `${name}(${ignoreNullsOf(info) ? `${a[0]}, true` : a[0]})`,
  dialects: {
    // DuckDB's first/last keep nulls; its any_value skips them (Spark's any_value(x, true)).
    // Over a window, DuckDB refuses both FILTER and a flag: ignoreNulls windows do not run there.
    duckdb: (a, info) => {
      const skip = ignoreNullsOf(info);
      if (name === 'last') return skip ? `last(${a[0]}) FILTER (WHERE ${a[0]} IS NOT NULL)` : `last(${a[0]})`;
      return skip ? `any_value(${a[0]})` : `first(${a[0]})`;
    },
  },
});

const extremeBy = (name: 'max_by' | 'min_by'): AggregateFunction => ({
  name,
  description: `${name}(x, ord): x of the row with the ${name === 'max_by' ? 'largest' : 'smallest'} non-null ord (of ties, the last row read)`,
  arity: [2, 2],
  supportsDistinct: false,
  resolve: (args) => (isOrderable(args[1].type) ? one(args) : { problem: `cannot order values of type ${typeToString(args[1].type)}` }),
  accumulator: (args) => extremeByAccumulator(args[0].type, args[1].type, name === 'max_by'),
  sql: (a) => `${name}(${a[0]}, ${a[1]})`,
  // arg_max_null, unlike arg_max, keeps a null x of the best row, as Spark does.
  dialects: { duckdb: (a) => `arg_${name === 'max_by' ? 'max' : 'min'}_null(${a[0]}, ${a[1]})` },
});

const one = (args: readonly ArgInfo[]) => args[0].type;

/**
 * collect_list / collect_set: the group's non-null values, in the order read (collect_list) or
 * distinct and sorted ascending (collect_set). Spark leaves collect_set's order unspecified, so its
 * SQL sorts too: both engines then give the same array.
 */
function collectAccumulator(element: DataType, set: boolean): Accumulator {
  const lists: unknown[][] = [];
  return {
    update(groups, _numGroups, [x], length) {
      const d = x.data as ArrayLike<unknown>;
      for (let i = 0; i < length; i++) if (isValidAt(x, i)) (lists[groups[i]] ??= []).push(d[i]);
    },
    finish(n) {
      const compare = comparatorFor(element.kind) as (a: unknown, b: unknown) => number;
      const data = Array.from({ length: n }, (_v, g) => (set ? sparkSet(lists[g] ?? []).sort(compare) : (lists[g] ?? [])));
      return makeColumn(arrayOf(element, false), data, null);
    },
  };
}

/**
 * The values without repeats as Spark's collect_set finds them, comparing doubles with ==: -0.0
 * equals 0.0 (the first seen stays) and NaN equals nothing, so every NaN stays. A JS Set compares
 * -0 and 0 alike (SameValueZero) but NaN alike too, hence the NaN test.
 */
function sparkSet(values: readonly unknown[]): unknown[] {
  const seen = new Set<unknown>();
  return values.filter((v) => Number.isNaN(v) || (!seen.has(v) && seen.add(v)));
}

const collect = (name: 'collect_list' | 'collect_set'): AggregateFunction => ({
  name,
  description: name === 'collect_list' ? 'collect_list(x): the non-null values as an array, in the order read (Spark: the order rows reach the aggregate)' : 'collect_set(x): the distinct non-null values as an array, sorted ascending',
  arity: [1, 1],
  supportsDistinct: false,
  resolve: ([x]) =>
    name === 'collect_set' && !isOrderable(x.type)
      ? { problem: `collect_set of ${typeToString(x.type)} values: their order in Spark is unspecified and only orderable values are sorted to make it one; use collect_list(...) with arrayDistinct(...)` }
      : arrayOf(x.type, false),
  accumulator: ([x]) => collectAccumulator(x.type, name === 'collect_set'),
  ...(name === 'collect_set' ? { notOverWindow: 'its result is sorted, and sort_array(collect_set(x)) is no window function in Spark SQL' } : {}),
  sql: (a) => (name === 'collect_set' ? `sort_array(collect_set(${a[0]}))` : `collect_list(${a[0]})`),
  dialects: {
    // DuckDB's list() keeps nulls and is null over no rows, where Spark gives [].
    duckdb: (a) => `coalesce(${name === 'collect_set' ? `list_sort(list_distinct(list(${a[0]})))` : `list_filter(list(${a[0]}), v -> v IS NOT NULL)`}, [])`,
  },
});

export const aggregates: AggregateFunction[] = [
  {
    name: 'count',
    description: 'count() counts rows; count(x) counts non-null values; countDistinct(x) distinct ones',
    arity: [0, 1],
    supportsDistinct: true,
    resolve: () => T.int64,
    accumulator: (args, _r, distinct) => countAccumulator(distinct, args.length > 0 ? 'values' : 'rows'),
    sql: (a) => `count(${a.length ? a[0] : '*'})`,
  },
  {
    name: 'sum',
    description: 'sum of non-null values (bigint for integers, wrapping on overflow like Spark; an interval for intervals, failing on overflow like Spark)',
    arity: [1, 1],
    supportsDistinct: true,
    resolve: (args) => sumType(one(args)),
    accumulator: (a, result, distinct) =>
      a[0].type.kind === 'decimal' ? decimalSumAccumulator(a[0].type, result, distinct, false)
      : a[0].type.kind === 'interval' ? intervalSumAccumulator(distinct, false)
      : a[0].type.kind === 'int32' && !distinct ? intSumAccumulator()
      : sumAccumulator(result, distinct, false),
    sql: (a) => `sum(${a[0]})`,
    // DuckDB's dialect keeps an interval as a BIGINT of microseconds.
    dialects: { duckdb: (a, info, result) => `CAST(sum(${a[0]}) AS ${result.kind === 'int64' || result.kind === 'interval' ? 'BIGINT' : result.kind === 'decimal' ? `DECIMAL(${result.precision},${result.scale})` : 'DOUBLE'})` },
  },
  {
    name: 'avg',
    description: 'mean of non-null values (double; decimal(p+4, s+4) for a decimal(p, s), as Spark; an interval for intervals, rounded half away from zero to the microsecond)',
    arity: [1, 1],
    supportsDistinct: true,
    resolve: (args) => {
      const t = one(args);
      if (t.kind === 'decimal') return decimalAvgType(t);
      if (t.kind === 'interval') return T.interval;
      return isNumeric(t) || t.kind === 'null' ? T.float64 : { problem: `needs numbers, got ${typeToString(t)}` };
    },
    accumulator: (a, result, distinct) =>
      a[0].type.kind === 'decimal' ? decimalSumAccumulator(a[0].type, result, distinct, true)
      : a[0].type.kind === 'interval' ? intervalSumAccumulator(distinct, true)
      : sumAccumulator(result, distinct, true),
    sql: (a) => `avg(${a[0]})`,
    dialects: {
      duckdb: (a, _info, result) => {
        const avg = a[0].startsWith('DISTINCT ') ? `avg(DISTINCT CAST(${a[0].slice(9)} AS DOUBLE))` : `avg(CAST(${a[0]} AS DOUBLE))`;
        // An interval is a BIGINT of microseconds there; round() rounds half away from zero, as Spark.
        if (result.kind === 'interval') return `CAST(round(${avg}) AS BIGINT)`;
        // DuckDB averages decimals as doubles; rounded to Spark's decimal(p+4, s+4) they agree away from exact ties.
        return result.kind === 'decimal' ? `CAST(${avg} AS DECIMAL(${result.precision},${result.scale}))` : avg;
      },
    },
  },
  ...(['min', 'max'] as const).map(
    (name): AggregateFunction => ({
      name,
      description: `${name === 'min' ? 'smallest' : 'largest'} non-null value`,
      arity: [1, 1],
      supportsDistinct: true,
      resolve: (args) => (isOrderable(one(args)) ? one(args) : { problem: `cannot order values of type ${typeToString(one(args))}` }),
      accumulator: (args) => extremeAccumulator(args[0].type, name === 'max'),
      sql: (a) => `${name}(${a[0]})`,
    }),
  ),
  {
    name: 'count_if',
    description: 'count_if(p): the number of rows where p is true',
    arity: [1, 1],
    supportsDistinct: false,
    resolve: (args) => (one(args).kind === 'boolean' || one(args).kind === 'null' ? T.int64 : { problem: `needs a boolean, got ${typeToString(one(args))}` }),
    accumulator: () => countAccumulator(false, 'trues'),
    sql: (a) => `count_if(${a[0]})`,
    // DuckDB's count_if is null for no true rows; Spark's is count(nullif(p, false)).
    dialects: { duckdb: (a) => `count(NULLIF(${a[0]}, false))` },
  },
  pick('first', 'first(x, ignoreNulls = false): x of the first row read (order-dependent: use over a window with an order)'),
  pick('last', 'last(x, ignoreNulls = false): x of the last row read (order-dependent: use over a window with an order)'),
  pick('any_value', 'any_value(x, ignoreNulls = false): x of some row (Spark takes the first read)'),
  extremeBy('max_by'),
  extremeBy('min_by'),
  moments('stddev_samp', 'sample standard deviation (double; null for fewer than two values)', true, true),
  moments('stddev_pop', 'population standard deviation (double)', false, true),
  moments('var_samp', 'sample variance (double; null for fewer than two values)', true, false),
  moments('var_pop', 'population variance (double)', false, false),
  {
    name: 'corr',
    description: "corr(x, y): Pearson's correlation of the rows where both are non-null (double; null for fewer than two, or when x or y is constant)",
    arity: [2, 2],
    supportsDistinct: false,
    resolve: (args) => {
      const bad = args.find((a) => !isNumeric(a.type) && a.type.kind !== 'null');
      return bad ? { problem: `needs numbers, got ${typeToString(bad.type)}` } : T.float64;
    },
    accumulator: () =>
      statisticAccumulator(6, addCorrelation, (s, at) => {
        const scale = Math.sqrt(s[at + 4] * s[at + 5]);
        // Spark's double division by zero is null (non-ANSI): a constant x or y has no correlation.
        return s[at] === 1 || scale === 0 ? null : s[at + 3] / scale;
      }),
    sql: (a) => `corr(${a[0]}, ${a[1]})`,
  },
  {
    name: 'percentile',
    description: 'percentile(x, p): the exact p-th percentile (0 <= p <= 1, a literal), interpolated linearly between values (double)',
    arity: [2, 2],
    supportsDistinct: false,
    resolve: (args) => {
      const p = args[1].literal?.value;
      if (typeof p !== 'number') return { problem: 'the percentage must be a numeric literal' };
      if (!(p >= 0 && p <= 1)) return { problem: 'the percentage must be between 0.0 and 1.0' };
      return numericToDouble(one(args));
    },
    accumulator: (args) => percentileAccumulator(args[1].literal!.value as number),
    sql: (a) => `percentile(${a[0]}, ${a[1]})`,
    dialects: { duckdb: (a) => `quantile_cont(CAST(${a[0]} AS DOUBLE), ${a[1]})` },
  },
  {
    name: 'median',
    description: 'median(x): percentile(x, 0.5)',
    arity: [1, 1],
    supportsDistinct: false,
    resolve: (args) => numericToDouble(one(args)),
    accumulator: () => percentileAccumulator(0.5),
    sql: (a) => `median(${a[0]})`,
    dialects: { duckdb: (a) => `quantile_cont(CAST(${a[0]} AS DOUBLE), 0.5)` },
  },
  collect('collect_list'),
  collect('collect_set'),
];

/** For DISTINCT: true the first time a group sees a value (and remembers it), false after. */
function firstInGroup(sets: Set<bigint>[], group: number, value: bigint): boolean {
  const set = (sets[group] ??= new Set());
  if (set.has(value)) return false;
  set.add(value);
  return true;
}
