/**
 * `etl plan`: compiles an analyzed job for an environment into typed objects: the Glue
 * TableInput, the Spark SQL, the driver's plan artifact and the EMR step. Text (JSON, SQL)
 * is produced only at the edge, and deterministically: same job, params and environment give
 * byte-identical output. The plan hash is a content hash of what runs (the artifact).
 */
import { createHash } from 'node:crypto';
import type { PreparedJob } from '../run/run-job.ts';
import { mergeRuleOf } from '../analyze/merge.ts';
import { partitionDays, windowSpan } from '../slices/slice.ts';
import { STATE_DIR } from '../slices/state.ts';
import type { DataType, Field } from '../schema/types.ts';
import { typeToString } from '../schema/types.ts';
import { artifactsUri, databaseName, localPathOf, runsUri, serverlessLogUri, tableLocation, type Environment } from '../config/config.ts';
import { fixedPrefix, renderExcept, renderWindow, templateNames } from '../dsl/template.ts';
import { glueTableInput, tableParameters, type GlueTableInput } from './glue.ts';
import type { CatalogColumn, TableDefinition } from '../catalog/metastore.ts';
import { emrStep, runJobFlowRequest, stepName, type EmrStepConfig, type RunJobFlowRequest } from './emr.ts';
import { glueJobDefinition, glueStartJobRun, type GlueJobDefinition, type GlueStartJobRun } from './glue-job.ts';
import { serverlessStartJobRun, type ServerlessStartJobRun } from './emr-serverless.ts';
import { driverHash } from './driver.ts';
import { renderQuery } from './sql/render.ts';
import { sparkDialect } from './sql/dialect.ts';
import { compileChecks, type CompiledCheck } from './checks.ts';

export interface ArtifactColumn {
  readonly name: string;
  /** The Hive/Spark type name, for people reading the plan. */
  readonly type: string;
  /** The same type as a tree with nested nullability and enums, for the driver's readers. */
  readonly dataType: DataType;
  readonly nullable: boolean;
  readonly comment?: string;
  readonly enumValues?: readonly string[];
  /** Present only on lenient input columns, so plans without lenient fields (and their hashes) are as before. */
  readonly lenient?: true;
}

export const PLAN_FORMAT_VERSION = 2;

/** What the Spark driver reads (deploy/spark/driver.py); see deploy/spark/PLAN_FORMAT.md. */
export interface PlanArtifact {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  readonly job: string;
  /** The parameter values the plan was compiled for; the step passes the same ones. */
  readonly params: Readonly<Record<string, string>>;
  readonly sessionConf: Readonly<Record<string, string>>;
  readonly inputs: readonly ArtifactInput[];
  readonly sql: string;
  readonly output: {
    readonly table: string;
    readonly location: string;
    readonly partitionBy: readonly string[];
    readonly mode: string;
    readonly compression: string;
    readonly columns: readonly ArtifactColumn[];
    /** The slice the run owns: only rows where `predicate` holds are written (see framework/slices/slice.ts). */
    readonly slice?: {
      readonly key: string;
      readonly values: Readonly<Record<string, string>>;
      readonly outside: 'drop' | 'fail';
      readonly predicate: string;
    };
  };
  readonly checks: readonly CompiledCheck[];
  readonly quarantine: string;
  /** The table's run state (slice records, incremental ledger): <warehouse>/_etl_state/<db>.<table>/ */
  readonly state: string;
  /**
   * A plan compiled without its slice parameters can be given them when it runs (a scheduled
   * run knows its day only then): how the driver makes the plan of that slice, the same plan
   * `etl plan --param dt=...` compiles (deploy/spark/driver.py, specialize).
   */
  readonly slicing?: PlanSlicing;
  /** How the driver runs the job incrementally (`--incremental`), when the job allows it. */
  readonly incremental?: {
    readonly input: string;
    /** Ledger keys are object paths relative to this location. */
    readonly root: string;
    readonly keys: readonly string[];
    readonly orderBy: readonly { readonly column: string; readonly ascending: boolean; readonly nullsFirst: boolean }[];
  };
}

export interface PlanSlicing {
  /** The slice's parameters, in the table's partition order. */
  readonly params: readonly string[];
  readonly outside: 'drop' | 'fail';
  /** The date parameter whose day is the time window, if any. */
  readonly time?: string;
  /** File inputs read through the window: their location template, only the slice's parameters left to render. */
  readonly files: readonly { readonly input: string; readonly template: string; readonly beforeMs: number; readonly afterMs: number }[];
  /** Tables read by slice: their date partition column and window. */
  readonly tables: readonly { readonly input: string; readonly column: string; readonly beforeMs: number; readonly afterMs: number }[];
}

export interface ArtifactInput {
  readonly name: string;
  readonly view: string;
  readonly format: 'jsonl' | 'csv' | 'parquet' | 'table';
  /** Files or folders; a windowed input's missing folders are skipped, but not all of them. */
  readonly locations?: readonly string[];
  /** Where the input's objects are named from: keys in the input fingerprint are relative to it. */
  readonly root?: string;
  readonly windowed?: boolean;
  readonly table?: string;
  /** A table's location, for the input fingerprint (the driver reads the table through the metastore). */
  readonly location?: string;
  /** Only partitions with `column` in [from, to) (a table read by slice). */
  readonly partitionRange?: { readonly column: string; readonly from: string; readonly to: string };
  readonly schema: readonly ArtifactColumn[];
  readonly badRecordMode?: 'permissive' | 'dropmalformed' | 'failfast';
  readonly csv?: { readonly header: boolean; readonly delimiter: string; readonly quote: string; readonly nullValue?: string };
}

export interface CompiledJob {
  readonly job: string;
  readonly env: string;
  readonly planHash: string;
  readonly params: Readonly<Record<string, string>>;
  /** Where the environment runs jobs: EMR steps, Glue jobs or EMR Serverless. */
  readonly target: Environment['target'];
  /** The run's identity (job, plan hash, params): its step name, Glue `--etl-run`, Serverless name. */
  readonly runName: string;
  readonly glue: {
    readonly databaseName: string;
    /** The table as the metastore records it (what `etl deploy` syncs through the schema gate). */
    readonly table: TableDefinition;
    readonly tableInput: GlueTableInput;
    readonly partitionInputs: readonly never[];
    /** Target glue: the Glue job (script: the driver at its stable location) and the run to start. */
    readonly job?: GlueJobDefinition;
    readonly startJobRun?: GlueStartJobRun;
  };
  /** Target emrServerless: the job run to start. */
  readonly emrServerless?: { readonly startJobRun: ServerlessStartJobRun; readonly applicationName: string };
  readonly spark: { readonly sql: string };
  readonly artifact: PlanArtifact;
  readonly artifacts: {
    readonly planUri: string;
    /**
     * The driver at a location named by its own hash, shared by every plan and target: a new
     * driver (an upgrade) is a new location, so no step keeps running an older one for a plan
     * whose hash did not change, and a Glue job's script does not change with each plan.
     */
    readonly driverUri: string;
    readonly sqlUri: string;
    /** Where the driver writes its JSON summary (in cluster mode its stdout goes to the YARN log). */
    readonly resultUri: string;
  };
  readonly emr: {
    readonly step: EmrStepConfig;
    /** The long-running cluster the step is added to, when the environment names one. */
    readonly clusterId?: string;
    /** A transient cluster that runs the step and terminates, when the environment asks for one. */
    readonly runJobFlow?: RunJobFlowRequest;
  };
}

/** Spark session settings the local engine's semantics assume. */
export const SESSION_CONF: Readonly<Record<string, string>> = {
  'spark.sql.ansi.enabled': 'false',
  'spark.sql.parquet.outputTimestampType': 'TIMESTAMP_MICROS',
  'spark.sql.session.timeZone': 'UTC',
  'spark.sql.sources.partitionOverwriteMode': 'dynamic',
  // Spark would otherwise replace `${name}` anywhere in the SQL text, quoted names included.
  'spark.sql.variable.substitute': 'false',
  // Text a datetime pattern does not parse is null, as locally. The default (EXCEPTION) fails the
  // job instead when Spark 2's parser would have read it (to_timestamp('26-01-01', 'yyyy-MM-dd')).
  'spark.sql.legacy.timeParserPolicy': 'CORRECTED',
};

export function artifactColumn(f: Field): ArtifactColumn {
  return {
    name: f.name,
    type: typeToString(f.type),
    dataType: f.type,
    nullable: f.nullable,
    ...(f.comment ? { comment: f.comment } : {}),
    ...(f.enumValues ? { enumValues: f.enumValues } : {}),
    ...(f.lenient ? { lenient: true as const } : {}),
  };
}

/** What compiling needs of a prepared job (not its local input files). */
export type CompilableJob = Pick<PreparedJob, 'loaded' | 'params' | 'plan' | 'output' | 'slicing' | 'checks' | 'slice'>;

export function compileJob(prepared: CompilableJob, env: Environment): CompiledJob {
  const { loaded, output, slice, slicing } = prepared;
  const job = loaded.job;
  const params = Object.fromEntries(Object.entries(prepared.params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  const templateValues = { ...env.variables, bucket: env.variables.bucket ?? env.bucket, ...params };
  const paramNames = Object.keys((job.params as { shape?: object } | undefined)?.shape ?? {});
  const absent = new Set(paramNames.filter((k) => params[k] === undefined));
  const sliceParams = new Set(slicing.slice?.columns.map((c) => c.name) ?? []);
  // A local environment's artifact names local folders, so the driver runs it on local Spark as is.
  const where = env.kind === 'local' ? (uri: string) => localPathOf(env, uri) : (uri: string) => uri;
  const database = databaseName(env, output.database);
  const location = tableLocation(env, database, output.table);
  const { sql } = renderQuery(prepared.plan, sparkDialect);

  const inputs = Object.entries(job.inputs).map(([name, spec]): ArtifactInput => {
    const schema = findScanSchema(prepared, name);
    const base = { name, view: `input_${name}`, schema: schema.map(artifactColumn) };
    const window = slicing.windows[name];
    const span = slice?.period ? windowSpan(slice, window ?? { beforeMs: 0, afterMs: 0 }) : undefined;
    if (spec.format === 'table') {
      const [db, tbl] = spec.table.split('.');
      const range = span && window?.column ? { partitionRange: { column: window.column, ...partitionDays(span) } } : {};
      if (env.kind === 'local') {
        const local = where(tableLocation(env, db, tbl));
        return { ...base, format: 'parquet', locations: [local], root: local, ...range };
      }
      return { ...base, format: 'table', table: `${databaseName(env, db)}.${tbl}`, location: tableLocation(env, databaseName(env, db), tbl), ...range };
    }
    const what = `location of input '${name}'`;
    const windowed = span !== undefined && slice?.period !== undefined && templateNames(spec.path).includes(slice.period.param);
    const locations = (windowed ? renderWindow(spec.path, templateValues, { param: slice!.period!.param, ...span! }, what) : [fixedPrefix(spec.path, templateValues, absent, what)]).map(where);
    const root = where(fixedPrefix(spec.path, templateValues, new Set([...absent, ...sliceParams]), what));
    const files = { locations, root, ...(windowed ? { windowed: true } : {}) };
    if (spec.format === 'parquet') return { ...base, format: 'parquet', ...files };
    if (spec.format === 'jsonl') return { ...base, format: 'jsonl', ...files, badRecordMode: spec.onBadRecord };
    return {
      ...base,
      format: 'csv',
      ...files,
      badRecordMode: spec.onBadRecord,
      csv: { header: spec.header, delimiter: spec.delimiter, quote: spec.quote, ...(spec.nullValue !== undefined ? { nullValue: spec.nullValue } : {}) },
    };
  });
  const partitionBy = output.partitionColumns.map((f) => f.name);
  const q = sparkDialect.quoteIdentifier;
  const sliceSpec = slice
    ? {
        slice: {
          key: slice.key,
          values: slice.values,
          outside: slicing.slice!.outside,
          // Compared as the partition path writes them (Spark's CAST(... AS STRING)), as the local engine does.
          predicate: Object.entries(slice.values).map(([c, v]) => `CAST(${q(c)} AS STRING) = ${sparkDialect.stringLiteral(v)}`).join(' AND '),
        },
      }
    : {};
  const warehouse = `s3://${env.bucket}/${trimSlashes(env.warehousePrefix)}/`;
  const incremental = incrementalSpec(prepared, env, templateValues, sliceParams, where);
  const deferred = !slice && slicing.slice ? slicingSpec(prepared, templateValues, where) : undefined;

  const artifact: PlanArtifact = {
    formatVersion: PLAN_FORMAT_VERSION,
    job: job.name,
    params,
    sessionConf: SESSION_CONF,
    inputs,
    sql,
    output: {
      table: `${database}.${output.table}`,
      location: where(location),
      partitionBy,
      mode: job.output.mode,
      compression: job.output.compression,
      columns: output.schema.fields.map(artifactColumn),
      ...sliceSpec,
    },
    checks: compileChecks(prepared.checks, output.schema, sparkDialect),
    quarantine: where(`${warehouse}_quarantine/${database}.${output.table}/`),
    state: where(`${warehouse}${STATE_DIR}/${database}.${output.table}/`),
    ...(incremental ? { incremental } : {}),
    ...(deferred ? { slicing: deferred } : {}),
  };
  const planHash = createHash('sha256').update(stableJson(artifact)).digest('hex');
  const base = artifactsUri(env, planHash);
  const name = stepName(job.name, planHash, params);
  const artifacts = {
    planUri: `${base}plan.json`,
    driverUri: `s3://${env.bucket}/${trimSlashes(env.artifactsPrefix)}/drivers/${driverHash()}/driver.py`,
    sqlUri: `${base}job.sql`,
    resultUri: `${runsUri(env)}${job.name}/${createHash('sha256').update(name).digest('hex').slice(0, 16)}/result.json`,
  };
  const step = emrStep({
    job: job.name,
    planHash,
    params,
    driverUri: artifacts.driverUri,
    planUri: artifacts.planUri,
    resultUri: artifacts.resultUri,
    sparkConf: { ...env.sparkConf },
    actionOnFailure: env.actionOnFailure,
  });
  const description = job.output.description ?? job.description;
  const table: TableDefinition = {
    database,
    name: output.table,
    location,
    format: 'parquet',
    columns: output.dataColumns.map(catalogColumn),
    partitionKeys: output.partitionColumns.map(catalogColumn),
    ...(description ? { description } : {}),
    parameters: tableParameters({
      location,
      compression: job.output.compression,
      parameters: { 'etl.job': job.name, 'etl.compatibility': job.output.compatibility },
      ...(job.output.athenaProjection
        ? { projection: { column: output.partitionColumns[0].name, from: job.output.athenaProjection.from, to: job.output.athenaProjection.to ?? 'NOW' } }
        : {}),
    }),
  };
  return {
    job: job.name,
    env: env.name,
    planHash,
    params,
    target: env.target,
    runName: name,
    glue: { databaseName: database, table, tableInput: glueTableInput(table), partitionInputs: [], ...glueTarget(env, job.name, description, name, params, artifacts) },
    ...serverlessTarget(env, job.name, name, planHash, params, artifacts),
    spark: { sql },
    artifact,
    artifacts,
    emr: { step, ...emrTarget(env, job.name, planHash, step) },
  };
}

function glueTarget(env: Environment, job: string, description: string | undefined, runName: string, params: Readonly<Record<string, string>>, artifacts: CompiledJob['artifacts']): Pick<CompiledJob['glue'], 'job' | 'startJobRun'> {
  if (env.target !== 'glue' || !env.glue) return {};
  const name = `${env.glue.jobNamePrefix}${job}`;
  return {
    job: glueJobDefinition({
      job,
      name,
      ...(description ? { description } : {}),
      role: env.glue.role,
      version: env.glue.version,
      workerType: env.glue.workerType,
      numberOfWorkers: env.glue.numberOfWorkers,
      timeoutMinutes: env.glue.timeoutMinutes,
      scriptUri: artifacts.driverUri,
      sparkConf: env.sparkConf,
    }),
    startJobRun: glueStartJobRun({ name, runName, planUri: artifacts.planUri, resultUri: artifacts.resultUri, params }),
  };
}

function serverlessTarget(env: Environment, job: string, runName: string, planHash: string, params: Readonly<Record<string, string>>, artifacts: CompiledJob['artifacts']): Pick<CompiledJob, 'emrServerless'> {
  const s = env.emrServerless;
  if (env.target !== 'emrServerless' || !s) return {};
  const startJobRun = serverlessStartJobRun({
    job,
    runName,
    planHash,
    ...(s.applicationId ? { applicationId: s.applicationId } : {}),
    executionRoleArn: s.executionRoleArn,
    driverUri: artifacts.driverUri,
    planUri: artifacts.planUri,
    resultUri: artifacts.resultUri,
    params,
    sparkConf: env.sparkConf,
    logUri: serverlessLogUri(env),
  });
  return { emrServerless: { startJobRun, applicationName: s.application.name } };
}

function emrTarget(env: Environment, job: string, planHash: string, step: EmrStepConfig): { clusterId?: string; runJobFlow?: RunJobFlowRequest } {
  if (env.emr.clusterId) return { clusterId: env.emr.clusterId };
  const transient = env.emr.transient;
  if (!transient) return {};
  const runJobFlow = runJobFlowRequest(
    {
      name: `etl-${job}-${planHash.slice(0, 12)}`,
      releaseLabel: transient.releaseLabel,
      logUri: transient.logUri ?? `s3://${env.bucket}/${env.artifactsPrefix.replace(/^\/+|\/+$/g, '')}/emr-logs/`,
      instanceType: transient.instanceType,
      instanceCount: transient.instanceCount,
      serviceRole: transient.serviceRole,
      jobFlowRole: transient.jobFlowRole,
      ...(transient.subnetId ? { subnetId: transient.subnetId } : {}),
      tags: { 'lakeform:job': job, 'lakeform:plan': planHash.slice(0, 12), 'lakeform:env': env.name },
    },
    [step],
  );
  return { runJobFlow };
}

/** The artifact's slicing section: what the driver needs to make a slice's plan at run time. */
function slicingSpec(prepared: CompilableJob, values: Readonly<Record<string, unknown>>, where: (uri: string) => string): PlanSlicing {
  const slice = prepared.slicing.slice!;
  const params = slice.columns.map((c) => c.name);
  const keep = new Set(params);
  const time = slice.timeColumn;
  const files: PlanSlicing['files'][number][] = [];
  const tables: PlanSlicing['tables'][number][] = [];
  for (const [name, spec] of Object.entries(prepared.loaded.job.inputs)) {
    const window = prepared.slicing.windows[name] ?? { beforeMs: 0, afterMs: 0 };
    if (spec.format === 'table') {
      if (window.column) tables.push({ input: name, column: window.column, beforeMs: window.beforeMs, afterMs: window.afterMs });
      continue;
    }
    if (!time || !templateNames(spec.path).includes(time)) continue;
    const what = `location of input '${name}'`;
    const template = renderExcept(spec.path, values, keep, what);
    // The fixed part is a location of its own (a local environment maps it to a folder); the rest stays a template.
    const cut = template.lastIndexOf('/', template.indexOf('{')) + 1;
    files.push({ input: name, template: where(template.slice(0, cut)) + template.slice(cut), beforeMs: window.beforeMs, afterMs: window.afterMs });
  }
  return { params, outside: slice.outside, ...(time ? { time } : {}), files, tables };
}

/** The artifact's incremental section, for jobs an incremental run can merge (framework/run/incremental.ts checks the same). */
function incrementalSpec(prepared: CompilableJob, env: Environment, values: Readonly<Record<string, unknown>>, sliceParams: ReadonlySet<string>, where: (uri: string) => string): PlanArtifact['incremental'] {
  const { job } = prepared.loaded;
  const inputs = Object.entries(job.inputs);
  if (inputs.length !== 1 || inputs[0][1].format === 'table' || job.output.mode !== 'overwrite-partitions' || !prepared.output.partitionColumns.length) return undefined;
  const merge = mergeRuleOf(prepared.plan);
  if (!merge.ok) return undefined;
  const [name, spec] = inputs[0];
  const fields = prepared.output.schema.fields;
  return {
    input: name,
    root: where(fixedPrefix(spec.path, values, sliceParams, `location of input '${name}'`)),
    keys: merge.rule.keys.map((i) => fields[i].name),
    orderBy: merge.rule.orderBy.map((o) => ({ column: fields[o.index].name, ascending: o.ascending, nullsFirst: o.nullsFirst })),
  };
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

function findScanSchema(prepared: CompilableJob, input: string): readonly Field[] {
  const stack = [prepared.plan];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === 'scan' && n.input === input) return n.schema.fields;
    if ('input' in n && typeof n.input === 'object') stack.push(n.input);
    if (n.kind === 'join') stack.push(n.left, n.right);
    if (n.kind === 'union') stack.push(...n.inputs);
  }
  return [];
}

/** JSON with sorted keys, so the hash does not depend on property order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** What `etl plan --json` prints: the compiled job without the artifact (written by --out) and the catalog's typed table. */
export function planJsonView(compiled: CompiledJob): object {
  const { table: _table, ...glue } = compiled.glue;
  return {
    job: compiled.job,
    env: compiled.env,
    target: compiled.target,
    planHash: compiled.planHash,
    params: compiled.params,
    runName: compiled.runName,
    glue,
    spark: compiled.spark,
    artifacts: compiled.artifacts,
    emr: compiled.emr,
    ...(compiled.emrServerless ? { emrServerless: compiled.emrServerless } : {}),
  };
}

function catalogColumn(f: Field): CatalogColumn {
  return { name: f.name, type: f.type, nullable: f.nullable, ...(f.comment ? { comment: f.comment } : {}) };
}
