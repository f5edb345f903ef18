/** Ranking, distribution and offset window functions: row_number, rank, dense_rank, ntile, percent_rank, cume_dist, lag, lead, nth_value. */
import { T, typeToString, type DataType } from '../schema/types.ts';
import type { Column } from '../columnar/column.ts';
import { canCast, castColumn } from './cast.ts';
import type { ArgInfo, TypeProblem, WindowFunction, WindowPartition } from './registry.ts';

const ranking = (name: string, description: string, value: (k: number, p: WindowPartition) => number): WindowFunction => ({
  name,
  description,
  arity: [0, 0],
  requiresOrder: true,
  allowsFrame: false,
  resolve: () => T.int32,
  evaluate(p) {
    const out = p.out.data as Int32Array;
    for (let k = p.start; k < p.end; k++) {
      out[p.order[k]] = value(k, p);
      p.out.valid[p.order[k]] = 1;
    }
  },
  sql: () => `${name}()`,
});

function offsetRule(args: readonly ArgInfo[]): ReturnType<WindowFunction['resolve']> {
  const [x, off, dflt] = args;
  if (off && (!off.literal || typeof off.literal.value !== 'number' || !Number.isInteger(off.literal.value))) return { problem: 'the offset must be an integer literal' } as TypeProblem;
  // Spark casts the default to the values' type (lag(int_col, 1, 0.5) gives 0, not 0.5).
  if (dflt && dflt.type.kind !== 'null' && !canCast(dflt.type, x.type)) {
    return { problem: `the default (${typeToString(dflt.type)}) cannot be cast to the values' type (${typeToString(x.type)})` };
  }
  return x.type;
}

/**
 * evaluate() runs once per partition, but its arguments are whole-window columns: casting the
 * default there cast (and allocated) the full column once per partition, O(rows x partitions)
 * (1M events of 40k users: 49 s of user_sessions' 104 s). The cast is cached per column, and a
 * NULL default (lag(x), the common case) is no default at all.
 */
const castDefaults = new WeakMap<Column, Column>();
function castDefault(d: Column, to: DataType): Column | null {
  if (d.type.kind === 'null') return null;
  let c = castDefaults.get(d);
  if (!c) castDefaults.set(d, (c = castColumn(d, to)));
  return c;
}

const offsetFn = (name: 'lag' | 'lead'): WindowFunction => ({
  name,
  description: `${name}(x, offset = 1, default = null): x from the row ${name === 'lag' ? 'before' : 'after'} in window order`,
  arity: [1, 3],
  requiresOrder: true,
  allowsFrame: false,
  resolve: offsetRule,
  evaluate(p) {
    const resultType = p.argInfo[0].type;
    const x = p.args[0];
    const offset = p.args[1] ? (p.args[1].data as Int32Array)[0] : 1;
    const dflt = p.args[2] ? castDefault(p.args[2], resultType) : null;
    const step = name === 'lag' ? -offset : offset;
    const xd = x.data as ArrayLike<unknown>;
    const out = p.out.data as { [i: number]: unknown };
    for (let k = p.start; k < p.end; k++) {
      const row = p.order[k];
      const src = k + step;
      if (src >= p.start && src < p.end) {
        const r = p.order[src];
        if (x.valid === null || x.valid[r] === 1) {
          out[row] = xd[r];
          p.out.valid[row] = 1;
        }
      } else if (dflt && (dflt.valid === null || dflt.valid[row] === 1)) {
        out[row] = (dflt.data as ArrayLike<unknown>)[row];
        p.out.valid[row] = 1;
      }
    }
  },
  sql: (a) => `${name}(${a.join(', ')})`,
});

/** Where each position's peer group ends (exclusive), for the positions of one partition, indexed from p.start. */
function peerGroupEnds(p: WindowPartition): Int32Array {
  const ends = new Int32Array(p.end - p.start);
  for (let k = p.end - 1; k >= p.start; k--) ends[k - p.start] = k + 1 < p.end && p.peerGroupStart[k + 1] === p.peerGroupStart[k] ? ends[k + 1 - p.start] : k + 1;
  return ends;
}

/** What is wrong with ntile's buckets or nth_value's offset, if anything: Spark wants a positive int literal. */
function positiveLiteral(arg: ArgInfo | undefined, what: string): TypeProblem | null {
  const v = arg?.literal?.value;
  if (arg?.type.kind !== 'int32' || typeof v !== 'number') return { problem: `${what} must be an integer literal` };
  return v > 0 ? null : { problem: `${what} must be greater than zero` };
}

const literalInt = (c: Column) => (c.data as Int32Array)[0];

const distribution = (name: string, description: string, value: (k: number, p: WindowPartition, peerEnd: number) => number): WindowFunction => ({
  name,
  description,
  arity: [0, 0],
  requiresOrder: true,
  allowsFrame: false,
  resolve: () => T.float64,
  evaluate(p) {
    const ends = peerGroupEnds(p);
    const out = p.out.data as Float64Array;
    for (let k = p.start; k < p.end; k++) {
      out[p.order[k]] = value(k, p, ends[k - p.start]);
      p.out.valid[p.order[k]] = 1;
    }
  },
  sql: () => `${name}()`,
});

/**
 * ntile(n): Spark's NTile splits the partition's rows, in window order, into n buckets whose
 * sizes differ by at most one, the larger ones first (peers may land in different buckets).
 */
const ntile: WindowFunction = {
  name: 'ntile',
  description: 'ntile(n): the bucket (1..n) of the row when the partition is split into n nearly equal parts in window order',
  arity: [1, 1],
  requiresOrder: true,
  allowsFrame: false,
  resolve: (args) => positiveLiteral(args[0], 'the number of buckets') ?? T.int32,
  evaluate(p) {
    const buckets = literalInt(p.args[0]);
    const rows = p.end - p.start;
    const size = Math.floor(rows / buckets);
    // The first `padded` buckets hold size + 1 rows.
    const padded = rows % buckets;
    const paddedRows = padded * (size + 1);
    const out = p.out.data as Int32Array;
    for (let k = p.start; k < p.end; k++) {
      const i = k - p.start;
      out[p.order[k]] = i < paddedRows ? Math.floor(i / (size + 1)) + 1 : padded + Math.floor((i - paddedRows) / size) + 1;
      p.out.valid[p.order[k]] = 1;
    }
  },
  sql: (a) => `ntile(${a[0]})`,
};

/**
 * nth_value(x, n, ignoreNulls = false): x of the n-th row (n-th non-null x) of Spark's default
 * frame with an ORDER BY, RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (so up to the row's
 * last peer); null while the frame has fewer. Other frames are refused (allowsFrame).
 */
const nthValue: WindowFunction = {
  name: 'nth_value',
  description: 'nth_value(x, n, ignoreNulls = false): x of the n-th row from the partition start up to the current row and its peers',
  arity: [2, 3],
  requiresOrder: true,
  allowsFrame: false,
  resolve: (args) => {
    const flag = args[2];
    if (flag && (!flag.literal || typeof flag.literal.value !== 'boolean')) return { problem: 'ignoreNulls must be a boolean literal' };
    return positiveLiteral(args[1], 'the offset') ?? args[0].type;
  },
  evaluate(p) {
    const x = p.args[0];
    const n = literalInt(p.args[1]);
    const ignoreNulls = p.argInfo[2]?.literal?.value === true;
    const ends = peerGroupEnds(p);
    // The position of the n-th (non-null) row in window order, if the partition has one.
    let nth = -1;
    for (let k = p.start, seen = 0; k < p.end && nth < 0; k++) if (!ignoreNulls || x.valid === null || x.valid[p.order[k]] === 1) if (++seen === n) nth = k;
    if (nth < 0) return;
    const xd = x.data as ArrayLike<unknown>;
    const out = p.out.data as { [i: number]: unknown };
    const source = p.order[nth];
    const valid = x.valid === null || x.valid[source] === 1;
    for (let k = p.start; k < p.end; k++) {
      if (!valid || ends[k - p.start] <= nth) continue;
      out[p.order[k]] = xd[source];
      p.out.valid[p.order[k]] = 1;
    }
  },
  sql: (a, info) => `nth_value(${a[0]}, ${a[1]})${info[2]?.literal?.value === true ? ' IGNORE NULLS' : ''}`,
  dialects: { duckdb: (a, info) => `nth_value(${a[0]}, ${a[1]}${info[2]?.literal?.value === true ? ' IGNORE NULLS' : ''})` },
};

export const windowFunctions: WindowFunction[] = [
  ranking('row_number', 'sequential number of the row in its partition, from 1', (k, p) => k - p.start + 1),
  ranking('rank', 'rank with gaps: peers share a rank', (k, p) => p.peerGroupStart[k] - p.start + 1),
  {
    ...ranking('dense_rank', 'rank without gaps', () => 0),
    evaluate(p) {
      const out = p.out.data as Int32Array;
      let rank = 0;
      for (let k = p.start; k < p.end; k++) {
        if (p.peerGroupStart[k] === k) rank++;
        out[p.order[k]] = rank;
        p.out.valid[p.order[k]] = 1;
      }
    },
  },
  ntile,
  distribution('percent_rank', 'percent_rank(): (rank - 1) / (rows in the partition - 1), 0 for a single row', (k, p) => (p.end - p.start > 1 ? (p.peerGroupStart[k] - p.start) / (p.end - p.start - 1) : 0)),
  distribution('cume_dist', 'cume_dist(): the fraction of the partition\'s rows up to the current row and its peers', (_k, p, peerEnd) => (peerEnd - p.start) / (p.end - p.start)),
  offsetFn('lag'),
  offsetFn('lead'),
  nthValue,
];
