/**
 * Aggregate functions. Accumulators keep one slot per group in typed arrays that grow as
 * groups appear, and update from whole columns with a group id per row.
 */
import { allocData, makeColumn, type Column, type ColumnData } from '../columnar/column.ts';
import { T, isNumeric, isOrderable, typeToString, type DataType } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { avgType as decimalAvgType, decimalAverage, fitDecimal, sumType as decimalSumType, type DecimalType } from './decimal-arith.ts';
import { comparatorFor } from './compare.ts';
import { isValidAt } from './kernel-util.ts';
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


function countAccumulator(distinct: boolean, counted: boolean): Accumulator {
  // Counts are doubles while counting (exact below 2^53, and far cheaper than BigInt increments).
  const counts = new Slots(T.float64);
  const sets: Set<unknown>[] = [];
  return {
    update(groups, numGroups, args, length) {
      counts.ensure(numGroups);
      const c = counts.data as Float64Array;
      if (!counted) {
        for (let i = 0; i < length; i++) c[groups[i]]++;
        return;
      }
      const x = args[0];
      const d = x.data as ArrayLike<unknown>;
      const v = x.valid;
      if (!distinct) {
        if (v === null) for (let i = 0; i < length; i++) c[groups[i]]++;
        else for (let i = 0; i < length; i++) c[groups[i]] += v[i];
        return;
      }
      for (let i = 0; i < length; i++) {
        if (v !== null && v[i] === 0) continue;
        const g = groups[i];
        let s = sets[g];
        if (!s) sets[g] = s = new Set();
        s.add(distinctKey(d[i]));
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

/** Spark counts NaN once and -0.0 as 0.0 in DISTINCT. */
function distinctKey(v: unknown): unknown {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === 0 ? 0 : v;
  if (typeof v === 'object' && v !== null) return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
  return v;
}

function sumType(t: DataType): DataType | { problem: string } {
  if (t.kind === 'int32' || t.kind === 'int64') return T.int64;
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
        if (distinct) {
          const set = (sets[g] ??= new Set());
          if (set.has(d[i])) continue;
          set.add(d[i]);
        }
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

const one = (args: readonly ArgInfo[]) => args[0].type;

export const aggregates: AggregateFunction[] = [
  {
    name: 'count',
    description: 'count() counts rows; count(x) counts non-null values; countDistinct(x) distinct ones',
    arity: [0, 1],
    supportsDistinct: true,
    resolve: () => T.int64,
    accumulator: (args, _r, distinct) => countAccumulator(distinct, args.length > 0),
    sql: (a) => `count(${a.length ? a[0] : '*'})`,
  },
  {
    name: 'sum',
    description: 'sum of non-null values (bigint for integers, wrapping on overflow like Spark)',
    arity: [1, 1],
    supportsDistinct: true,
    resolve: (args) => sumType(one(args)),
    accumulator: (a, result, distinct) =>
      a[0].type.kind === 'decimal' ? decimalSumAccumulator(a[0].type, result, distinct, false)
      : a[0].type.kind === 'int32' && !distinct ? intSumAccumulator()
      : sumAccumulator(result, distinct, false),
    sql: (a) => `sum(${a[0]})`,
    dialects: { duckdb: (a, info, result) => `CAST(sum(${a[0]}) AS ${result.kind === 'int64' ? 'BIGINT' : result.kind === 'decimal' ? `DECIMAL(${result.precision},${result.scale})` : 'DOUBLE'})` },
  },
  {
    name: 'avg',
    description: 'mean of non-null values (double; decimal(p+4, s+4) for a decimal(p, s), as Spark)',
    arity: [1, 1],
    supportsDistinct: true,
    resolve: (args) => {
      const t = one(args);
      if (t.kind === 'decimal') return decimalAvgType(t);
      return isNumeric(t) || t.kind === 'null' ? T.float64 : { problem: `needs numbers, got ${typeToString(t)}` };
    },
    accumulator: (a, result, distinct) => (a[0].type.kind === 'decimal' ? decimalSumAccumulator(a[0].type, result, distinct, true) : sumAccumulator(result, distinct, true)),
    sql: (a) => `avg(${a[0]})`,
    dialects: {
      duckdb: (a, _info, result) => {
        const avg = a[0].startsWith('DISTINCT ') ? `avg(DISTINCT CAST(${a[0].slice(9)} AS DOUBLE))` : `avg(CAST(${a[0]} AS DOUBLE))`;
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
];
