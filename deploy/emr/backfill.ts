/**
 * `etl backfill --env <aws env>`: a sliced job's days on EMR, one step per day, in order.
 *
 * Each day is compiled for its own slice (the plan carries its parameters). A day whose slice
 * record in S3 (written by the driver after the day's commit) has the same plan hash and input
 * fingerprint as now is up to date and skipped. The others run as steps: on the environment's
 * cluster one at a time (a step of the same day still pending or running is followed, not added
 * again), or on one transient cluster that runs them all and ends (each step ends the cluster
 * if it fails). After each completed step the partitions it wrote are registered in Glue and
 * those it removed are dropped; the first failure stops the backfill, whose rerun then resumes.
 */
import { createHash } from 'node:crypto';
import type { CompiledJob } from '../../framework/compile/compile-job.ts';
import type { Metastore } from '../../framework/catalog/metastore.ts';
import type { Environment } from '../../framework/config/config.ts';
import type { BackfillResult, SliceCounts, SliceOutcome } from '../../framework/run/backfill.ts';
import { UsageError } from '../../framework/errors/index.ts';
import type { AwsClients } from '../aws/clients.ts';
import { deployJob } from '../deploy-job.ts';
import { registerPartitions } from '../glue/register-partitions.ts';
import { inputFingerprintS3, readSliceRecordS3 } from '../s3/run-state.ts';
import { findClusters, findStep, submitToCluster, submitTransient } from './steps.ts';
import { describeFailure, readDriverSummary, waitForStep, type DriverSummary } from './wait.ts';

export interface EmrBackfillContext {
  readonly env: Environment;
  readonly clients: AwsClients;
  readonly metastore: Metastore;
  readonly driverSource: string;
  /** The job compiled for one day's parameters. */
  readonly compile: (params: Record<string, string>) => Promise<CompiledJob>;
  readonly pollMs?: number;
  readonly maxPollMs?: number;
}

export interface EmrBackfillOptions {
  readonly job: string;
  readonly column: string;
  readonly days: readonly string[];
  readonly params: Readonly<Record<string, string>>;
  readonly force: boolean;
  readonly onSliceStart?: (day: string, index: number, total: number) => void;
  readonly onSliceEnd?: (outcome: SliceOutcome, index: number, total: number) => void;
}

const ALL_STEP_STATES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'INTERRUPTED', 'CANCEL_PENDING'] as const;

export async function backfillOnEmr(ctx: EmrBackfillContext, o: EmrBackfillOptions): Promise<BackfillResult> {
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
    for (const { compiled } of stale) await deployJob(compiled, clients, ctx.metastore, ctx.driverSource);
    const transient = await startTransient(ctx, o.job, stale);
    for (const [i, { day, compiled }] of stale.entries()) {
      o.onSliceStart?.(day, o.days.indexOf(day), o.days.length);
      const step = transient ? { clusterId: transient.clusterId, stepId: transient.stepIds[i] } : await addStep(ctx, compiled);
      const outcome = await follow(ctx, compiled, day, step);
      outcomes.set(day, outcome);
      report(day);
      if (outcome.status === 'failed') break;
    }
  }
  const slices = o.days.map((day) => outcomes.get(day) ?? { day, status: 'not run' as const });
  return { job: o.job, column: o.column, slices, status: slices.some((s) => s.status === 'failed') ? 'failed' : 'succeeded' };
}

interface StepRef {
  readonly clusterId: string;
  readonly stepId: string;
}

/** On a transient-cluster environment, one cluster that runs every stale day's step in order; else undefined. */
async function startTransient(ctx: EmrBackfillContext, job: string, stale: readonly { compiled: CompiledJob }[]): Promise<{ clusterId: string; stepIds: string[] } | undefined> {
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

/** A day's step on the long-running cluster: the one still pending or running, else a new one. */
async function addStep(ctx: EmrBackfillContext, compiled: CompiledJob): Promise<StepRef> {
  const clusterId = ctx.env.emr.clusterId!;
  const live = await findStep(ctx.clients.emr, clusterId, compiled.emr.step.Name, ['PENDING', 'RUNNING', 'CANCEL_PENDING']);
  if (live?.Id) return { clusterId, stepId: live.Id };
  // A completed step of the same name ran this day from older inputs: this one must run again.
  const added = await submitToCluster(ctx.clients, clusterId, compiled.emr.step, { force: true, ...(ctx.env.executionRoleArn ? { executionRoleArn: ctx.env.executionRoleArn } : {}) });
  return { clusterId, stepId: added.stepId };
}

async function follow(ctx: EmrBackfillContext, compiled: CompiledJob, day: string, { clusterId, stepId }: StepRef): Promise<SliceOutcome> {
  const outcome = await waitForStep(ctx.clients.emr, clusterId, stepId, { ...(ctx.pollMs ? { pollMs: ctx.pollMs } : {}), ...(ctx.maxPollMs ? { maxPollMs: ctx.maxPollMs } : {}) });
  if (outcome.state !== 'COMPLETED') {
    const failure = await describeFailure(ctx.clients, clusterId, stepId, outcome.status);
    return {
      day,
      status: 'failed',
      error: {
        message: `step ${stepId} on cluster ${clusterId} ended ${outcome.state}${failure.reason ? `: ${failure.reason}` : ''}${failure.stderrTail ? `\n${failure.stderrTail}` : ''}`,
        hint: failure.logLocation ? `the step's logs: ${failure.logLocation}` : 'the cluster has no LogUri; set one to keep step logs',
      },
    };
  }
  const summary = await readDriverSummary(ctx.clients.s3, compiled.artifacts.resultUri);
  if (!summary) {
    return { day, status: 'failed', error: { message: `step ${stepId} completed, but its summary is missing at ${compiled.artifacts.resultUri}`, hint: 'run the backfill again: the day is rerun' } };
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
