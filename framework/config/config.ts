/**
 * The project's environments (`etl.config.ts` at the project root), validated with zod:
 * where each environment keeps artifacts and tables in S3, how database names map, and where
 * its jobs run: EMR steps, Glue jobs or EMR Serverless (the `target`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UsageError, didYouMean, EtlError, type Phase } from '../errors/index.ts';
import { importModule } from '../run/module-loader.ts';
import { parseByteSize } from '../engine/spill/memory-budget.ts';

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const TransientCluster = z.strictObject({
  releaseLabel: z.string().regex(/^emr-\d+\.\d+\.\d+$/, 'an EMR release label such as emr-7.5.0').default('emr-7.5.0'),
  instanceType: z.string().default('m5.xlarge'),
  instanceCount: z.int().min(1).default(3),
  serviceRole: z.string().default('EMR_DefaultRole'),
  jobFlowRole: z.string().default('EMR_EC2_DefaultRole'),
  logUri: z.string().startsWith('s3://').optional(),
  subnetId: z.string().optional(),
});

/** AWS Glue jobs: one Glue job per lakeform job, its script the generic driver. */
const GlueTarget = z.strictObject({
  /** The IAM role the Glue job runs as (S3, Glue catalog and CloudWatch Logs access). */
  role: z.string().min(1, 'the IAM role (name or ARN) Glue jobs run as'),
  /** Glue 5.0 is Spark 3.5 and Python 3.11, the Spark the driver is tested on. */
  version: z.enum(['5.0', '4.0']).default('5.0'),
  workerType: z.enum(['G.1X', 'G.2X', 'G.4X', 'G.8X', 'G.025X']).default('G.1X'),
  numberOfWorkers: z.int().min(2).default(2),
  /** Minutes before Glue stops a run (Glue's default is 2880). */
  timeoutMinutes: z.int().min(1).default(120),
  /** Glue job names are `<prefix><job>`. */
  jobNamePrefix: z.string().default('lakeform-'),
});

/** EMR Serverless: an application (given, or created by `etl bootstrap`) runs one job run per submit. */
const EmrServerlessTarget = z
  .strictObject({
    /** An existing application; without one, `etl bootstrap` creates `application` and its id is found by name. */
    applicationId: z.string().optional(),
    application: z.strictObject({ name: z.string().default('lakeform'), releaseLabel: z.string().regex(/^emr-\d+\.\d+\.\d+$/, 'an EMR release label such as emr-7.5.0').default('emr-7.5.0') }).default({ name: 'lakeform', releaseLabel: 'emr-7.5.0' }),
    /** The IAM role job runs execute as. */
    executionRoleArn: z.string().min(1, 'the IAM role ARN job runs execute as'),
    /** Where EMR Serverless writes driver and executor logs (stderr.gz), for failure reports. */
    logUri: z.string().startsWith('s3://').optional(),
  });

const EnvironmentFields = z.strictObject({
  /**
   * 'aws' (the default): S3, the Glue Data Catalog and EMR. 'local': a rehearsal of production on
   * this machine: `s3://<bucket>/<key>` is the folder `<root>/<bucket>/<key>` (or a mount), the
   * catalog is local, and `etl run`/`etl backfill --env <name>` read the inputs' real `path`
   * templates instead of their samples.
   */
  kind: z.enum(['aws', 'local']).default('aws'),
  region: z.string().default('us-east-1'),
  profile: z.string().optional(),
  bucket: z.string().regex(S3_BUCKET, 'an S3 bucket name (lowercase letters, digits, dots and hyphens)').optional(),
  /** Where plans, SQL and the driver are uploaded: s3://<bucket>/<artifactsPrefix>/artifacts/<planHash>/ */
  artifactsPrefix: z.string().default('etl'),
  /** Where tables live: s3://<bucket>/<warehousePrefix>/<database>/<table>/ */
  warehousePrefix: z.string().default('warehouse'),
  /** Database name mapping, e.g. { analytics: 'analytics_dev' }; unmapped names stay as they are. */
  databases: z.record(z.string(), z.string()).default({}),
  /** Values for `{name}` in input locations besides job params, e.g. { bucket: 'acme-raw' }. */
  variables: z.record(z.string(), z.string()).default({}),
  /** Where `etl submit` and `etl backfill` run jobs: EMR steps (default), Glue jobs or EMR Serverless. */
  target: z.enum(['emr', 'glue', 'emrServerless']).default('emr'),
  emr: z
    .strictObject({ clusterId: z.string().regex(/^j-[A-Z0-9]+$/, 'an EMR cluster id such as j-2AXXXXXXGAPLF').optional(), transient: TransientCluster.optional() })
    .default({}),
  glue: GlueTarget.optional(),
  emrServerless: EmrServerlessTarget.optional(),
  /** Pipelines (pipelines/*.ts) on AWS: the roles of their Step Functions state machines and EventBridge schedules. */
  pipelines: z
    .strictObject({
      /** The role a state machine runs as: it starts the target's runs (and passes their roles). */
      stateMachineRoleArn: z.string().min(1),
      /** The role EventBridge Scheduler starts executions as (states:StartExecution). */
      schedulerRoleArn: z.string().min(1),
    })
    .optional(),
  executionRoleArn: z.string().optional(),
  actionOnFailure: z.enum(['CONTINUE', 'CANCEL_AND_WAIT', 'TERMINATE_CLUSTER']).default('CONTINUE'),
  sparkConf: z.record(z.string(), z.string()).default({}),
  /** Local environments: the folder that stands for S3 (default `.lake/<environment>`), relative to the project (absolute once loaded). */
  root: z.string().optional(),
  /**
   * Local environments: S3 prefixes served from other local folders, e.g.
   * `{ 's3://acme-raw/raw/events/': 'sample/events/' }` (longest prefix wins).
   */
  mounts: z.record(z.string().regex(/^s3:\/\/[^/]+/, 'an s3://bucket/prefix URI'), z.string()).default({}),
  /**
   * Local runs: bytes of rows an operator (deduplicate, sort) or the table writer may hold before
   * it spills to the run's staging folder, e.g. '1GB' (default 512MB; `etl run --memory-budget` wins).
   */
  memoryBudget: z.string().refine((s) => parseByteSize(s) !== null, 'a memory size such as 512MB or 1GB (B, KB, MB, GB or TB; units of 1024)').optional(),
});

export const EnvironmentSchema = EnvironmentFields.superRefine((e, ctx) => {
  if (e.kind === 'aws' && e.bucket === undefined) ctx.addIssue({ code: 'custom', path: ['bucket'], message: 'an AWS environment needs the S3 bucket for its tables and artifacts' });
  if (e.target === 'glue' && !e.glue) ctx.addIssue({ code: 'custom', path: ['glue'], message: "target 'glue' needs glue: { role: '...' } (the IAM role Glue jobs run as)" });
  if (e.target === 'emrServerless' && !e.emrServerless) ctx.addIssue({ code: 'custom', path: ['emrServerless'], message: "target 'emrServerless' needs emrServerless: { executionRoleArn: '...' } (and applicationId, or etl bootstrap creates one)" });
  if (e.kind === 'aws') {
    for (const key of ['root', 'mounts'] as const) {
      if (key === 'root' ? e.root !== undefined : Object.keys(e.mounts).length) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is for local environments (kind: 'local')` });
    }
  } else if (Object.keys(e.databases).length) {
    // A local environment's catalog is its own: its tables keep the names the job files give them.
    ctx.addIssue({ code: 'custom', path: ['databases'], message: 'a local environment has a catalog of its own; database names are not mapped there' });
  }
}).transform((e) => ({ ...e, bucket: e.bucket ?? 'local-lake' }));

// Strict objects throughout: a misspelt setting is an error, not a setting silently left at its default.
export const ConfigSchema = z.strictObject({
  defaultEnvironment: z.string().optional(),
  environments: z.record(z.string(), EnvironmentSchema),
});

export type EnvironmentInput = z.input<typeof EnvironmentSchema>;
export type Environment = z.output<typeof EnvironmentSchema> & { readonly name: string };
export type Config = z.output<typeof ConfigSchema>;

/** For `etl.config.ts`: `export default defineConfig({ environments: { dev: {...} } })`. */
export function defineConfig(config: z.input<typeof ConfigSchema>): z.input<typeof ConfigSchema> {
  return config;
}

export class ConfigError extends EtlError {
  override readonly name: string = 'ConfigError';
  readonly phase: Phase = 'config';
  override readonly exitCode = 2;
}

/** The environment used when a project has no etl.config.ts: names only, for `etl plan` output. */
export const LOCAL_PLACEHOLDER_ENV: Environment = { name: 'default', ...EnvironmentSchema.parse({ bucket: 'my-data-lake' }) };

/**
 * The local path of a location in a local environment: a mount's folder for the longest mounted
 * prefix, else <root>/<bucket>/<key>. Anything that is not s3:// is already local.
 */
export function localPathOf(env: Environment, uri: string): string {
  if (!uri.startsWith('s3://')) return uri;
  const mount = Object.keys(env.mounts)
    .filter((prefix) => uri === prefix || uri.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))
    .sort((a, b) => b.length - a.length)[0];
  const local = mount !== undefined ? path.join(env.mounts[mount], uri.slice(mount.length)) : path.join(env.root!, uri.slice('s3://'.length));
  // Keep a folder a folder: templates end folders with '/'.
  return uri.endsWith('/') && !local.endsWith(path.sep) ? local + path.sep : local;
}

/** Refuses an AWS environment where a command runs locally. */
export function requireLocalEnvironment(env: Environment, command: string): Environment {
  if (env.kind === 'local') return env;
  throw new UsageError(
    `environment '${env.name}' is an AWS environment; ${command} runs on this machine`,
    `run it on AWS with etl submit --env ${env.name}, or add a local environment (kind: 'local') to etl.config.ts`,
  );
}

/** Refuses a local environment where a command talks to AWS, and a project without etl.config.ts. */
export function requireAwsEnvironment(env: Environment, command: string): Environment {
  // The placeholder only names things in `etl plan` output: its bucket is nobody's.
  if (env === LOCAL_PLACEHOLDER_ENV) {
    throw new ConfigError(
      `${command} talks to AWS, and this project has no etl.config.ts to say where`,
      'create etl.config.ts at the project root with an environment (its region, bucket and target; see README.md, "Environments"), then pass --env <name>',
    );
  }
  if (env.kind === 'aws') return env;
  throw new UsageError(
    `environment '${env.name}' is a local environment; ${command} talks to AWS`,
    `use an AWS environment (--env dev), or run locally: etl run <job> --env ${env.name}, etl backfill <job> --env ${env.name}`,
  );
}

export async function loadEnvironment(root: string, name: string | undefined): Promise<Environment> {
  const file = ['etl.config.ts', 'etl.config.mts', 'etl.config.js'].map((f) => path.join(root, f)).find(existsSync);
  if (!file) {
    if (name) throw new UsageError(`--env ${name}: the project has no etl.config.ts`, 'create etl.config.ts at the project root (see README.md, "Environments")');
    return LOCAL_PLACEHOLDER_ENV;
  }
  const mod = await importModule(file);
  const parsed = ConfigSchema.safeParse(mod.default);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap(describeIssue).map((line) => `  ${line}`).join('\n');
    throw new ConfigError(`${path.basename(file)} is not valid:\n${issues}`, 'fix the listed settings (see README.md, "Environments")');
  }
  const envs = parsed.data.environments;
  const chosen = name ?? parsed.data.defaultEnvironment ?? (Object.keys(envs).length === 1 ? Object.keys(envs)[0] : undefined);
  if (!chosen) throw new UsageError(`${path.basename(file)} has several environments; choose one with --env`, `environments: ${Object.keys(envs).join(', ')}`);
  const env = envs[chosen];
  if (!env) throw new UsageError(`no environment '${chosen}' in ${path.basename(file)}`, didYouMean(chosen, Object.keys(envs)) ?? `environments: ${Object.keys(envs).join(', ')}`);
  if (env.kind === 'aws') return { name: chosen, ...env };
  // A local environment's folders, absolute from here on (relative to the project in the file).
  return {
    name: chosen,
    ...env,
    root: path.resolve(root, env.root ?? path.join('.lake', chosen)),
    mounts: Object.fromEntries(Object.entries(env.mounts).map(([prefix, local]) => [prefix, path.resolve(root, local)])),
  };
}

/** One line per problem, named by its path in the file (`environments.dev.emr`). */
function describeIssue(issue: z.core.$ZodIssue): string[] {
  const where = issue.path.length ? issue.path.join('.') : 'the top level';
  if (issue.code !== 'unrecognized_keys') return [`${where}: ${issue.message}`];
  const known = settingsAt(ConfigSchema, issue.path);
  return issue.keys.map((key) => `${where}: unknown setting '${key}' (${didYouMean(key, known) ?? `the settings here: ${known.join(', ')}`})`);
}

/** The setting names the schema allows at a path of the file, for "did you mean". */
function settingsAt(schema: z.ZodType, at: readonly PropertyKey[]): string[] {
  let s: z.ZodType | undefined = unwrapped(schema);
  for (const key of at) {
    if (s instanceof z.ZodObject) s = unwrapped(s.shape[String(key)]);
    else if (s instanceof z.ZodRecord) s = unwrapped(s.valueType as z.ZodType);
    else return [];
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** The object schema below defaults, optionals and transforms. */
function unwrapped(s: z.ZodType | undefined): z.ZodType | undefined {
  if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) return unwrapped(s.unwrap() as z.ZodType);
  if (s instanceof z.ZodPipe) return unwrapped(s.in as z.ZodType);
  return s;
}

export function databaseName(env: Environment, logical: string): string {
  return env.databases[logical] ?? logical;
}

export function tableLocation(env: Environment, database: string, table: string): string {
  return `s3://${env.bucket}/${trimSlashes(env.warehousePrefix)}/${database}/${table}/`;
}

export function artifactsUri(env: Environment, planHash: string): string {
  return `s3://${env.bucket}/${trimSlashes(env.artifactsPrefix)}/artifacts/${planHash}/`;
}

/** Where the driver's summaries of cluster runs go: s3://<bucket>/<artifactsPrefix>/runs/<job>/<step>/result.json */
export function runsUri(env: Environment): string {
  return `s3://${env.bucket}/${trimSlashes(env.artifactsPrefix)}/runs/`;
}

/** Where EMR Serverless runs write their logs: the environment's logUri, or s3://<bucket>/<artifactsPrefix>/serverless-logs/ */
export function serverlessLogUri(env: Environment): string {
  return env.emrServerless?.logUri ?? `s3://${env.bucket}/${trimSlashes(env.artifactsPrefix)}/serverless-logs/`;
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}
