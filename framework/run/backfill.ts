/**
 * `etl backfill <job> --from A --to B`: the job's daily slices in order, one committed run each.
 * A slice already committed by the same plan from the same input files is skipped (`force`
 * reruns it), so a backfill that stopped (a failure, a kill) resumes where it stopped when run
 * again, and one over days that are done costs a listing per day.
 */
import type { Environment } from '../config/config.ts';
import { EtlError, ParamError, UsageError } from '../errors/index.ts';
import { loadJob, type Project } from './project.ts';
import { analyzeJob } from '../analyze/job.ts';
import { runJob, tableSchemasOf, type RunResult } from './run-job.ts';
import { resolveParams } from './params.ts';
import { DAY_MS } from '../slices/duration.ts';

export interface BackfillOptions {
  readonly from: string;
  readonly to: string;
  /** Other parameters, the same for every slice. */
  readonly params?: Readonly<Record<string, string>>;
  /** A local environment (kind 'local'); without one, the inputs' samples. */
  readonly env?: Environment;
  readonly warehouse?: string;
  /** Rerun slices that are up to date. */
  readonly force?: boolean;
  /** Each run's memory budget (RunOptions.memoryBudget). */
  readonly memoryBudget?: number;
  readonly onSliceStart?: (day: string, index: number, total: number) => void;
  readonly onSliceEnd?: (outcome: SliceOutcome, index: number, total: number) => void;
  readonly onProgress?: (done: number, total: number) => void;
  readonly onNotice?: (message: string) => void;
}

export interface SliceOutcome {
  readonly day: string;
  readonly status: 'ran' | 'skipped' | 'failed' | 'not run';
  /** What the run of a day read and wrote (days run). */
  readonly counts?: SliceCounts;
  readonly error?: { readonly message: string; readonly hint?: string };
}

export interface SliceCounts {
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly rowsOutsideSlice: number;
  readonly badRecords: number;
  readonly partitions: readonly string[];
  readonly partitionsRemoved: readonly string[];
  readonly durationMs: number;
}

export interface BackfillResult {
  readonly job: string;
  readonly column: string;
  readonly slices: readonly SliceOutcome[];
  readonly status: 'succeeded' | 'failed';
}

/** The days from `from` to `to`, both included, as yyyy-MM-dd. */
export function daysBetween(from: string, to: string): string[] {
  const parse = (flag: string, v: string): number => {
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : NaN;
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== v) throw new ParamError(`--${flag} ${v} is not a date`, 'give days as yyyy-MM-dd, e.g. --from 2026-11-01 --to 2026-11-07');
    return ms;
  };
  const start = parse('from', from);
  const end = parse('to', to);
  if (end < start) throw new ParamError(`--to ${to} is before --from ${from}`, 'swap them: a backfill runs its days in order, oldest first');
  const days: string[] = [];
  for (let t = start; t <= end; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** The date parameter a job's slice is by, or a usage error saying why the job has none. */
export async function sliceDateParam(project: Project, jobName: string, params: Readonly<Record<string, string>>): Promise<string> {
  const { job, file } = await loadJob(project, jobName);
  if (!job.slice) {
    throw new UsageError(`job '${job.name}' declares no slice, so it has no days to backfill`, `declare one in ${file}, e.g. slice: 'dt' with params: z.object({ dt: z.iso.date().optional() }); or run it over everything with etl run ${job.name}`);
  }
  const schemas = await tableSchemasOf(project, job);
  const { slicing } = analyzeJob(job, resolveParams(job, { ...params }), (table) => schemas[table], file);
  const column = slicing.slice?.timeColumn;
  if (!column) throw new UsageError(`job '${job.name}' is sliced by ${slicing.slice!.columns.map((c) => c.name).join(', ')}, none of them a date`, 'a backfill steps through days: slice by a date column');
  if (params[column] !== undefined) throw new UsageError(`--param ${column} is what the backfill sets for each day`, `leave it out; the days are --from and --to`);
  return column;
}

export async function backfill(project: Project, jobName: string, options: BackfillOptions): Promise<BackfillResult> {
  const params = options.params ?? {};
  const column = await sliceDateParam(project, jobName, params);
  const days = daysBetween(options.from, options.to);
  const slices: SliceOutcome[] = [];
  let failed = false;
  for (const [i, day] of days.entries()) {
    if (failed) {
      slices.push({ day, status: 'not run' });
      continue;
    }
    options.onSliceStart?.(day, i, days.length);
    let outcome: SliceOutcome;
    try {
      const result = await runJob(project, jobName, {
        params: { ...params, [column]: day },
        ...(options.env ? { env: options.env } : {}),
        ...(options.warehouse ? { warehouse: options.warehouse } : {}),
        ...(options.memoryBudget ? { memoryBudget: options.memoryBudget } : {}),
        skipUnchanged: !options.force,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.onNotice ? { onNotice: options.onNotice } : {}),
      });
      outcome = result.status === 'skipped' ? { day, status: 'skipped' } : { day, status: 'ran', counts: countsOf(result) };
    } catch (e) {
      if (!(e instanceof EtlError)) throw e;
      failed = true;
      outcome = { day, status: 'failed', error: { message: e.message, ...(e.hint ? { hint: e.hint } : {}) } };
    }
    slices.push(outcome);
    options.onSliceEnd?.(outcome, i, days.length);
  }
  return { job: jobName, column, slices, status: failed ? 'failed' : 'succeeded' };
}

function countsOf(r: RunResult): SliceCounts {
  return {
    rowsRead: r.rowsRead,
    rowsWritten: r.output.rowsWritten,
    rowsOutsideSlice: r.rowsOutsideSlice,
    badRecords: r.badRecords,
    partitions: r.output.partitions,
    partitionsRemoved: r.output.partitionsRemoved,
    durationMs: r.durationMs,
  };
}
