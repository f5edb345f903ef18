/** What the AWS commands share: the environment, its SDK clients and Glue catalog, compiled jobs. */
import pc from 'picocolors';
import { findProject, jobNames, loadAllJobs, type Project } from '../../run/project.ts';
import { prepareJob } from '../../run/run-job.ts';
import { compileJob, type CompiledJob } from '../../compile/compile-job.ts';
import { databaseName, loadEnvironment, requireAwsEnvironment, type Environment } from '../../config/config.ts';
import { driverSource } from '../../compile/driver.ts';
import { CompileError } from '../../errors/index.ts';

export type DeployModule = typeof import('../../../deploy/index.ts');

export interface AwsSession {
  readonly project: Project;
  readonly env: Environment;
  readonly aws: DeployModule;
  readonly clients: ReturnType<DeployModule['awsClients']>;
  readonly metastore: ReturnType<DeployModule['glueMetastoreFor']>;
}

export async function awsSession(envName: string | undefined, command: string): Promise<AwsSession> {
  const project = findProject();
  const env = requireAwsEnvironment(await loadEnvironment(project.root, envName), command);
  // Loaded on demand: commands that never talk to AWS do not load the SDK.
  const aws = await import('../../../deploy/index.ts');
  const clients = aws.awsClients(env);
  return { project, env, aws, clients, metastore: new aws.GlueMetastore(clients.glue) };
}

export async function compileFor(session: AwsSession, job: string, params: Record<string, string> = {}): Promise<CompiledJob> {
  const prepared = await prepareJob(session.project, job, { params, resolveInputs: false });
  return compileJob(prepared, session.env);
}

export async function requireDriver(): Promise<string> {
  const source = await driverSource();
  if (source === undefined) throw new CompileError('the Spark driver (deploy/spark/driver.py) is missing from this installation', 'reinstall lakeform');
  return source;
}

/** The Glue databases the project's jobs write and read, as named in the environment. */
export async function projectDatabases(session: AwsSession): Promise<string[]> {
  const dbs = new Set<string>();
  for (const { job } of await loadAllJobs(session.project)) {
    dbs.add(databaseName(session.env, job.output.table.split('.')[0]));
    for (const spec of Object.values(job.inputs)) if (spec.format === 'table') dbs.add(databaseName(session.env, spec.table.split('.')[0]));
  }
  return [...dbs].sort();
}

export function selectedJobs(session: AwsSession, jobs: readonly string[]): string[] {
  return jobs.length ? [...jobs] : jobNames(session.project);
}

export const say = (line: string) => process.stderr.write(`${line}\n`);
export const dim = pc.dim;

/** How often `--wait` polls a step. */
export function pollOptions(): { pollMs: number; maxPollMs: number } {
  // ETL_POLL_INTERVAL_MS: tests (and impatient people) poll faster than the default 5 s.
  const pollMs = Number(process.env.ETL_POLL_INTERVAL_MS ?? 5_000);
  return { pollMs, maxPollMs: Math.max(pollMs, Number(process.env.ETL_POLL_MAX_MS ?? 30_000)) };
}
