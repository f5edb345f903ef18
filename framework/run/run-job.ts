/**
 * `etl run`: job file -> plan -> analysis -> engine -> checks -> staged Parquet -> atomic
 * commit -> local catalog. A run that fails at any point, or is killed, leaves the table, the
 * catalog and the table's run state (slice records, incremental ledger) as they were (see
 * framework/io/commit.ts).
 *
 * A run owns a slice of its table (its slice parameters' partitions) or all of it; it may read a
 * window around its slice; an incremental run reads only new input objects and merges their rows
 * into the partitions they belong to. framework/run/table-changes.ts decides what each commits.
 */
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { fromZod } from '../schema/zod.ts';
import type { DatasetSchema } from '../schema/types.ts';
import type { JobDefinition } from '../dsl/job.ts';
import type { BoundPlan } from '../analyze/bound.ts';
import { analyzeJob, type AnalyzedJob } from '../analyze/job.ts';
import { LocalMetastore } from '../catalog/local.ts';
import { withLock, LockBusyError, writeFileAtomic } from '../catalog/fs-atomic.ts';
import type { CatalogColumn, TableDefinition } from '../catalog/metastore.ts';
import { planTableChange as planSchemaChange, SchemaCompatibilityError } from '../catalog/versioning.ts';
import { commit, newRunId, recover, runDirs, type Move } from '../io/commit.ts';
import type { InputFile } from '../io/files.ts';
import { parsePartitionPath } from '../io/hive.ts';
import { TableWriter } from '../io/table-writer.ts';
import type { SpillSettings } from '../engine/spill/spill-file.ts';
import { DEFAULT_MEMORY_BUDGET, memoryBudgetOf, writerBufferBytes } from '../engine/spill/memory-budget.ts';
import { CheckFailedError, UsageError, didYouMean } from '../errors/index.ts';
import { LOCAL_PLACEHOLDER_ENV, localPathOf, type Environment } from '../config/config.ts';
import { compileJob } from '../compile/compile-job.ts';
import { resolveSlice, ownsPartition, partitionDays, windowSpan, SliceFilter, type SliceRun } from '../slices/slice.ts';
import { inputFingerprint, ledgerSegmentPath, readSliceRecord, sliceRecordPath, tableStateDir, type LedgerSegment, type SliceRecord } from '../slices/state.ts';
import { loadAllJobs, loadJob, type LoadedJob, type Project } from './project.ts';
import { resolveParams } from './params.ts';
import { describeLocations, listInput, readerOf, resolveFileInput, type InputReader, type ResolvedInput } from './inputs.ts';
import { prepareChecks, type CheckResult } from './checks.ts';
import { executeJob, type ExecutedJob, type InputCounts } from './execute-job.ts';
import { environmentLake, sampleLake, type Lake } from './lake.ts';
import { batchesInput, existingFiles, EXISTING, keyOf, lateObjectsOf, mergePlan, NEW_ROWS, partitionsOf, planIncremental, type IncrementalPlan } from './incremental.ts';
import { planTableChange, relPathOf } from './table-changes.ts';
import type { Batch } from '../columnar/column.ts';

export { InputFailFastError } from './errors.ts';

export interface RunOptions {
  readonly params?: Record<string, string>;
  /** name -> local path, replacing an input's location for this run. */
  readonly inputs?: Record<string, string>;
  readonly warehouse?: string;
  /**
   * A local environment (kind 'local') to run in: inputs come from their production `path`
   * templates mapped to local folders, and the environment has its own warehouse and catalog.
   */
  readonly env?: Environment;
  /** Read only the input objects the table's ledger does not list, and merge their rows in. */
  readonly incremental?: boolean;
  /** Do nothing when the slice was committed by the same plan from the same input files (etl backfill). */
  readonly skipUnchanged?: boolean;
  /** Called as input bytes are consumed (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called when the local state needed repair (stale lock, interrupted commit rolled forward). */
  readonly onNotice?: (message: string) => void;
  /**
   * Bytes of rows an operator (deduplicate, sort) or the table writer may hold before it spills
   * to the run's staging folder or flushes a file (default: the environment's memoryBudget, else
   * DEFAULT_MEMORY_BUDGET).
   */
  readonly memoryBudget?: number;
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
  /** Inputs with lenient fields: per field path, the values that did not fit and were read as null. */
  readonly lenientNulls?: Readonly<Record<string, number>>;
}

export interface RunResult {
  readonly job: string;
  /** skipped: the slice was already committed by the same plan from the same inputs (skipUnchanged). */
  readonly status: 'succeeded' | 'skipped';
  readonly runId: string;
  readonly params: Record<string, unknown>;
  /** The slice the run owned (`dt=2026-11-01`), or null for a run over everything. */
  readonly slice: string | null;
  readonly rowsRead: number;
  readonly rowsFiltered: number;
  readonly badRecords: number;
  /** Output rows of partitions outside the slice: counted, not written. */
  readonly rowsOutsideSlice: number;
  readonly outsideSlice: readonly { readonly partition: string; readonly rows: number }[];
  /**
   * Whether rows read = written + filtered + bad + outside the slice, checked on this run's counts;
   * null where the sum does not apply: a job that aggregates, joins, unions or limits (its output
   * rows are not its input rows), or an incremental merge (its written rows include the old ones).
   */
  readonly balanced: boolean | null;
  readonly inputs: readonly InputSummary[];
  readonly quarantine: string | null;
  readonly checks: readonly CheckResult[];
  /** For sliced runs: what a later backfill compares to decide whether the slice is up to date. */
  readonly planHash: string | null;
  readonly inputFingerprint: string | null;
  readonly incremental: IncrementalSummary | null;
  readonly durationMs: number;
  readonly output: {
    readonly table: string;
    readonly location: string;
    readonly mode: string;
    readonly rowsWritten: number;
    readonly partitions: readonly string[];
    /** Partitions of the slice the run produced no rows for, and so removed. */
    readonly partitionsRemoved: readonly string[];
    readonly files: number;
  };
}

export interface IncrementalSummary {
  /** Objects read by this run. */
  readonly newFiles: number;
  /** Objects skipped because an earlier incremental run processed them. */
  readonly knownFiles: number;
  /** Rows the partitions had before the merge. */
  readonly existingRows: number;
}

export interface PreparedJob extends AnalyzedJob {
  readonly loaded: LoadedJob;
  readonly params: Record<string, unknown>;
  /** The slice this run owns, or undefined for a run over everything. */
  readonly slice?: SliceRun;
  readonly inputs: readonly ResolvedInput[];
  readonly lake: Lake;
}

/** Everything up to reading data: load, params, plan, analysis, input locations. */
export async function prepareJob(project: Project, jobName: string, options: RunOptions = {}): Promise<PreparedJob> {
  const loaded = await loadJob(project, jobName);
  const { job, file } = loaded;
  const params = resolveParams(job, options.params ?? {});
  const lake = options.env ? environmentLake(options.env, options.warehouse) : sampleLake(project, options.warehouse);
  const metastore = new LocalMetastore(path.join(lake.stateDir, 'catalog'));

  for (const name of Object.keys(options.inputs ?? {})) {
    if (!(name in job.inputs)) throw new UsageError(`job '${job.name}' has no input '${name}' (--input ${name}=...)`, didYouMean(name, Object.keys(job.inputs)) ?? `its inputs: ${Object.keys(job.inputs).join(', ')}`);
  }

  const tableSchemas = await tableSchemasOf(project, job, metastore);
  const analyzed = analyzeJob(job, params, (t) => tableSchemas[t], file);
  const slice = resolveSlice(analyzed.slicing.slice, params, job.name);
  const prepared = { loaded, params, ...analyzed, ...(slice ? { slice } : {}), lake };
  const inputs = options.resolveInputs ?? true ? await resolveInputs(project, prepared, metastore, options.inputs ?? {}) : [];
  return { ...prepared, inputs };
}

async function resolveInputs(project: Project, prepared: Omit<PreparedJob, 'inputs'>, metastore: LocalMetastore, overrides: Readonly<Record<string, string>>): Promise<ResolvedInput[]> {
  const { loaded: { job }, params, slice, slicing, lake } = prepared;
  const env = lake.env;
  const values = env ? { ...env.variables, bucket: env.variables.bucket ?? env.bucket, ...params } : params;
  const shape = Object.keys((job.params as { shape?: object } | undefined)?.shape ?? {});
  const absent = new Set(shape.filter((k) => params[k] === undefined));
  const sliceParams = new Set(slicing.slice?.columns.map((c) => c.name) ?? []);
  const inputs: ResolvedInput[] = [];
  for (const [name, spec] of Object.entries(job.inputs)) {
    const window = slicing.windows[name];
    const span = slice?.period ? windowSpan(slice, window ?? { beforeMs: 0, afterMs: 0 }) : undefined;
    if (spec.format !== 'table') {
      const where = env
        ? { template: spec.path, origin: `env ${env.name}`, toLocal: (uri: string) => localPathOf(env, uri) }
        : spec.sample !== undefined
          ? { template: spec.sample, origin: 'sample', toLocal: (p: string) => path.resolve(project.root, p) }
          : undefined;
      const templateWindow = span && slice?.period ? { param: slice.period.param, ...span } : undefined;
      inputs.push(resolveFileInput({ job: job.name, name, spec, where, values, absent, sliceParams, window: templateWindow, override: overrides[name] }));
      continue;
    }
    const partitionRange = span && window?.column ? { column: window.column, ...partitionDays(span) } : undefined;
    const range = partitionRange ? { partitionRange } : {};
    if (overrides[name] !== undefined) {
      const location = path.resolve(overrides[name]);
      inputs.push({ name, spec, locations: [location], root: location, windowed: false, ...range, origin: '--input', format: 'parquet' });
      continue;
    }
    const [db, tbl] = spec.table.split('.');
    const stored = await metastore.getTable(db ?? '', tbl ?? '');
    if (!stored) {
      const producers = await producersOf(project, spec.table);
      const envFlag = env ? ` --env ${env.name}` : '';
      throw new UsageError(
        `input '${name}' of job '${job.name}' reads table ${spec.table}, which is not in the ${env ? `catalog of environment ${env.name}` : 'local catalog'} yet`,
        producers.length
          ? `run ${producers.map((p) => `'etl run ${p}${envFlag}'`).join(' or ')} first, or 'etl run ${job.name}${envFlag} --with-deps' to run it automatically`
          : `no job in jobs/ writes ${spec.table}; pass --input ${name}=<parquet folder>`,
      );
    }
    inputs.push({ name, spec, locations: [stored.location], root: stored.location, windowed: false, ...range, origin: `table ${spec.table}`, format: 'parquet' });
  }
  return inputs;
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
  const { loaded, output, lake } = prepared;
  const { job } = loaded;
  const metastore = new LocalMetastore(path.join(lake.stateDir, 'catalog'), {
    onStaleLock: (h) => options.onNotice?.(`removed a stale catalog lock left by process ${h.pid} (${h.purpose}, ${h.since})`),
  });
  const tableName = `${output.database}.${output.table}`;
  const lockFile = path.join(lake.stateDir, 'locks', `${tableName}.lock`);

  try {
    return await withLock(
      lockFile,
      `etl run ${job.name}`,
      async () => {
        const report = await recover(lake.warehouse, metastore);
        for (const r of report.rolledForward) options.onNotice?.(`finished an interrupted commit (run ${r})`);
        return await runLocked(prepared, project.root, metastore, options, started);
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

/** An input's files as this run reads them (an incremental run: the new ones only). */
interface ListedInput {
  readonly input: ResolvedInput;
  readonly files: readonly InputFile[];
  readonly partitionColumns: readonly string[];
}

async function runLocked(prepared: PreparedJob, projectRoot: string, metastore: LocalMetastore, options: RunOptions, started: number): Promise<RunResult> {
  const { loaded, params, output, plan, slice, lake } = prepared;
  const { job, file } = loaded;
  const runId = newRunId();
  const dirs = runDirs(lake.warehouse, runId);
  const tableDir = path.join(lake.warehouse, output.database, output.table);
  const stateDir = tableStateDir(lake.warehouse, output.database, output.table);
  const stagedTable = path.join(dirs.staging, 'table');
  const table = localTableDefinition(prepared, tableDir);
  // The schema gate runs before any data is read: a change the table's mode refuses costs nothing.
  const schemaChange = await planSchemaChange(metastore, table, job.output.compatibility);
  if (schemaChange.violations.length) throw new SchemaCompatibilityError(schemaChange);

  const incremental = options.incremental ? await planIncremental(prepared, stateDir) : undefined;
  const listed: ListedInput[] = [];
  for (const input of prepared.inputs) {
    if (incremental?.input === input) {
      listed.push({ input, files: incremental.newFiles, partitionColumns: [] });
      continue;
    }
    const listing = await listInput(input);
    const late = slice && input.windowed ? await lateObjectsOf(stateDir, input, input.root, (rel) => ownsRelPath(prepared, rel), listing.files) : [];
    listed.push({ input, files: [...listing.files, ...late], partitionColumns: listing.partitionColumns });
  }
  const fingerprint = inputFingerprint(listed.flatMap((l) => l.files.map((f) => ({ input: l.input.name, key: keyOf(l.input.root, f.path), size: f.size, mtimeMs: f.mtimeMs }))));
  const planHash = slice ? compileJob(prepared, lake.env ?? LOCAL_PLACEHOLDER_ENV).planHash : null;
  if (slice && options.skipUnchanged) {
    const record = await readSliceRecord(stateDir, slice.key);
    if (record && record.planHash === planHash && record.inputFingerprint === fingerprint) return skipped(prepared, runId, listed, record, tableDir, started);
  }
  if (incremental && !incremental.newFiles.length) return nothingNew(prepared, runId, incremental, listed, tableDir, started);

  const readers = new Map<string, InputReader>(listed.map((l) => [l.input.name, readerOf(l.input.spec, l)]));
  const newChecks = prepareChecks(prepared.checks);
  const partitionColumns = output.partitionColumns.map((f) => f.name);
  const memoryBudget = options.memoryBudget ?? (lake.env?.memoryBudget === undefined ? DEFAULT_MEMORY_BUDGET : memoryBudgetOf(lake.env.memoryBudget, `environment ${lake.env.name}, memoryBudget`));
  // Spill files live in the run's staging folder: removed with it when the run ends, swept by the next run after a kill.
  const spill: SpillSettings = { memoryBudget, dir: path.join(dirs.staging, 'spill') };
  const writer = new TableWriter({ dir: stagedTable, schema: output.schema, partitionColumns, compression: job.output.compression, fileTag: runId, bufferBytes: writerBufferBytes(memoryBudget) });
  const filter = slice ? new SliceFilter(slice, output.schema, partitionColumns, prepared.slicing.slice!.outside, job.name) : undefined;

  try {
    let executed: ExecutedJob;
    let checkResults: readonly CheckResult[];
    let existingRows = 0;
    if (incremental) {
      const fresh: Batch[] = [];
      executed = await executeJob(plan, readers, { spill, sink: (b) => void fresh.push(b), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
      const affected = partitionsOf(fresh, output.schema, partitionColumns);
      const existing = await existingFiles(tableDir, partitionColumns, new Set(affected.keys()));
      const merge = mergePlan(output.schema, incremental.rule);
      const merged = await executeJob(merge, new Map([[EXISTING, readerOf({ format: 'table', table: table.name }, existing)], [NEW_ROWS, batchesInput(fresh)]]), {
        spill,
        checks: newChecks(merge),
        sink: (batch) => writer.write(batch),
      });
      existingRows = merged.counts.get(EXISTING)!.rows;
      checkResults = merged.checks;
    } else {
      executed = await executeJob(plan, readers, {
        spill,
        checks: newChecks(plan),
        ...(filter ? { keep: (b: Batch) => filter.keep(b) } : {}),
        sink: (batch) => writer.write(batch),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      checkResults = executed.checks;
    }
    const { counts, badRecords, rowsFiltered } = executed;
    const written = await writer.close();
    const failed = checkResults.filter((c) => !c.passed && c.severity === 'error');
    if (failed.length) throw new CheckFailedError(failed, `${output.database}.${output.table}`, { name: job.name, ...(file ? { file } : {}) });

    let quarantine: string | null = null;
    const moves: Move[] = [];
    // 'dropmalformed' drops and counts; only 'permissive' keeps its bad records (as in Spark).
    const quarantined = badRecords.filter((r) => (job.inputs[r.input] as { onBadRecord?: string }).onBadRecord !== 'dropmalformed');
    if (quarantined.length) {
      const qRel = path.join('_quarantine', `${output.database}.${output.table}`, `${runId}.jsonl`);
      const lines = quarantined.map((r) => JSON.stringify({ input: r.input, file: path.relative(projectRoot, r.file), line: r.line, reason: r.reason, raw: r.raw }));
      await writeFileAtomic(path.join(dirs.staging, qRel), lines.join('\n') + '\n');
      quarantine = path.join(lake.warehouse, qRel);
      moves.push({ kind: 'publish', from: path.join(dirs.staging, qRel), to: quarantine });
    }

    const partitioned = partitionColumns.length > 0;
    const existingPartitions = partitioned ? (await metastore.getPartitions(output.database, output.table)).map((p) => p.values) : [];
    const change = planTableChange({
      job: job.name,
      mode: job.output.mode,
      partitionColumns,
      slice,
      merge: incremental !== undefined,
      written,
      existing: existingPartitions,
      tableDir,
      stagedTable,
      trash: dirs.trash,
    });
    moves.push(...change.moves);
    const committedAt = new Date().toISOString();
    const rowsWritten = writer.rowsWritten;
    if (slice) {
      const record: SliceRecord = { job: job.name, slice: slice.values, planHash: planHash!, inputFingerprint: fingerprint, runId, committedAt, rowsWritten, partitions: written.map((p) => p.relPath) };
      moves.push(await staged(dirs.staging, sliceRecordPath(stateDir, slice.key), record));
    }
    if (incremental) {
      const segment: LedgerSegment = {
        job: job.name,
        runId,
        committedAt,
        input: incremental.input.name,
        root: incremental.root,
        objects: incremental.newFiles.map((f) => ({ key: keyOf(incremental.root, f.path), size: f.size, mtimeMs: f.mtimeMs })),
        partitions: written.map((p) => p.relPath),
      };
      moves.push(await staged(dirs.staging, ledgerSegmentPath(stateDir, runId), segment));
    }

    const partitionDefs = written.filter(() => partitioned).map((p) => ({ values: p.values, location: path.join(tableDir, p.relPath), columns: table.columns }));
    const appendsUnpartitioned = job.output.mode === 'append' && !partitioned;
    await commit(
      lake.warehouse,
      {
        runId,
        createdAt: committedAt,
        moves,
        successMarker: appendsUnpartitioned ? null : path.join(tableDir, '_SUCCESS'),
        catalog: { table, partitions: partitionDefs, replacePartitions: change.replaceAll, droppedPartitions: change.dropped },
      },
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
      slice: slice?.key ?? null,
      rowsRead,
      rowsFiltered,
      badRecords: bad,
      rowsOutsideSlice: filter?.rowsOutside ?? 0,
      outsideSlice: [...(filter?.outside ?? new Map<string, number>())].sort(([a], [b]) => (a < b ? -1 : 1)).map(([partition, rows]) => ({ partition, rows })),
      balanced: !incremental && isRowWise(plan) ? rowsRead === rowsWritten + rowsFiltered + bad + (filter?.rowsOutside ?? 0) : null,
      inputs: listed.map((l) => inputSummary(l, counts.get(l.input.name)!)),
      quarantine,
      checks: checkResults,
      planHash,
      inputFingerprint: slice ? fingerprint : null,
      incremental: incremental ? { newFiles: incremental.newFiles.length, knownFiles: incremental.knownFiles, existingRows } : null,
      durationMs: Math.round(performance.now() - started),
      output: {
        table: `${output.database}.${output.table}`,
        location: tableDir,
        mode: job.output.mode,
        rowsWritten,
        partitions: partitioned ? written.map((p) => p.relPath) : [],
        partitionsRemoved: change.dropped.map((v) => relPathOf(partitionColumns, v)),
        files: written.reduce((s, p) => s + p.files.length, 0),
      },
    };
  } catch (e) {
    await fs.rm(dirs.staging, { recursive: true, force: true });
    throw e;
  }
}

/** Writes a state document into the run's staging and returns the move that publishes it. */
async function staged(staging: string, target: string, doc: object): Promise<Move> {
  const from = path.join(staging, 'state', path.basename(path.dirname(target)), path.basename(target));
  await writeFileAtomic(from, JSON.stringify(doc, null, 2) + '\n');
  return { kind: 'publish', from, to: target };
}

function ownsRelPath(prepared: PreparedJob, relPath: string): boolean {
  const columns = prepared.output.partitionColumns.map((f) => f.name);
  return ownsPartition(prepared.slice, columns, parsePartitionPath(relPath).map((p) => p.value));
}

function inputSummary(l: ListedInput, c: InputCounts | undefined): InputSummary {
  const summary = { name: l.input.name, location: describeLocations(l.input.locations), files: l.files.length, rowsRead: (c?.rows ?? 0) + (c?.bad ?? 0), badRecords: c?.bad ?? 0 };
  return c?.lenientNulls.size ? { ...summary, lenientNulls: Object.fromEntries(c.lenientNulls) } : summary;
}

/** A run that found its slice committed by the same plan from the same inputs. */
function skipped(prepared: PreparedJob, runId: string, listed: readonly ListedInput[], record: SliceRecord, tableDir: string, started: number): RunResult {
  const empty = emptyResult(prepared, runId, listed, tableDir, started);
  return { ...empty, status: 'skipped', planHash: record.planHash, inputFingerprint: record.inputFingerprint, output: { ...empty.output, rowsWritten: record.rowsWritten, partitions: record.partitions } };
}

/** An incremental run with no new object: nothing to read or write. */
function nothingNew(prepared: PreparedJob, runId: string, plan: IncrementalPlan, listed: readonly ListedInput[], tableDir: string, started: number): RunResult {
  return { ...emptyResult(prepared, runId, listed, tableDir, started), incremental: { newFiles: 0, knownFiles: plan.knownFiles, existingRows: 0 } };
}

function emptyResult(prepared: PreparedJob, runId: string, listed: readonly ListedInput[], tableDir: string, started: number): RunResult {
  const { output } = prepared;
  return {
    job: prepared.loaded.job.name,
    status: 'succeeded',
    runId,
    params: prepared.params,
    slice: prepared.slice?.key ?? null,
    rowsRead: 0,
    rowsFiltered: 0,
    badRecords: 0,
    rowsOutsideSlice: 0,
    outsideSlice: [],
    // Nothing was read: a skipped slice's or an empty incremental run's counts say nothing to balance.
    balanced: null,
    inputs: listed.map((l) => inputSummary(l, undefined)),
    quarantine: null,
    checks: [],
    planHash: null,
    inputFingerprint: null,
    incremental: null,
    durationMs: Math.round(performance.now() - started),
    output: { table: `${output.database}.${output.table}`, location: tableDir, mode: prepared.loaded.job.output.mode, rowsWritten: 0, partitions: [], partitionsRemoved: [], files: 0 },
  };
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

/** Whether each output row is one input row (so every row read ends up written, filtered, bad or outside the slice). */
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
    case 'generate':
      return false;
  }
}

