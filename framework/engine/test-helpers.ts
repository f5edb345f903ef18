/** Test-only helpers: batches from row arrays, hand-built bound plans, results as rows. */
import { ColumnBuilder, concatBatches, emptyBatch, valueAt, type Batch } from '../columnar/column.ts';
import type { BoundAggregate, BoundExpr, BoundPlan, BoundSortKey, BoundWindowColumn } from '../analyze/bound.ts';
import { aggregateFunctions, windowFunctions } from '../functions/index.ts';
import { isTypeProblem } from '../functions/registry.ts';
import { T, field, schemaOf, type DataType, type DatasetSchema } from '../schema/types.ts';
import { execute, type ExecContext } from './execute.ts';

export const step = { label: 'test' };

export function schema(cols: Record<string, DataType>): DatasetSchema {
  return schemaOf(Object.entries(cols).map(([n, t]) => field(n, t)));
}

/** A batch from rows of storage values (null = null; booleans as true/false). */
export function batch(s: DatasetSchema, rows: readonly (readonly unknown[])[]): Batch {
  const b = s.fields.map((f) => new ColumnBuilder(f.type, Math.max(1, rows.length)));
  for (const r of rows) r.forEach((v, j) => (v === null || v === undefined ? b[j].pushNull() : b[j].push(typeof v === 'boolean' ? (v ? 1 : 0) : v)));
  return { schema: s, length: rows.length, columns: b.map((x) => x.finish()) };
}

export function split(b: Batch, size: number): Batch[] {
  const out: Batch[] = [];
  for (let s = 0; s < b.length; s += size) {
    const idx = Int32Array.from({ length: Math.min(size, b.length - s) }, (_, i) => s + i);
    out.push({ schema: b.schema, length: idx.length, columns: b.columns.map((c) => ({ ...c, ...sliceOf(c, idx) })) });
  }
  return out;
}

function sliceOf(c: Batch['columns'][number], idx: Int32Array) {
  const data = (c.data as { slice(a: number, b: number): unknown }).slice(idx[0], idx[idx.length - 1] + 1) as Batch['columns'][number]['data'];
  return { length: idx.length, data, valid: c.valid ? c.valid.slice(idx[0], idx[idx.length - 1] + 1) : null };
}

export const scan = (input: string, s: DatasetSchema): BoundPlan => ({ kind: 'scan', step, schema: s, input });

export function col(s: DatasetSchema, name: string): BoundExpr {
  const index = s.fields.findIndex((f) => f.name === name);
  if (index < 0) throw new Error(`no column ${name}`);
  return { kind: 'column', index, name, type: s.fields[index].type };
}

export const key = (expr: BoundExpr, ascending = true, nullsFirst = ascending): BoundSortKey => ({ expr, ascending, nullsFirst });

export function agg(name: string, fn: string, args: BoundExpr[], distinct = false): BoundAggregate {
  const f = aggregateFunctions.get(fn)!;
  const argInfo = args.map((a) => ({ type: a.type }));
  const type = f.resolve(argInfo);
  if (isTypeProblem(type)) throw new Error(type.problem);
  return { name, fn: f, args, argInfo, distinct, type };
}

export function win(name: string, fn: string, args: BoundExpr[], partitionBy: BoundExpr[], orderBy: BoundSortKey[], frame: BoundWindowColumn['frame'] = null): BoundWindowColumn {
  const argInfo = args.map((a) => (a.kind === 'literal' ? { type: a.type, literal: { value: a.value } } : { type: a.type }));
  const ranking = windowFunctions.get(fn);
  if (ranking) {
    const type = ranking.resolve(argInfo);
    if (isTypeProblem(type)) throw new Error(type.problem);
    return { name, fn: { kind: 'ranking', fn: ranking }, args, argInfo, partitionBy, orderBy, frame: null, type };
  }
  const f = aggregateFunctions.get(fn)!;
  const type = f.resolve(argInfo);
  if (isTypeProblem(type)) throw new Error(type.problem);
  return { name, fn: { kind: 'aggregate', fn: f }, args, argInfo, partitionBy, orderBy, frame, type };
}

/** Runs a plan over named inputs (each a list of batches) and returns all output rows as plain values. */
export async function run(plan: BoundPlan, inputs: Record<string, Batch | Batch[]>, extra: Partial<ExecContext> = {}): Promise<unknown[][]> {
  const out = await runBatch(plan, inputs, extra);
  return rowsOf(out);
}

export async function runBatch(plan: BoundPlan, inputs: Record<string, Batch | Batch[]>, extra: Partial<ExecContext> = {}): Promise<Batch> {
  const parts: Batch[] = [];
  for await (const b of execute(plan, {
    scan: async function* (name) {
      const v = inputs[name];
      yield* Array.isArray(v) ? v : [v];
    },
    ...extra,
  })) {
    expect(b.schema === plan.schema || JSON.stringify(b.schema) === JSON.stringify(plan.schema));
    for (const c of b.columns) if (c.length !== b.length) throw new Error('column length differs from batch length');
    if (b.length) parts.push(b);
  }
  return parts.length ? concatBatches(plan.schema, parts) : emptyBatch(plan.schema);
}

function expect(ok: boolean): void {
  if (!ok) throw new Error('operator emitted a batch whose schema is not the plan schema');
}

export function rowsOf(b: Batch): unknown[][] {
  const rows: unknown[][] = [];
  for (let i = 0; i < b.length; i++) rows.push(b.columns.map((c) => valueAt(c, i)));
  return rows;
}

/** The window tests' rows: two partitions and a null one, ties on ts, a null ts and a null v. */
export const WINDOW_SCHEMA = schema({ id: T.int64, g: T.string, ts: T.int32, v: T.float64 });

export function windowRows(): Batch {
  return batch(WINDOW_SCHEMA, [
    [1n, 'a', 1, 1],
    [2n, 'a', 2, 2],
    [3n, 'a', 2, 4],
    [4n, 'a', 3, null],
    [5n, 'b', 1, 10],
    [6n, null, 5, 100],
    [7n, 'a', null, 8],
  ]);
}
