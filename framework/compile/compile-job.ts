/**
 * `etl plan`: compiles an analyzed job for an environment into typed objects: the Glue
 * TableInput, the Spark SQL, the driver's plan artifact and the EMR step. Text (JSON, SQL)
 * is produced only at the edge, and deterministically: same job, params and environment give
 * byte-identical output. The plan hash is a content hash of what runs (the artifact).
 */
import { createHash } from 'node:crypto';
import type { PreparedJob } from '../run/run-job.ts';
import type { DataType, Field } from '../schema/types.ts';
import { typeToString } from '../schema/types.ts';
import { artifactsUri, databaseName, runsUri, tableLocation, type Environment } from '../config/config.ts';
import { renderTemplate } from '../run/template.ts';
import { glueTableInput, tableParameters, type GlueTableInput } from './glue.ts';
import type { CatalogColumn, TableDefinition } from '../catalog/metastore.ts';
import { emrStep, runJobFlowRequest, stepName, type EmrStepConfig, type RunJobFlowRequest } from './emr.ts';
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
}

/** What the Spark driver reads (deploy/spark/driver.py); see deploy/spark/PLAN_FORMAT.md. */
export interface PlanArtifact {
  readonly formatVersion: 1;
  readonly job: string;
  /** The parameter values the plan was compiled for; the step passes the same ones. */
  readonly params: Readonly<Record<string, string>>;
  readonly sessionConf: Readonly<Record<string, string>>;
  readonly inputs: readonly {
    readonly name: string;
    readonly view: string;
    readonly format: 'jsonl' | 'csv' | 'parquet' | 'table';
    readonly location?: string;
    readonly table?: string;
    readonly schema: readonly ArtifactColumn[];
    readonly badRecordMode?: 'permissive' | 'dropmalformed' | 'failfast';
    readonly csv?: { readonly header: boolean; readonly delimiter: string; readonly quote: string; readonly nullValue?: string };
  }[];
  readonly sql: string;
  readonly output: {
    readonly table: string;
    readonly location: string;
    readonly partitionBy: readonly string[];
    readonly mode: string;
    readonly compression: string;
    readonly columns: readonly ArtifactColumn[];
  };
  readonly checks: readonly CompiledCheck[];
  readonly quarantine: string;
}

export interface CompiledJob {
  readonly job: string;
  readonly env: string;
  readonly planHash: string;
  readonly params: Readonly<Record<string, string>>;
  readonly glue: {
    readonly databaseName: string;
    /** The table as the metastore records it (what `etl deploy` syncs through the schema gate). */
    readonly table: TableDefinition;
    readonly tableInput: GlueTableInput;
    readonly partitionInputs: readonly never[];
  };
  readonly spark: { readonly sql: string };
  readonly artifact: PlanArtifact;
  readonly artifacts: {
    readonly planUri: string;
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
};

export function artifactColumn(f: Field): ArtifactColumn {
  return {
    name: f.name,
    type: typeToString(f.type),
    dataType: f.type,
    nullable: f.nullable,
    ...(f.comment ? { comment: f.comment } : {}),
    ...(f.enumValues ? { enumValues: f.enumValues } : {}),
  };
}

export function compileJob(prepared: PreparedJob, env: Environment): CompiledJob {
  const { loaded, output } = prepared;
  const job = loaded.job;
  const params = Object.fromEntries(Object.entries(prepared.params).map(([k, v]) => [k, String(v)]));
  const templateValues = { ...env.variables, bucket: env.variables.bucket ?? env.bucket, ...params };
  const database = databaseName(env, output.database);
  const location = tableLocation(env, database, output.table);
  const { sql } = renderQuery(prepared.plan, sparkDialect);

  const inputs = Object.entries(job.inputs).map(([name, spec]) => {
    const schema = prepared.plan && findScanSchema(prepared, name);
    const base = { name, view: `input_${name}`, schema: schema.map(artifactColumn) };
    if (spec.format === 'table') {
      const [db, tbl] = spec.table.split('.');
      return { ...base, format: 'table' as const, table: `${databaseName(env, db)}.${tbl}` };
    }
    const loc = renderTemplate(spec.path, templateValues, `location of input '${name}'`);
    if (spec.format === 'parquet') return { ...base, format: 'parquet' as const, location: loc };
    if (spec.format === 'jsonl') return { ...base, format: 'jsonl' as const, location: loc, badRecordMode: spec.onBadRecord };
    return {
      ...base,
      format: 'csv' as const,
      location: loc,
      badRecordMode: spec.onBadRecord,
      csv: { header: spec.header, delimiter: spec.delimiter, quote: spec.quote, ...(spec.nullValue !== undefined ? { nullValue: spec.nullValue } : {}) },
    };
  });

  const artifact: PlanArtifact = {
    formatVersion: 1,
    job: job.name,
    params,
    sessionConf: SESSION_CONF,
    inputs,
    sql,
    output: {
      table: `${database}.${output.table}`,
      location,
      partitionBy: output.partitionColumns.map((f) => f.name),
      mode: job.output.mode,
      compression: job.output.compression,
      columns: output.schema.fields.map(artifactColumn),
    },
    checks: compileChecks(job.checks ?? [], output, sparkDialect),
    quarantine: `s3://${env.bucket}/${env.warehousePrefix.replace(/^\/+|\/+$/g, '')}/_quarantine/${database}.${output.table}/`,
  };
  const planHash = createHash('sha256').update(stableJson(artifact)).digest('hex');
  const base = artifactsUri(env, planHash);
  const name = stepName(job.name, planHash, params);
  const artifacts = {
    planUri: `${base}plan.json`,
    driverUri: `${base}driver.py`,
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
    glue: { databaseName: database, table, tableInput: glueTableInput(table), partitionInputs: [] },
    spark: { sql },
    artifact,
    artifacts,
    emr: { step, ...emrTarget(env, job.name, planHash, step) },
  };
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

function findScanSchema(prepared: PreparedJob, input: string): readonly Field[] {
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
  return { job: compiled.job, env: compiled.env, planHash: compiled.planHash, params: compiled.params, glue, spark: compiled.spark, artifacts: compiled.artifacts, emr: compiled.emr };
}

function catalogColumn(f: Field): CatalogColumn {
  return { name: f.name, type: f.type, nullable: f.nullable, ...(f.comment ? { comment: f.comment } : {}) };
}
