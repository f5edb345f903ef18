/**
 * Engine operator timings on 1M generated rows: `npx tsx bench/engine-operators.ts [rows]`.
 * Each figure is the median of 3 runs of the operator alone (input batches already in memory).
 */
import { ColumnBuilder, type Batch } from '../framework/columnar/column.ts';
import type { BoundExpr, BoundPlan, BoundSortKey } from '../framework/analyze/bound.ts';
import { DEFAULT_ORDERED_FRAME } from '../framework/analyze/frame.ts';
import { execute } from '../framework/engine/execute.ts';
import { aggregateFunctions, windowFunctions } from '../framework/functions/index.ts';
import { T, field, schemaOf, type DatasetSchema } from '../framework/schema/types.ts';
import { seededRandom } from '../test/support/random.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const BATCH = 65_536;

const rng = seededRandom;

const schema = schemaOf([
  field('id', T.int64),
  field('g', T.int32),
  field('s', T.string),
  field('v', T.float64),
  field('ts', T.timestamp),
]);

function generate(n: number, seed = 1): Batch[] {
  const r = rng(seed);
  const out: Batch[] = [];
  for (let start = 0; start < n; start += BATCH) {
    const m = Math.min(BATCH, n - start);
    const b = schema.fields.map((f) => new ColumnBuilder(f.type, m));
    for (let i = 0; i < m; i++) {
      b[0].push(BigInt(start + i));
      b[1].push(Math.floor(r() * 1000));
      b[2].push(`user_${Math.floor(r() * 10_000)}`);
      if (r() < 0.1) b[3].pushNull();
      else b[3].push(r() * 100);
      b[4].push(1_700_000_000_000_000n + BigInt(Math.floor(r() * 1e12)));
    }
    out.push({ schema, length: m, columns: b.map((x) => x.finish()) });
  }
  return out;
}

const col = (s: DatasetSchema, name: string): BoundExpr => {
  const index = s.fields.findIndex((f) => f.name === name);
  return { kind: 'column', index, name, type: s.fields[index].type };
};
const step = { label: 'bench' };
const scan = (input: string, s: DatasetSchema): BoundPlan => ({ kind: 'scan', step, schema: s, input });
const agg = (name: string, fn: string, args: BoundExpr[]) => {
  const f = aggregateFunctions.get(fn)!;
  const argInfo = args.map((a) => ({ type: a.type }));
  const type = f.resolve(argInfo) as typeof T.int64;
  return { name, fn: f, args, argInfo, distinct: false, type };
};
const key = (e: BoundExpr, ascending = true): BoundSortKey => ({ expr: e, ascending, nullsFirst: ascending });

async function time(label: string, plan: BoundPlan, inputs: Record<string, Batch[]>): Promise<void> {
  const times: number[] = [];
  let rows = 0;
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    rows = 0;
    for await (const b of execute(plan, {
      scan: async function* (name) {
        yield* inputs[name];
      },
    })) rows += b.length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(52)} ${times[1].toFixed(0).padStart(6)} ms  (${rows} rows out)`);
}

const t = generate(N);
const dimN = Math.max(1, Math.floor(N / 10));
const dimSchema = schemaOf([field('id', T.int64), field('label', T.string)]);
const dim: Batch[] = [];
{
  const b = dimSchema.fields.map((f) => new ColumnBuilder(f.type, dimN));
  for (let i = 0; i < dimN; i++) (b[0].push(BigInt(i * 10)), b[1].push(`label_${i}`));
  dim.push({ schema: dimSchema, length: dimN, columns: b.map((x) => x.finish()) });
}
const inputs = { t, d: dim };
const T0 = scan('t', schema);

const aggPlan = (groupBy: BoundExpr[]): BoundPlan => {
  const aggregates = [agg('n', 'count', []), agg('sv', 'sum', [col(schema, 'v')]), agg('mx', 'max', [col(schema, 'ts')])];
  return {
    kind: 'aggregate',
    step,
    input: T0,
    groupBy,
    aggregates,
    schema: schemaOf([...groupBy.map((g) => field((g as { name: string }).name, g.type)), ...aggregates.map((a) => field(a.name, a.type))]),
  };
};
await time('aggregate by int32 (1k groups) count,sum,max', aggPlan([col(schema, 'g')]), inputs);
await time('aggregate by string (10k groups)', aggPlan([col(schema, 's')]), inputs);
await time('aggregate by int64 (1M groups)', aggPlan([col(schema, 'id')]), inputs);
await time('aggregate by (int32, string) (~1M groups)', aggPlan([col(schema, 'g'), col(schema, 's')]), inputs);

for (const how of ['inner', 'left', 'full', 'semi'] as const) {
  const out = [...schema.fields.map((_, index) => ({ from: 'left' as const, index })), ...(how === 'semi' ? [] : [{ from: 'right' as const, index: 1 }])];
  const plan: BoundPlan = {
    kind: 'join',
    step,
    how,
    left: T0,
    right: scan('d', dimSchema),
    leftKeys: [col(schema, 'id')],
    rightKeys: [col(dimSchema, 'id')],
    output: out,
    schema: schemaOf([...schema.fields, ...(how === 'semi' ? [] : [field('label', T.string)])]),
  };
  await time(`join ${how} 1M x ${dimN} on int64`, plan, inputs);
}
{
  const plan: BoundPlan = {
    kind: 'join', step, how: 'inner', left: T0, right: T0,
    leftKeys: [col(schema, 'id')], rightKeys: [col(schema, 'id')],
    output: [{ from: 'left', index: 0 }, { from: 'right', index: 3 }],
    schema: schemaOf([field('id', T.int64), field('v', T.float64)]),
  };
  await time('join inner 1M x 1M on int64', plan, inputs);
}

await time('sort by float64 (nulls)', { kind: 'sort', step, input: T0, keys: [key(col(schema, 'v'))], schema }, inputs);
await time('sort by string desc, int64', { kind: 'sort', step, input: T0, keys: [key(col(schema, 's'), false), key(col(schema, 'id'))], schema }, inputs);
await time('sort by timestamp', { kind: 'sort', step, input: T0, keys: [key(col(schema, 'ts'))], schema }, inputs);

{
  const rn = windowFunctions.get('row_number')!;
  const sum = aggregateFunctions.get('sum')!;
  const avg = aggregateFunctions.get('avg')!;
  const base = { partitionBy: [col(schema, 'g')], orderBy: [key(col(schema, 'ts'))] };
  const plan: BoundPlan = {
    kind: 'window',
    step,
    input: T0,
    columns: [
      { name: 'rn', fn: { kind: 'ranking', fn: rn }, args: [], argInfo: [], ...base, frame: null, type: T.int32 },
      { name: 'running', fn: { kind: 'aggregate', fn: sum }, args: [col(schema, 'v')], argInfo: [{ type: T.float64 }], ...base, frame: DEFAULT_ORDERED_FRAME, type: T.float64 },
      { name: 'moving', fn: { kind: 'aggregate', fn: avg }, args: [col(schema, 'v')], argInfo: [{ type: T.float64 }], ...base, frame: { unit: 'rows', start: { kind: 'offset', rows: -5 }, end: { kind: 'offset', rows: 5 } }, type: T.float64 },
    ],
    schema: schemaOf([...schema.fields, field('rn', T.int32), field('running', T.float64), field('moving', T.float64)]),
  };
  await time('window partition int32 order ts: row_number, running sum, moving avg', plan, inputs);
}
await time('deduplicate by int32 keep first by ts', { kind: 'deduplicate', step, input: T0, keys: [col(schema, 'g')], orderBy: [key(col(schema, 'ts'))], schema }, inputs);
await time('deduplicate by string keep latest by ts', { kind: 'deduplicate', step, input: T0, keys: [col(schema, 's')], orderBy: [key(col(schema, 'ts'), false)], schema }, inputs);
