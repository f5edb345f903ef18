/**
 * Where a compiled job runs on AWS: an EMR step, a Glue job run or an EMR Serverless job run.
 * `etl submit` and `etl backfill` speak to each through this one interface, so every target
 * gives the same guarantees: a run is started once per identity (job, plan hash, params) however
 * often a submit is retried, it is followed to its end with backoff, and a failure comes back
 * with the target's reason and the tail of the driver's stderr.
 */
import type { CompiledJob } from '../../framework/compile/compile-job.ts';
import type { PollOptions, Polled } from '../aws/poll.ts';
import type { StepFailure } from '../emr/wait.ts';

export type TargetKind = CompiledJob['target'];

export interface StartedRun {
  readonly target: TargetKind;
  readonly runId: string;
  /** Where it runs: the EMR cluster, the Glue job, the EMR Serverless application. */
  readonly where: string;
  /** The run's identity (CompiledJob.runName). */
  readonly name: string;
  /** false: a run with this identity was already pending, running or done, and is reported instead. */
  readonly added: boolean;
  /** The state of a reused run when it was found. */
  readonly state?: string;
  /** EMR: a transient cluster was started for it. */
  readonly startedCluster?: boolean;
}

export type RunFailure = StepFailure;

export interface StartOptions {
  /** Start another run even when one with the same identity is pending, running or done. */
  readonly force?: boolean;
}

/** A run as `etl status` lists it, whatever the target. */
export interface RunReport {
  readonly job: string;
  readonly target: TargetKind;
  readonly runId: string;
  readonly where: string;
  readonly name: string;
  readonly state: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly logLocation?: string;
  readonly failure?: string;
}

export interface RunTarget {
  readonly kind: TargetKind;
  /** What runs need on the target before they start (a Glue job and its script); lines saying what changed. */
  prepare(compiled: CompiledJob, options: { readonly dryRun: boolean }): Promise<string[]>;
  start(compiled: CompiledJob, options: StartOptions): Promise<StartedRun>;
  wait(run: StartedRun, options: PollOptions): Promise<Polled<unknown>>;
  /** Whether a terminal state is success (COMPLETED, SUCCEEDED, SUCCESS). */
  succeeded(state: string): boolean;
  failure(run: StartedRun, end: Polled<unknown>): Promise<RunFailure>;
  /** Recent runs of these jobs (lakeform job names), newest first. */
  recent(jobs: readonly string[], limit: number): Promise<RunReport[]>;
}

/** Times of a run as reports give them. */
export function timesOf(start: Date | undefined, end: Date | undefined): Pick<RunReport, 'startedAt' | 'endedAt' | 'durationMs'> {
  return {
    ...(start ? { startedAt: start.toISOString() } : {}),
    ...(end ? { endedAt: end.toISOString() } : {}),
    ...(start && end ? { durationMs: end.getTime() - start.getTime() } : {}),
  };
}
