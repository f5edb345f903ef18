/**
 * The EMR Serverless target: a job run of the generic driver per submit, on the environment's
 * application (its id, or found by name after `etl bootstrap` created it). StartJobRun carries a
 * client token derived from the run's identity, which makes a retried call idempotent in AWS;
 * the framework also looks for a run with the same name first (moto ignores the token, and a
 * token alone does not stop a second submit minutes later).
 */
import {
  CreateApplicationCommand,
  GetJobRunCommand,
  StartJobRunCommand,
  paginateListApplications,
  paginateListJobRuns,
  type JobRun,
  type JobRunSummary,
  type JobRunState,
} from '@aws-sdk/client-emr-serverless';
import type { CompiledJob } from '../../framework/compile/compile-job.ts';
import { serverlessLogUri, type Environment } from '../../framework/config/config.ts';
import { CompileError, UsageError } from '../../framework/errors/index.ts';
import type { AwsClients } from '../aws/clients.ts';
import { awsErrorCode, fromAws, redact } from '../aws/errors.ts';
import { pollUntilEnd, type PollOptions, type Polled } from '../aws/poll.ts';
import { logTail } from '../emr/wait.ts';
import { timesOf, type RunFailure, type RunReport, type RunTarget, type StartedRun } from '../targets/target.ts';
import { jobOfStep } from '../emr/status.ts';

const LIVE: JobRunState[] = ['SUBMITTED', 'PENDING', 'SCHEDULED', 'RUNNING', 'QUEUED', 'SUCCESS'];
const TERMINAL = new Set(['SUCCESS', 'FAILED', 'CANCELLED']);

export function serverlessTarget(clients: AwsClients, env: Environment): RunTarget {
  return {
    kind: 'emrServerless',
    prepare: async () => [],
    start: (compiled, options) => startServerlessRun(clients, env, compiled, options),
    wait: (run, options) => waitForServerlessRun(clients, run, options),
    succeeded: (state) => state === 'SUCCESS',
    failure: (run, end) => serverlessFailure(clients, env.emrServerless!, run, end.status as JobRun),
    async recent(jobs, limit) {
      const app = await applicationId(clients, env);
      const out: RunReport[] = [];
      for (const r of await listRuns(clients, app)) {
        const job = jobOfStep(r.name ?? '');
        if (!job || !jobs.includes(job)) continue;
        const logs = driverLogs(serverlessLogUri(env), app, r.id!);
        out.push({ job, target: 'emrServerless', runId: r.id!, where: app, name: r.name!, state: r.state ?? 'UNKNOWN', ...timesOf(r.createdAt, TERMINAL.has(r.state ?? '') ? r.updatedAt : undefined), logLocation: logs, ...(r.stateDetails ? { failure: redact(r.stateDetails) } : {}) });
      }
      return out.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '')).slice(0, limit);
    },
  };
}

/** The application's id: configured, or the live application with the configured name. */
export async function applicationId(clients: AwsClients, env: Environment): Promise<string> {
  const s = env.emrServerless;
  if (!s) throw new UsageError(`environment ${env.name} has no emrServerless settings`, "add emrServerless: { executionRoleArn: '...' } to it in etl.config.ts");
  if (s.applicationId) return s.applicationId;
  const found = await findApplication(clients, s.application.name);
  if (!found) throw new UsageError(`no EMR Serverless application named ${s.application.name} in ${clients.region}`, `create it with etl bootstrap --env ${env.name}, or set emrServerless.applicationId`);
  return found;
}

async function findApplication(clients: AwsClients, name: string): Promise<string | undefined> {
  try {
    for await (const page of paginateListApplications({ client: clients.serverless }, { states: ['CREATING', 'CREATED', 'STARTING', 'STARTED', 'STOPPING', 'STOPPED'] })) {
      const hit = (page.applications ?? []).find((a) => a.name === name);
      if (hit) return hit.id;
    }
  } catch (e) {
    throw fromAws(e, 'emr-serverless:ListApplications', `application ${name}`);
  }
  return undefined;
}

/** `etl bootstrap`: the application, when the environment names none and none by its name exists. */
export async function ensureApplication(clients: AwsClients, env: Environment, options: { dryRun?: boolean } = {}): Promise<{ readonly name: string; readonly id?: string; readonly created: boolean } | undefined> {
  const s = env.emrServerless;
  if (env.target !== 'emrServerless' || !s || s.applicationId) return undefined;
  const existing = await findApplication(clients, s.application.name);
  if (existing) return { name: s.application.name, id: existing, created: false };
  if (options.dryRun) return { name: s.application.name, created: true };
  try {
    const { applicationId: id } = await clients.serverless.send(
      new CreateApplicationCommand({ name: s.application.name, releaseLabel: s.application.releaseLabel, type: 'SPARK', clientToken: `lakeform-${s.application.name}`.slice(0, 64), tags: { 'lakeform:env': env.name } }),
    );
    return { name: s.application.name, ...(id ? { id } : {}), created: true };
  } catch (e) {
    throw fromAws(e, 'emr-serverless:CreateApplication', `application ${s.application.name}`);
  }
}

async function findRun(clients: AwsClients, app: string, name: string): Promise<JobRunSummary | undefined> {
  for (const r of await listRuns(clients, app, LIVE)) if (r.name === name) return r;
  return undefined;
}

async function listRuns(clients: AwsClients, app: string, states?: JobRunState[]): Promise<JobRunSummary[]> {
  const out: JobRunSummary[] = [];
  try {
    for await (const page of paginateListJobRuns({ client: clients.serverless }, { applicationId: app, ...(states ? { states } : {}) })) out.push(...(page.jobRuns ?? []));
  } catch (e) {
    // moto answers ResourceNotFound for an application that has had no run yet. A missing
    // application makes the StartJobRun that follows fail, with AWS's reason.
    if (awsErrorCode(e) === 'ResourceNotFoundException') return [];
    throw fromAws(e, 'emr-serverless:ListJobRuns', `application ${app}`);
  }
  return out;
}

export async function startServerlessRun(clients: AwsClients, env: Environment, job: CompiledJob, options: { force?: boolean } = {}): Promise<StartedRun> {
  const request = job.emrServerless?.startJobRun;
  if (!request) throw new CompileError(`job ${job.job} was compiled for environment ${job.env}, whose target is ${job.target}, not emrServerless`, "set target: 'emrServerless' and emrServerless: { executionRoleArn } in etl.config.ts");
  const app = request.applicationId ?? (await applicationId(clients, env));
  const run = (id: string, added: boolean, state?: string): StartedRun => ({ target: 'emrServerless', runId: id, where: app, name: job.runName, added, ...(state ? { state } : {}) });
  if (!options.force) {
    const existing = await findRun(clients, app, job.runName);
    if (existing) return run(existing.id!, false, existing.state);
  }
  // Forced: a token of its own, or AWS would hand back the run the identity's token started.
  const clientToken = options.force ? `${request.clientToken.slice(0, 48)}-${Date.now().toString(36)}` : request.clientToken;
  try {
    const { jobRunId } = await clients.serverless.send(new StartJobRunCommand({ ...request, applicationId: app, clientToken } as never));
    return run(jobRunId!, true);
  } catch (e) {
    throw fromAws(e, 'emr-serverless:StartJobRun', `application ${app}`);
  }
}

export function waitForServerlessRun(clients: AwsClients, run: StartedRun, options: PollOptions = {}): Promise<Polled<JobRun>> {
  return pollUntilEnd(
    async (abortSignal) => {
      try {
        const { jobRun } = await clients.serverless.send(new GetJobRunCommand({ applicationId: run.where, jobRunId: run.runId }), { abortSignal });
        return { state: jobRun?.state ?? 'UNKNOWN', status: (jobRun ?? {}) as JobRun };
      } catch (e) {
        throw fromAws(e, 'emr-serverless:GetJobRun', `job run ${run.runId} of application ${run.where}`);
      }
    },
    TERMINAL,
    options,
  );
}

/** The run's state details and the tail of the driver's stderr from the S3 monitoring location. */
export async function serverlessFailure(clients: AwsClients, settings: NonNullable<Environment['emrServerless']>, run: StartedRun, jobRun: JobRun): Promise<RunFailure> {
  const logUri = jobRun.configurationOverrides?.monitoringConfiguration?.s3MonitoringConfiguration?.logUri ?? settings.logUri;
  const logLocation = logUri ? driverLogs(logUri, run.where, run.runId) : undefined;
  const stderrTail = logLocation ? await logTail(clients.s3, `${logLocation}stderr.gz`) : undefined;
  return {
    ...(jobRun.state ? { reason: jobRun.state } : {}),
    ...(jobRun.stateDetails ? { message: redact(jobRun.stateDetails) } : {}),
    ...(logLocation ? { logLocation } : {}),
    ...(stderrTail ? { stderrTail } : {}),
  };
}

/** Where EMR Serverless puts a run's driver logs below the monitoring location. */
function driverLogs(logUri: string, app: string, run: string): string {
  return `${logUri.replace(/\/?$/, '/')}applications/${app}/jobs/${run}/SPARK_DRIVER/`;
}
