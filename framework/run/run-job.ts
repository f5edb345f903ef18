/**
 * `etl run`: job file -> plan -> analysis -> engine -> checks -> staged Parquet -> atomic
 * commit -> local catalog. A run that fails at any point, or is killed, leaves the table and
 * the catalog as they were (see framework/io/commit.ts).
 */
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { fromZod } from '../schema/zod.ts';
import type { DatasetSchema } from '../schema/types.ts';
import { buildPlan, type JobDefinition } from '../dsl/job.ts';
import { analyze } from '../analyze/analyze.ts';
import { bindOutput, type BoundOutput } from '../analyze/output.ts';
import type { BoundPlan } from '../analyze/bound.ts';
import { LocalMetastore } from '../catalog/local.ts';
import { withLock, LockBusyError, writeFileAtomic } from '../catalog/fs-atomic.ts';
import type { CatalogColumn, TableDefinition } from '../catalog/metastore.ts';
import { planTableChange, SchemaCompatibilityError } from '../catalog/versioning.ts';
import { commit, newRunId, recover, runDirs, type Move } from '../io/commit.ts';
import { TableWriter } from '../io/table-writer.ts';
import { CheckFailedError, UsageError, didYouMean } from '../errors/index.ts';
import { loadAllJobs, loadJob, type LoadedJob, type Project } from './project.ts';
import { resolveParams } from './params.ts';
import { openInput, resolveFileInput, type InputReader, type ResolvedInput } from './inputs.ts';
import { prepareChecks, type CheckResult } from './checks.ts';
import { executeJob } from './execute-job.ts';

export { InputFailFastError } from './errors.ts';

export interface RunOptions {
  readonly params?: Record<string, string>;
  /** name -> local path, replacing an input's sample location for this run. */
  readonly inputs?: Record<string, string>;
  readonly warehouse?: string;
  /** Called as input bytes are consumed (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called when the local state needed repair (stale lock, interrupted commit rolled forward). */
  readonly onNotice?: (message: string) => void;
  /** Test seam for kill tests. */
  readonly afterCommitPoint?: () => Promise<void> | void;
  /** false: analyze only, without locating local input data (for `etl plan`). */
  readonly resolveInputs?: boolean;
}

export interface InputSummary {
  readonly name: string;
  readonly location: string;
  readonly files: number;
  readonly rowsRead: number;
  readonly badRecords: number;
}

export interface RunResult {
  readonly job: string;
  readonly status: 'succeeded' | 'failed';
  readonly runId: string;
  readonly params: Record<string, unknown>;
  readonly rowsRead: number;
  readonly rowsFiltered: number;
  readonly badRecords: number;
  /** Whether rows read = written + filtered + bad holds by construction (a plan of row-wise steps only). */
  readonly balanced: boolean;
  readonly inputs: readonly InputSummary[];
  readonly quarantine: string | null;
  readonly checks: readonly CheckResult[];
  readonly durationMs: number;
  readonly output: {
    readonly table: string;
    readonly location: string;
    readonly mode: string;
    readonly rowsWritten: number;
    readonly partitions: readonly string[];
    readonly files: number;
  };
}

export interface PreparedJob {
  readonly loaded: LoadedJob;
  readonly params: Record<string, unknown>;
  readonly plan: BoundPlan;
  readonly output: BoundOutput;
  readonly inputs: readonly ResolvedInput[];
}

/** Everything up to reading data: load, params, plan, analysis, input locations. */
export async function prepareJob(project: Project, jobName: string, options: RunOptions = {}): Promise<PreparedJob> {
  const loaded = await loadJob(project, jobName);
  const { job, file } = loaded;
  const params = resolveParams(job, options.params ?? {});
  const metastore = new LocalMetastore(path.join(project.stateDir, 'catalog'));

  for (const name of Object.keys(options.inputs ?? {})) {
    if (!(name in job.inputs)) throw new UsageError(`job '${job.name}' has no input '${name}' (--input ${name}=...)`, didYouMean(name, Object.keys(job.inputs)) ?? `its inputs: ${Object.keys(job.inputs).join(', ')}`);
  }

  const tableSchemas = await tableSchemasOf(project, job, metastore);
  const inputs: ResolvedInput[] = [];
  const locate = options.resolveInputs ?? true;
  for (const [name, spec] of Object.entries(job.inputs)) {
    if (!locate) break;
    const override = options.inputs?.[name];
    if (spec.format !== 'table') {
      inputs.push(resolveFileInput(project.root, job.name, name, spec, params, override));
      continue;
    }
    if (override !== undefined) {
      inputs.push({ name, spec, location: path.resolve(override), origin: '--input', format: 'parquet' });
      continue;
    }
    const [db, tbl] = spec.table.split('.');
    const stored = await metastore.getTable(db ?? '', tbl ?? '');
    if (!stored) {
      const producers = await producersOf(project, spec.table);
      throw new UsageError(
        `input '${name}' of job '${job.name}' reads table ${spec.table}, which is not in the local catalog yet`,
        producers.length
          ? `run ${producers.map((p) => `'etl run ${p}'`).join(' or ')} first, or 'etl run ${job.name} --with-deps' to run it automatically`
          : `no job in jobs/ writes ${spec.table}; pass --input ${name}=<parquet folder>`,
      );
    }
    inputs.push({ name, spec, location: stored.location, origin: `table ${spec.table}`, format: 'parquet' });
  }
  const { plan, output } = analyzeJob(job, params, (t) => tableSchemas[t], file);
  return { loaded, params, plan, output, inputs };
}

/** Plan and analysis of a job for validated params: the bound plan in table column order, and the output it binds to. */
export function analyzeJob(job: JobDefinition, params: Record<string, unknown>, schemaOfTable: (table: string) => DatasetSchema, file?: string): { plan: BoundPlan; output: BoundOutput } {
  const ctx = { job: job.name, ...(file ? { file } : {}) };
  const built = buildPlan(job, params, schemaOfTable);
  const output = bindOutput(analyze(built.root, ctx), job.output, ctx);
  return { plan: output.plan, output };
}

/** The schemas of the catalog tables a job reads without declaring one (see schemaOfTable). */
export async function tableSchemasOf(project: Project, job: JobDefinition, metastore = new LocalMetastore(path.join(project.stateDir, 'catalog'))): Promise<Record<string, DatasetSchema>> {
  const out: Record<string, DatasetSchema> = {};
  for (const spec of Object.values(job.inputs)) {
    if (spec.format === 'table' && !spec.schema && !(spec.table in out)) out[spec.table] = await schemaOfTable(project, metastore, spec.table);
  }
  return out;
}

async function producersOf(project: Project, table: string): Promise<string[]> {
  const jobs = await loadAllJobs(project);
  return jobs.filter((j) => j.job.output.table === table).map((j) => j.job.name);
}

/** The schema of a table read by a job: the producing job's declared output schema, else the local catalog's. */
export async function schemaOfTable(project: Project, metastore: LocalMetastore, table: string): Promise<DatasetSchema> {
  const jobs = await loadAllJobs(project);
  const producer = jobs.find((j) => j.job.output.table === table);
  const declared = producer?.job.output.schema;
  if (declared) {
    const s = fromZod(declared);
    const parts = producer.job.output.partitionBy;
    // Hive layout: partition columns come last when the table is read back.
    return { fields: [...s.fields.filter((f) => !parts.includes(f.name)), ...s.fields.filter((f) => parts.includes(f.name))] };
  }
  const [db, tbl] = table.split('.');
  const stored = await metastore.getTable(db ?? '', tbl ?? '');
  if (stored) return { fields: [...stored.columns, ...stored.partitionKeys].map((c) => ({ ...c })) };
  throw new UsageError(`the schema of table ${table} is unknown: no job declares it and it is not in the local catalog`, `declare it: catalogTable('${table}', { schema: MySchema })`);
}

/** Runs a job end to end. Throws an EtlError on failure, after cleaning up its staging. */
export async function runJob(project: Project, jobName: string, options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const prepared = await prepareJob(project, jobName, options);
  const { loaded, params, output } = prepared;
  const { job } = loaded;
  const warehouse = path.resolve(options.warehouse ?? project.defaultWarehouse);
  const metastore = new LocalMetastore(path.join(project.stateDir, 'catalog'), {
    onStaleLock: (h) => options.onNotice?.(`removed a stale catalog lock left by process ${h.pid} (${h.purpose}, ${h.since})`),
  });
  const tableName = `${output.database}.${output.table}`;
  const lockFile = path.join(project.stateDir, 'locks', `${tableName}.lock`);

  try {
    return await withLock(
      lockFile,
      `etl run ${job.name}`,
      async () => {
        const report = await recover(warehouse, metastore);
        for (const r of report.rolledForward) options.onNotice?.(`finished an interrupted commit (run ${r})`);
        return await runLocked(prepared, project.root, warehouse, metastore, options, started);
      },
      {
        timeoutMs: 0,
        onStale: (h) => options.onNotice?.(`removed a stale lock on ${tableName} left by process ${h.pid} (${h.purpose}, started ${h.since}), which is no longer running`),
      },
    );
  } catch (e) {
    if (e instanceof LockBusyError) {
      throw new UsageError(
        `${tableName} is being written by another run (process ${e.holder.pid}, ${e.holder.purpose}, since ${e.holder.since})`,
        'wait for it to finish; if that process is gone, the next run removes its lock automatically',
      );
    }
    throw e;
  }
}

async function runLocked(prepared: PreparedJob, projectRoot: string, warehouse: string, metastore: LocalMetastore, options: RunOptions, started: number): Promise<RunResult> {
  const { loaded, params, output, plan } = prepared;
  const { job, file } = loaded;
  const runId = newRunId();
  const dirs = runDirs(warehouse, runId);
  const tableDir = path.join(warehouse, output.database, output.table);
  const stagedTable = path.join(dirs.staging, 'table');
  const table = localTableDefinition(prepared, tableDir);
  // The schema gate runs before any data is read: a change the table's mode refuses costs nothing.
  const schemaChange = await planTableChange(metastore, table, job.output.compatibility);
  if (schemaChange.violations.length) throw new SchemaCompatibilityError(schemaChange);

  const readers = new Map<string, InputReader>();
  for (const input of prepared.inputs) readers.set(input.name, await openInput(input));

  const newChecks = prepareChecks(job.checks ?? [], output.requiredColumns, output.schema, { job: job.name, file });
  const checks = newChecks();
  const writer = new TableWriter({
    dir: stagedTable,
    schema: output.schema,
    partitionColumns: output.partitionColumns.map((f) => f.name),
    compression: job.output.compression,
    fileTag: runId,
  });

  try {
    const { counts, badRecords, rowsFiltered, checks: checkResults } = await executeJob(plan, readers, { checks, sink: (batch) => writer.write(batch), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    const partitions = await writer.close();
    const failed = checkResults.filter((c) => !c.passed && c.severity === 'error');
    if (failed.length) throw new CheckFailedError(failed.map((f) => ({ name: f.name, message: f.message })), `${output.database}.${output.table}`);

    let quarantine: string | null = null;
    const moves: Move[] = [];
    // 'dropmalformed' drops and counts; only 'permissive' keeps its bad records (as in Spark).
    const quarantined = badRecords.filter((r) => (job.inputs[r.input] as { onBadRecord?: string }).onBadRecord !== 'dropmalformed');
    if (quarantined.length) {
      const qRel = path.join('_quarantine', `${output.database}.${output.table}`, `${runId}.jsonl`);
      const lines = quarantined.map((r) => JSON.stringify({ input: r.input, file: path.relative(projectRoot, r.file), line: r.line, reason: r.reason, raw: r.raw }));
      await writeFileAtomic(path.join(dirs.staging, qRel), lines.join('\n') + '\n');
      quarantine = path.join(warehouse, qRel);
      moves.push({ kind: 'publish', from: path.join(dirs.staging, qRel), to: quarantine });
    }

    const mode = job.output.mode;
    const partitioned = output.partitionColumns.length > 0;
    if (mode === 'overwrite' || !partitioned) {
      if (mode === 'append') {
        for (const p of partitions) for (const f of p.files) moves.push({ kind: 'publish', from: path.join(stagedTable, p.relPath, f), to: path.join(tableDir, p.relPath, f) });
      } else {
        moves.push({ kind: 'retire', from: tableDir, to: path.join(dirs.trash, 'table') });
        moves.push({ kind: 'publish', from: stagedTable, to: tableDir });
      }
    } else if (mode === 'overwrite-partitions') {
      partitions.forEach((p, i) => {
        moves.push({ kind: 'retire', from: path.join(tableDir, p.relPath), to: path.join(dirs.trash, String(i)) });
        moves.push({ kind: 'publish', from: path.join(stagedTable, p.relPath), to: path.join(tableDir, p.relPath) });
      });
    } else {
      for (const p of partitions) for (const f of p.files) moves.push({ kind: 'publish', from: path.join(stagedTable, p.relPath, f), to: path.join(tableDir, p.relPath, f) });
    }

    const partitionDefs = partitions.filter(() => partitioned).map((p) => ({ values: p.values, location: path.join(tableDir, p.relPath), columns: table.columns }));
    const replacePartitions = mode === 'overwrite';
    await commit(
      warehouse,
      { runId, createdAt: new Date().toISOString(), moves, successMarker: mode === 'append' && !partitioned ? null : path.join(tableDir, '_SUCCESS'), catalog: { table, partitions: partitionDefs, replacePartitions } },
      metastore,
      options.afterCommitPoint ? { afterJournal: options.afterCommitPoint } : {},
    );

    const rowsRead = [...counts.values()].reduce((s, c) => s + c.rows + c.bad, 0);
    const bad = [...counts.values()].reduce((s, c) => s + c.bad, 0);
    return {
      job: job.name,
      status: 'succeeded',
      runId,
      params,
      rowsRead,
      rowsFiltered,
      badRecords: bad,
      balanced: isRowWise(plan),
      inputs: prepared.inputs.map((i) => ({ name: i.name, location: i.location, files: readers.get(i.name)!.files.length, rowsRead: counts.get(i.name)!.rows + counts.get(i.name)!.bad, badRecords: counts.get(i.name)!.bad })),
      quarantine,
      checks: checkResults,
      durationMs: Math.round(performance.now() - started),
      output: {
        table: `${output.database}.${output.table}`,
        location: tableDir,
        mode,
        rowsWritten: writer.rowsWritten,
        partitions: partitioned ? partitions.map((p) => p.relPath) : [],
        files: partitions.reduce((s, p) => s + p.files.length, 0),
      },
    };
  } catch (e) {
    await fs.rm(dirs.staging, { recursive: true, force: true });
    throw e;
  }
}

/** The output table as the local catalog records it. */
export function localTableDefinition({ loaded: { job }, output }: PreparedJob, location: string): TableDefinition {
  const description = job.output.description ?? job.description;
  return {
    database: output.database,
    name: output.table,
    location,
    format: 'parquet',
    columns: output.dataColumns.map(toCatalogColumn),
    partitionKeys: output.partitionColumns.map(toCatalogColumn),
    ...(description ? { description } : {}),
    parameters: { classification: 'parquet', 'etl.job': job.name, 'etl.compression': job.output.compression, 'etl.compatibility': job.output.compatibility },
  };
}


function toCatalogColumn(f: { name: string; type: CatalogColumn['type']; nullable: boolean; comment?: string }): CatalogColumn {
  return f.comment ? { name: f.name, type: f.type, nullable: f.nullable, comment: f.comment } : { name: f.name, type: f.type, nullable: f.nullable };
}

/** Whether every row read ends up written, filtered or bad: only row-wise steps and one input. */
function isRowWise(p: BoundPlan): boolean {
  switch (p.kind) {
    case 'scan':
      return true;
    case 'filter':
    case 'project':
    case 'window':
    case 'deduplicate':
    case 'sort':
      return isRowWise(p.input);
    case 'aggregate':
    case 'join':
    case 'union':
    case 'limit':
      return false;
  }
}

