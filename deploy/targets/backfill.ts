/**
 * `etl backfill --env <aws env>`: a sliced job's days on the environment's target, one run per
 * day, in order.
 *
 * Each day is compiled for its own slice (the plan carries its parameters). A day whose slice
 * record in S3 (written by the driver after the day's commit) has the same plan hash and input
 * fingerprint as now is up to date and skipped. The others run one at a time: an EMR step on the
 * environment's cluster, a Glue job run, an EMR Serverless job run; a run of the same day still
 * pending or running is followed, not started again, and one that succeeded earlier (from older
 * inputs) is run again. On a transient-cluster EMR environment one cluster runs every day's step
 * in order and ends (each step ends the cluster if it fails). After each successful run the
 * partitions it wrote are registered in Glue and those it removed are dropped; the first failure
 * stops the backfill, whose rerun then resumes.
 */
import { createHash } from 'node:crypto';
import type { CompiledJob } from '../../framework/compile/compile-job.ts';
import type { Metastore } from '../../framework/catalog/metastore.ts';
import type { Environment } from '../../framework/config/config.ts';
import type { BackfillResult, SliceCounts, SliceOutcome } from '../../framework/run/backfill.ts';
import { UsageError } from '../../framework/errors/index.ts';
import type { AwsClients } from '../aws/clients.ts';
import { deployJob } from '../deploy-job.ts';
import type { RunTarget, StartedRun } from './target.ts';
import { registerPartitions } from '../glue/register-partitions.ts';
import { inputFingerprintS3, readSliceRecordS3 } from '../s3/run-state.ts';
import { findClusters, findStep, submitTransient } from '../emr/steps.ts';
import { readDriverSummary, type DriverSummary } from '../emr/wait.ts';

export interface TargetBackfillContext {
  readonly env: Environment;
  readonly clients: AwsClients;
  readonly target: RunTarget;
  readonly metastore: Metastore;
  readonly driverSource: string;
  /** The job compiled for one day's parameters. */
  readonly compile: (params: Record<string, string>) => Promise<CompiledJob>;
  readonly pollMs?: number;
  readonly maxPollMs?: number;
}

export interface TargetBackfillOptions {
  readonly job: string;
  readonly column: string;
  readonly days: readonly string[];
  readonly params: Readonly<Record<string, string>>;
  readonly force: boolean;
  readonly onSliceStart?: (day: string, index: number, total: number) => void;
  readonly onSliceEnd?: (outcome: SliceOutcome, index: number, total: number) => void;
}

const ALL_STEP_STATES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'INTERRUPTED', 'CANCEL_PENDING'] as const;

export async function backfillOnTarget(ctx: TargetBackfillContext, o: TargetBackfillOptions): Promise<BackfillResult> {
  const { clients, env } = ctx;
  const outcomes = new Map<string, SliceOutcome>();
  const stale: { day: string; compiled: CompiledJob }[] = [];
  for (const day of o.days) {
    const compiled = await ctx.compile({ ...o.params, [o.column]: day });
    if (!o.force) {
      const record = await readSliceRecordS3(clients.s3, compiled.artifact);
      if (record && record.planHash === compiled.planHash && record.inputFingerprint === (await inputFingerprintS3(clients.s3, compiled.artifact))) {
        outcomes.set(day, { day, status: 'skipped' });
        continue;
      }
    }
    stale.push({ day, compiled });
  }
  const report = (day: string) => o.onSliceEnd?.(outcomes.get(day)!, o.days.indexOf(day), o.days.length);
  for (const day of o.days) if (outcomes.has(day)) report(day);

  if (stale.length) {
    for (const { compiled } of stale) await deployJob(compiled, clients, ctx.metastore, ctx.driverSource, { target: ctx.target });
    const transient = ctx.target.kind === 'emr' ? await startTransient(ctx, o.job, stale) : undefined;
    for (const [i, { day, compiled }] of stale.entries()) {
      o.onSliceStart?.(day, o.days.indexOf(day), o.days.length);
      const run: StartedRun = transient ? { target: 'emr', runId: transient.stepIds[i], where: transient.clusterId, name: compiled.runName, added: true } : await startDay(ctx.target, compiled);
      const outcome = await follow(ctx, compiled, day, run);
      outcomes.set(day, outcome);
      report(day);
      if (outcome.status === 'failed') break;
    }
  }
  const slices = o.days.map((day) => outcomes.get(day) ?? { day, status: 'not run' as const });
  return { job: o.job, column: o.column, slices, status: slices.some((s) => s.status === 'failed') ? 'failed' : 'succeeded' };
}

/** On a transient-cluster EMR environment, one cluster that runs every stale day's step in order; else undefined. */
async function startTransient(ctx: TargetBackfillContext, job: string, stale: readonly { compiled: CompiledJob }[]): Promise<{ clusterId: string; stepIds: string[] } | undefined> {
  const { env, clients } = ctx;
  if (env.emr.clusterId) return undefined;
  const template = stale[0].compiled.emr.runJobFlow;
  if (!template) throw new UsageError(`environment ${env.name} names no EMR cluster`, 'set emr.clusterId or emr.transient in etl.config.ts');
  const running = await findClusters(clients.emr, `etl-backfill-${job}-*`);
  if (running.length) {
    throw new UsageError(
      `a backfill of ${job} is still running on cluster ${running[0].id} (${running[0].name})`,
      `wait for it to end (etl status ${job} --env ${env.name}), or terminate it: aws emr terminate-clusters --cluster-ids ${running[0].id}`,
    );
  }
  const steps = stale.map(({ compiled }) => ({ ...compiled.emr.step, ActionOnFailure: 'TERMINATE_CLUSTER' as const }));
  const digest = createHash('sha256').update(steps.map((s) => s.Name).join('\n')).digest('hex').slice(0, 12);
  const submitted = await submitTransient(clients, { ...template, Name: `etl-backfill-${job}-${digest}`, Steps: steps });
  const stepIds = [submitted.stepId];
  for (const s of steps.slice(1)) {
    const found = await findStep(clients.emr, submitted.clusterId, s.Name, [...ALL_STEP_STATES]);
    if (!found?.Id) throw new UsageError(`cluster ${submitted.clusterId} was started, but its step ${s.Name} is not listed`, `look at the cluster in the EMR console, or etl status ${job} --env ${env.name}`);
    stepIds.push(found.Id);
  }
  return { clusterId: submitted.clusterId, stepIds };
}

/** A day's run: the one of the same identity still pending or running, else a new one (one that succeeded ran from older inputs). */
async function startDay(target: RunTarget, compiled: CompiledJob): Promise<StartedRun> {
  const found = await target.start(compiled, { force: false });
  if (found.added || !found.state || !target.succeeded(found.state)) return found;
  return target.start(compiled, { force: true });
}

async function follow(ctx: TargetBackfillContext, compiled: CompiledJob, day: string, run: StartedRun): Promise<SliceOutcome> {
  const outcome = await ctx.target.wait(run, { ...(ctx.pollMs ? { pollMs: ctx.pollMs } : {}), ...(ctx.maxPollMs ? { maxPollMs: ctx.maxPollMs } : {}) });
  if (!ctx.target.succeeded(outcome.state)) {
    const failure = await ctx.target.failure(run, outcome);
    return {
      day,
      status: 'failed',
      error: {
        message: `${run.target === 'emr' ? `step ${run.runId} on cluster ${run.where}` : `run ${run.runId} (${run.where})`} ended ${outcome.state}${failure.reason && failure.reason !== outcome.state ? `: ${failure.reason}` : ''}${failure.message ? `: ${failure.message}` : ''}${failure.stderrTail ? `\n${failure.stderrTail}` : ''}`,
        hint: failure.logLocation ? `the run's logs: ${failure.logLocation}` : 'the cluster has no LogUri; set one to keep step logs',
      },
    };
  }
  const summary = await readDriverSummary(ctx.clients.s3, compiled.artifacts.resultUri);
  if (!summary) {
    return { day, status: 'failed', error: { message: `run ${run.runId} succeeded, but its summary is missing at ${compiled.artifacts.resultUri}`, hint: 'run the backfill again: the day is rerun' } };
  }
  await registerPartitions(ctx.metastore, compiled, summary);
  return { day, status: 'ran', counts: countsOf(summary, outcome.elapsedMs) };
}

function countsOf(summary: DriverSummary, durationMs: number): SliceCounts {
  const number = (k: string) => (typeof summary[k] === 'number' ? (summary[k] as number) : 0);
  const parts = summary.output?.partitions ?? [];
  return {
    rowsRead: number('rowsRead'),
    rowsWritten: summary.output?.rowsWritten ?? 0,
    rowsOutsideSlice: number('rowsOutsideSlice'),
    badRecords: number('badRecords'),
    partitions: parts.map((p) => Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join('/')),
    partitionsRemoved: summary.output?.partitionsRemoved ?? [],
    durationMs,
  };
}
