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
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import type { Batch } from '../columnar/column.ts';
import type { BoundPlan } from '../analyze/bound.ts';
import { analyze } from '../analyze/analyze.ts';
import { bindOutput } from '../analyze/output.ts';
import { buildPlan, type JobDefinition } from '../dsl/job.ts';
import { jsonLines, type InputSpec } from '../dsl/sources.ts';
import { execute } from '../engine/execute.ts';
import { BadRecordError, type BadRecord } from '../io/types.ts';
import { prepareChecks, type CheckResult } from '../run/checks.ts';
import { openInput, type InputReader } from '../run/inputs.ts';
import { resolveParams } from '../run/params.ts';
import { InputFailFastError } from '../run/run-job.ts';
import { UsageError, didYouMean } from '../errors/index.ts';
import type { DatasetSchema } from '../schema/types.ts';
import { batchRows, toJsonLines, type Row } from './rows.ts';

export interface TestJobOptions {
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  /** Per input: rows (objects shaped like its schema), or a path to a file or folder in the input's format (Parquet for tables). */
  readonly inputs: Readonly<Record<string, readonly Row[] | string>>;
  /** Schemas of catalog tables the job reads without declaring one (etl test passes the producing jobs' schemas). */
  readonly tableSchemas?: Readonly<Record<string, DatasetSchema>>;
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
  readonly schema: DatasetSchema;
  /** Whether the output has a defined order (the plan ends in a sort), so tests compare in order. */
  readonly ordered: boolean;
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
  const ctx = { job: job.name, ...(options.file ? { file: options.file } : {}) };
  const schemaOfTable = (table: string): DatasetSchema => {
    const s = options.tableSchemas?.[table];
    if (!s) throw new UsageError(`the schema of table ${table} is unknown to testJob`, `declare it on the input: catalogTable('${table}', { schema: MySchema })`);
    return s;
  };
  const built = buildPlan(job, params, schemaOfTable);
  const output = bindOutput(analyze(built.root, ctx), job.output, ctx);

  const scratch = mkdtempSync(path.join(tmpdir(), 'etl-test-'));
  try {
    const readers = new Map<string, { reader: InputReader; fromRows: boolean }>();
    for (const [name, given] of Object.entries(options.inputs)) {
      const spec = job.inputs[name];
      readers.set(name, await readerFor(name, spec, given, scratch));
    }
    const bad: TestBadRecord[] = [];
    const counts = { rows: 0 };
    const checks = prepareChecks(job.checks ?? [], output.requiredColumns, output.schema, ctx)();
    const batches: Batch[] = [];
    try {
      for await (const batch of execute(output.plan, {
        scan(name: string, schema: DatasetSchema) {
          const { reader, fromRows } = readers.get(name)!;
          const source = reader.open(
            schema,
            (r: BadRecord) => bad.push({ input: name, line: r.line, reason: r.reason, file: fromRows ? `${name} rows` : r.file }),
            () => {},
          );
          return (async function* () {
            for await (const b of source) {
              counts.rows += b.length;
              yield b;
            }
          })();
        },
      })) {
        for (const c of checks) c.add(batch);
        batches.push(batch);
      }
    } catch (e) {
      if (e instanceof BadRecordError) throw new InputFailFastError(e.record);
      throw e;
    }
    const results = checks.map((c) => c.result());
    return {
      rows: batches.flatMap(batchRows) as OutputRow<J>[],
      badRecords: bad,
      checks: results,
      failedChecks: results.filter((c) => !c.passed && c.severity === 'error'),
      rowsRead: counts.rows + bad.length,
      schema: output.schema,
      ordered: endsInSort(output.plan),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function readerFor(name: string, spec: InputSpec, given: readonly Row[] | string, scratch: string): Promise<{ reader: InputReader; fromRows: boolean }> {
  if (typeof given === 'string' && !(spec.format === 'table' && given.endsWith('.jsonl'))) {
    const format = spec.format === 'table' ? 'parquet' : spec.format;
    return { reader: await openInput({ name, spec, location: path.resolve(given), origin: 'test', format }), fromRows: false };
  }
  // Rows travel as JSON lines through the JSON reader, with the input's bad-record mode.
  const dir = path.join(scratch, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'rows.jsonl'), typeof given === 'string' ? readFileSync(given) : toJsonLines(given));
  const asJson = jsonLines({
    path: dir,
    schema: (spec.format === 'table' ? undefined : spec.schema) as z.ZodObject,
    onBadRecord: spec.format === 'jsonl' || spec.format === 'csv' ? spec.onBadRecord : 'permissive',
  });
  return { reader: await openInput({ name, spec: asJson, location: dir, origin: 'test', format: 'jsonl' }), fromRows: true };
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

