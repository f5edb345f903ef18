/**
 * The project's environments (`etl.config.ts` at the project root), validated with zod:
 * where each environment keeps artifacts and tables in S3, how database names map, and which
 * EMR target runs the jobs.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UsageError, didYouMean, EtlError, type Phase } from '../errors/index.ts';
import { importModule } from '../run/module-loader.ts';

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const TransientCluster = z.object({
  releaseLabel: z.string().regex(/^emr-\d+\.\d+\.\d+$/, 'an EMR release label such as emr-7.5.0').default('emr-7.5.0'),
  instanceType: z.string().default('m5.xlarge'),
  instanceCount: z.int().min(1).default(3),
  serviceRole: z.string().default('EMR_DefaultRole'),
  jobFlowRole: z.string().default('EMR_EC2_DefaultRole'),
  logUri: z.string().startsWith('s3://').optional(),
  subnetId: z.string().optional(),
});

export const EnvironmentSchema = z.object({
  region: z.string().default('us-east-1'),
  profile: z.string().optional(),
  bucket: z.string().regex(S3_BUCKET, 'an S3 bucket name (lowercase letters, digits, dots and hyphens)'),
  /** Where plans, SQL and the driver are uploaded: s3://<bucket>/<artifactsPrefix>/artifacts/<planHash>/ */
  artifactsPrefix: z.string().default('etl'),
  /** Where tables live: s3://<bucket>/<warehousePrefix>/<database>/<table>/ */
  warehousePrefix: z.string().default('warehouse'),
  /** Database name mapping, e.g. { analytics: 'analytics_dev' }; unmapped names stay as they are. */
  databases: z.record(z.string(), z.string()).default({}),
  /** Values for `{name}` in input locations besides job params, e.g. { bucket: 'acme-raw' }. */
  variables: z.record(z.string(), z.string()).default({}),
  emr: z
    .object({ clusterId: z.string().regex(/^j-[A-Z0-9]+$/, 'an EMR cluster id such as j-2AXXXXXXGAPLF').optional(), transient: TransientCluster.optional() })
    .default({}),
  executionRoleArn: z.string().optional(),
  actionOnFailure: z.enum(['CONTINUE', 'CANCEL_AND_WAIT', 'TERMINATE_CLUSTER']).default('CONTINUE'),
  sparkConf: z.record(z.string(), z.string()).default({}),
});

export const ConfigSchema = z.object({
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

export async function loadEnvironment(root: string, name: string | undefined): Promise<Environment> {
  const file = ['etl.config.ts', 'etl.config.mts', 'etl.config.js'].map((f) => path.join(root, f)).find(existsSync);
  if (!file) {
    if (name) throw new UsageError(`--env ${name}: the project has no etl.config.ts`, 'create etl.config.ts at the project root (see README.md, "Environments")');
    return LOCAL_PLACEHOLDER_ENV;
  }
  const mod = await importModule(file);
  const parsed = ConfigSchema.safeParse(mod.default);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`${path.basename(file)} is not valid:\n${issues}`, 'fix the listed settings');
  }
  const envs = parsed.data.environments;
  const chosen = name ?? parsed.data.defaultEnvironment ?? (Object.keys(envs).length === 1 ? Object.keys(envs)[0] : undefined);
  if (!chosen) throw new UsageError(`${path.basename(file)} has several environments; choose one with --env`, `environments: ${Object.keys(envs).join(', ')}`);
  const env = envs[chosen];
  if (!env) throw new UsageError(`no environment '${chosen}' in ${path.basename(file)}`, didYouMean(chosen, Object.keys(envs)) ?? `environments: ${Object.keys(envs).join(', ')}`);
  return { name: chosen, ...env };
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

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}
