/**
 * The Glue target: one Glue job per lakeform job (created or updated by `etl deploy`, only when
 * its definition changed), a job run per submit. Glue's StartJobRun has no client token, so the
 * run's identity travels as its `--etl-run` argument: a submit first looks for a run with that
 * identity that is starting, running or done, and after a call whose response was lost it looks
 * again before retrying, so a run is never started twice.
 */
import {
  CreateJobCommand,
  GetJobCommand,
  GetJobRunCommand,
  StartJobRunCommand,
  UpdateJobCommand,
  paginateGetJobRuns,
  type JobRun,
} from '@aws-sdk/client-glue';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CompiledJob } from '../../framework/compile/compile-job.ts';
import { GLUE_RUN_ARGUMENT, type GlueJobDefinition } from '../../framework/compile/glue-job.ts';
import { CompileError } from '../../framework/errors/index.ts';
import type { AwsClients } from '../aws/clients.ts';
import { awsErrorCode, fromAws, outcomeUnknown, redact } from '../aws/errors.ts';
import { pollUntilEnd, type PollOptions, type Polled } from '../aws/poll.ts';
import { sleep } from '../emr/steps.ts';
import { timesOf, type RunFailure, type RunReport, type RunTarget, type StartedRun } from '../targets/target.ts';

const LIVE = new Set(['STARTING', 'RUNNING', 'WAITING', 'STOPPING', 'SUCCEEDED']);
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'ERROR', 'TIMEOUT', 'STOPPED', 'EXPIRED']);
/** Where Glue writes a run's stderr (the driver's error lines): log group, stream = run id. */
export const GLUE_ERROR_LOG_GROUP = '/aws-glue/jobs/error';

export function glueTarget(clients: AwsClients, prefix: string): RunTarget {
  return {
    kind: 'glue',
    prepare: (compiled, options) => ensureGlueJob(clients, compiled, options),
    start: (compiled, options) => startGlueRun(clients, compiled, options),
    wait: (run, options) => waitForGlueRun(clients, run, options),
    succeeded: (state) => state === 'SUCCEEDED',
    failure: (run, end) => glueFailure(clients, run, end.status as JobRun),
    recent: (jobs, limit) => recentGlueRuns(clients, prefix, jobs, limit),
  };
}

/** Runs of the lakeform jobs' Glue jobs (those lakeform started: they carry --etl-run). */
export async function recentGlueRuns(clients: AwsClients, prefix: string, jobs: readonly string[], limit: number): Promise<RunReport[]> {
  const out: RunReport[] = [];
  for (const job of jobs) {
    const JobName = `${prefix}${job}`;
    try {
      for await (const page of paginateGetJobRuns({ client: clients.glue }, { JobName })) {
        for (const r of page.JobRuns ?? []) {
          const name = r.Arguments?.[GLUE_RUN_ARGUMENT];
          if (!name) continue;
          out.push({
            job,
            target: 'glue',
            runId: r.Id!,
            where: JobName,
            name,
            state: r.JobRunState ?? 'UNKNOWN',
            ...timesOf(r.StartedOn, r.CompletedOn),
            logLocation: `CloudWatch Logs ${GLUE_ERROR_LOG_GROUP} / ${r.Id}`,
            ...(r.ErrorMessage ? { failure: redact(r.ErrorMessage) } : {}),
          });
        }
        if (out.length >= limit * 3) break;
      }
    } catch (e) {
      if (awsErrorCode(e) === 'EntityNotFoundException') continue;
      throw fromAws(e, 'glue:GetJobRuns', `Glue job ${JobName}`);
    }
  }
  return out.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '')).slice(0, limit);
}

function jobOf(compiled: CompiledJob): { job: GlueJobDefinition; start: NonNullable<CompiledJob['glue']['startJobRun']> } {
  const { job, startJobRun } = compiled.glue;
  if (!job || !startJobRun) throw new CompileError(`job ${compiled.job} was compiled for environment ${compiled.env}, whose target is ${compiled.target}, not glue`, "set target: 'glue' and glue: { role } in etl.config.ts");
  return { job, start: startJobRun };
}

/** The Glue job, created or updated when it differs (its script, the driver, is uploaded with the plan's artifacts). */
export async function ensureGlueJob(clients: AwsClients, compiled: CompiledJob, options: { dryRun: boolean }): Promise<string[]> {
  const { job } = jobOf(compiled);
  const changes: string[] = [];
  const resource = `Glue job ${job.Name}`;
  let current;
  try {
    current = (await clients.glue.send(new GetJobCommand({ JobName: job.Name }))).Job;
  } catch (e) {
    if (awsErrorCode(e) !== 'EntityNotFoundException') throw fromAws(e, 'glue:GetJob', resource);
  }
  const { Name, Tags, ...update } = job;
  if (!current) {
    changes.push(`create ${resource}`);
    if (!options.dryRun) {
      try {
        await clients.glue.send(new CreateJobCommand({ ...update, Name, Tags: { ...Tags } } as never));
      } catch (e) {
        throw fromAws(e, 'glue:CreateJob', resource);
      }
    }
    return changes;
  }
  const differs = (Object.keys(update) as (keyof typeof update)[]).filter((k) => JSON.stringify(normalised(current[k as keyof typeof current])) !== JSON.stringify(normalised(update[k])));
  if (differs.length) {
    changes.push(`update ${resource} (${differs.join(', ')})`);
    if (!options.dryRun) {
      try {
        await clients.glue.send(new UpdateJobCommand({ JobName: Name, JobUpdate: update as never }));
      } catch (e) {
        throw fromAws(e, 'glue:UpdateJob', resource);
      }
    }
  }
  return changes;
}

/** Objects with sorted keys (Glue returns maps in its own order). */
function normalised(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, normalised(x)]));
  return v;
}

/** A run of the job with this identity, in one of the given states, newest first. */
export async function findGlueRun(clients: AwsClients, jobName: string, runName: string, states: ReadonlySet<string> = LIVE): Promise<JobRun | undefined> {
  try {
    for await (const page of paginateGetJobRuns({ client: clients.glue }, { JobName: jobName })) {
      const hit = (page.JobRuns ?? []).find((r) => r.Arguments?.[GLUE_RUN_ARGUMENT] === runName && states.has(r.JobRunState ?? ''));
      if (hit) return hit;
    }
  } catch (e) {
    throw fromAws(e, 'glue:GetJobRuns', `Glue job ${jobName}`);
  }
  return undefined;
}

export async function startGlueRun(clients: AwsClients, compiled: CompiledJob, options: { force?: boolean; maxAttempts?: number; backoffMs?: number } = {}): Promise<StartedRun> {
  const { start } = jobOf(compiled);
  const run = (r: JobRun | string, added: boolean): StartedRun => ({
    target: 'glue',
    runId: typeof r === 'string' ? r : r.Id!,
    where: start.JobName,
    name: compiled.runName,
    added,
    ...(typeof r === 'string' ? {} : { state: r.JobRunState }),
  });
  const all = new Set([...LIVE, ...TERMINAL]);
  const before = options.force ? new Set<string>() : undefined;
  if (!options.force) {
    const existing = await findGlueRun(clients, start.JobName, compiled.runName);
    if (existing) return run(existing, false);
  } else {
    for await (const page of paginateGetJobRuns({ client: clients.glue }, { JobName: start.JobName })) for (const r of page.JobRuns ?? []) before!.add(r.Id!);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const { JobRunId } = await clients.glueSingleAttempt.send(new StartJobRunCommand({ JobName: start.JobName, Arguments: { ...start.Arguments } }));
      return run(JobRunId!, true);
    } catch (e) {
      if (!outcomeUnknown(e) || attempt >= (options.maxAttempts ?? 4)) throw fromAws(e, 'glue:StartJobRun', `Glue job ${start.JobName}`);
      // The response was lost or the call failed midway: did the run start?
      const landed = await findGlueRun(clients, start.JobName, compiled.runName, all);
      if (landed && (!before || !before.has(landed.Id!))) return run(landed, true);
      await sleep((options.backoffMs ?? 1000) * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}

export function waitForGlueRun(clients: AwsClients, run: StartedRun, options: PollOptions = {}): Promise<Polled<JobRun>> {
  return pollUntilEnd(
    async (abortSignal) => {
      try {
        const { JobRun } = await clients.glue.send(new GetJobRunCommand({ JobName: run.where, RunId: run.runId }), { abortSignal });
        return { state: JobRun?.JobRunState ?? 'UNKNOWN', status: JobRun ?? {} };
      } catch (e) {
        throw fromAws(e, 'glue:GetJobRun', `run ${run.runId} of Glue job ${run.where}`);
      }
    },
    TERMINAL,
    options,
  );
}

/** Glue's error message and the tail of the run's stderr in CloudWatch Logs (`/aws-glue/jobs/error`, stream = run id). */
export async function glueFailure(clients: AwsClients, run: StartedRun, jobRun: JobRun): Promise<RunFailure> {
  const logLocation = `CloudWatch Logs ${GLUE_ERROR_LOG_GROUP} / ${run.runId}`;
  let stderrTail: string | undefined;
  try {
    const { events } = await clients.logs.send(new GetLogEventsCommand({ logGroupName: GLUE_ERROR_LOG_GROUP, logStreamName: run.runId, startFromHead: false, limit: 40 }));
    const lines = (events ?? []).map((e) => e.message ?? '').join('\n').trimEnd();
    if (lines) stderrTail = redact(lines);
  } catch (e) {
    // Not there (yet): the message below is all there is.
    if (awsErrorCode(e) !== 'ResourceNotFoundException') throw fromAws(e, 'logs:GetLogEvents', logLocation);
  }
  return {
    ...(jobRun.JobRunState ? { reason: jobRun.JobRunState } : {}),
    ...(jobRun.ErrorMessage ? { message: redact(jobRun.ErrorMessage) } : {}),
    logLocation,
    ...(stderrTail ? { stderrTail } : {}),
  };
}
