/**
 * `testJob`: runs a job on given input rows or files, with the same readers, engine and
 * checks as `etl run`, but writes no table and touches no catalog. For tests:
 *
 *   const r = await testJob(eventsClean, { params: { dt: '2026-11-01' }, inputs: { raw: [{ event_id: 'e1', ... }] } });
 *   expect(r.rows).toEqual([...]);
 *
 * Input rows go through the input's own reader (as JSON lines), so a row that does not fit the
 * schema becomes a bad record with its reason, exactly as a bad line would in production.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { Batch } from '../columnar/column.ts';
import type { BoundPlan } from '../analyze/bound.ts';
import type { JobDefinition } from '../dsl/job.ts';
import { jsonLines, type InputSpec } from '../dsl/sources.ts';
import { prepareChecks, type CheckResult } from '../run/checks.ts';
import { executeJob } from '../run/execute-job.ts';
import { inMemoryInput, openInput, type InputReader } from '../run/inputs.ts';
import { resolveParams } from '../run/params.ts';
import { findProject, type Project } from '../run/project.ts';
import { analyzeJob } from '../analyze/job.ts';
import { tableSchemasOf } from '../run/run-job.ts';
import { resolveSlice, SliceFilter } from '../slices/slice.ts';
import { EtlError, UsageError, didYouMean } from '../errors/index.ts';
import type { DatasetSchema } from '../schema/types.ts';
import { batchRows, toJsonLines, type Row } from './rows.ts';
import { pairingKey } from './compare.ts';

export interface TestJobOptions {
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  /** Per input: rows (objects shaped like its schema), or a path to a file or folder in the input's format (Parquet for tables). */
  readonly inputs: Readonly<Record<string, readonly Row[] | string>>;
  /**
   * Schemas of catalog tables the job reads without declaring one. By default each is the
   * producing job's output schema, found in the project (as etl run finds it).
   */
  readonly tableSchemas?: Readonly<Record<string, DatasetSchema>>;
  /** The project whose jobs produce those tables, and against whose root relative paths resolve (default: found from the working directory). */
  readonly project?: Project;
  /** For messages: the job's file. */
  readonly file?: string;
}

export interface TestBadRecord {
  readonly input: string;
  /** Line in the input rows (1-based) or in the file. */
  readonly line: number;
  readonly reason: string;
  readonly file: string;
}

export interface TestJobResult<R = Row> {
  readonly rows: R[];
  readonly badRecords: readonly TestBadRecord[];
  readonly checks: readonly CheckResult[];
  /** The checks with severity 'error' that failed (the run would have written nothing). */
  readonly failedChecks: readonly CheckResult[];
  readonly rowsRead: number;
  /** Per input with lenient fields: per field path, the values that did not fit and were read as null. */
  readonly lenientNulls: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Rows the transform's filters removed. */
  readonly rowsFiltered: number;
  /** Output rows of partitions outside the slice given in params (not in `rows`). */
  readonly rowsOutsideSlice: number;
  readonly schema: DatasetSchema;
  /** Whether the output has a defined order (the plan ends in a sort), so tests compare in order. */
  readonly ordered: boolean;
  /** The columns that identify a row when a diff pairs expected and actual rows (the job's first unique check). */
  readonly keyColumns: readonly string[];
}

/** The output row type of a job, from its declared output schema. */
export type OutputRow<J> = J extends { output: { schema?: infer S } } ? (S extends z.ZodObject ? z.output<S> : Row) : Row;

export async function testJob<J extends JobDefinition>(job: J, options: TestJobOptions): Promise<TestJobResult<OutputRow<J>>> {
  for (const name of Object.keys(options.inputs)) {
    if (!(name in job.inputs)) throw new UsageError(`job '${job.name}' has no input '${name}'`, didYouMean(name, Object.keys(job.inputs)) ?? `its inputs: ${Object.keys(job.inputs).join(', ')}`);
  }
  for (const name of Object.keys(job.inputs)) {
    if (!(name in options.inputs)) throw new UsageError(`testJob(${job.name}): no rows or path for input '${name}'`, `pass inputs: { ${name}: [...] } (an empty array for no rows)`);
  }
  const params = resolveParams(job, Object.fromEntries(Object.entries(options.params ?? {}).map(([k, v]) => [k, String(v)])));
  let project = options.project;
  const projectRoot = () => (project ??= findProject()).root;
  const readsUndeclaredTable = Object.values(job.inputs).some((spec) => spec.format === 'table' && !spec.schema && !options.tableSchemas?.[spec.table]);
  const tableSchemas = readsUndeclaredTable ? { ...(await tableSchemasOf((project ??= findProject()), job)), ...options.tableSchemas } : (options.tableSchemas ?? {});
  const { plan, output, slicing, checks: boundChecks } = analyzeJob(job, params, (table) => tableSchemas[table], options.file);
  // A slice given in params keeps its own rows, as `etl run` does; the others are counted.
  const slice = resolveSlice(slicing.slice, params, job.name);
  const filter = slice ? new SliceFilter(slice, output.schema, output.partitionColumns.map((f) => f.name), slicing.slice!.outside, job.name) : undefined;

  const readers = new Map<string, InputReader>();
  for (const [name, given] of Object.entries(options.inputs)) readers.set(name, await readerFor(name, job.inputs[name], given, projectRoot));
  const checks = prepareChecks(boundChecks)();
  const batches: Batch[] = [];
  const run = await executeJob(plan, readers, { checks, ...(filter ? { keep: (b: Batch) => filter.keep(b) } : {}), sink: (b) => void batches.push(b) });

  // Rows given for a table are the test's own data, not records from the wild: one that does not fit is a mistake in the test.
  const misfit = run.badRecords.find((b) => job.inputs[b.input].format === 'table');
  if (misfit) throw new TestInputError(job.name, misfit.input, misfit.line, misfit.reason);
  const rowsRead = [...run.counts.values()].reduce((s, c) => s + c.rows + c.bad, 0);
  return {
    rows: batches.flatMap(batchRows) as OutputRow<J>[],
    badRecords: run.badRecords.map((b) => ({ input: b.input, line: b.line, reason: b.reason, file: b.file })),
    checks: run.checks,
    failedChecks: run.checks.filter((c) => !c.passed && c.severity === 'error'),
    rowsRead,
    lenientNulls: Object.fromEntries([...run.counts].filter(([, c]) => c.lenientNulls.size).map(([input, c]) => [input, Object.fromEntries(c.lenientNulls)])),
    rowsFiltered: run.rowsFiltered,
    rowsOutsideSlice: filter?.rowsOutside ?? 0,
    schema: output.schema,
    ordered: endsInSort(plan),
    keyColumns: pairingKey(job.checks, output.schema),
  };
}

/** A row given for a catalog-table input that does not fit the table's schema. */
export class TestInputError extends EtlError {
  override readonly name: string = 'TestInputError';
  readonly phase = 'input' as const;
  constructor(job: string, input: string, line: number, reason: string) {
    super(`testJob(${job}): row ${line} of input '${input}' does not fit the table's schema: ${reason}`, "rows for a table input must have the table's columns and types (timestamps as ISO-8601 text, dates as yyyy-MM-dd)");
  }
}

/**
 * Rows stay in memory and go through the JSON-lines reader (the input's bad-record mode, so a
 * row that does not fit becomes a bad record with its reason, as a bad line would). A path is
 * read by the input's own reader; for a table input, a .jsonl file is read as rows.
 */
async function readerFor(name: string, spec: InputSpec, given: readonly Row[] | string, projectRoot: () => string): Promise<InputReader> {
  const file = typeof given === 'string' ? path.resolve(path.isAbsolute(given) ? '' : projectRoot(), given) : undefined;
  if (file !== undefined && !(spec.format === 'table' && file.endsWith('.jsonl'))) {
    const format = spec.format === 'table' ? 'parquet' : spec.format;
    return openInput({ name, spec, locations: [file], root: file, windowed: false, origin: 'test', format });
  }
  const bytes = file !== undefined ? readFileSync(file) : Buffer.from(toJsonLines(given as readonly Row[]));
  const asJson = jsonLines({
    path: `${name} rows`,
    // The reader reads by the scan's schema (a table's may come from its producing job); the zod schema only types the spec.
    schema: spec.schema as z.ZodObject,
    onBadRecord: spec.format === 'jsonl' || spec.format === 'csv' ? spec.onBadRecord : 'permissive',
  });
  return inMemoryInput(asJson, { name: file ?? `${name} rows`, bytes });
}

/** Whether the output order is defined: the plan's last row-changing step is a sort. */
function endsInSort(plan: BoundPlan): boolean {
  switch (plan.kind) {
    case 'sort':
      return true;
    case 'project':
    case 'filter':
    case 'limit':
      return endsInSort(plan.input);
    default:
      return false;
  }
}

