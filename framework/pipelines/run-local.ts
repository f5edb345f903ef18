/**
 * `etl pipeline run <name>` without an AWS environment: the pipeline's jobs on the local
 * engine, level by level in dependency order, with the pipeline's retries (without their wait),
 * for one day or over everything, so a pipeline is tried offline before it is deployed. A job
 * that fails stops the run: the jobs after it are not run, as on Step Functions.
 */
import type { Environment } from '../config/config.ts';
import { EtlError } from '../errors/index.ts';
import type { Project } from '../run/project.ts';
import { runJob } from '../run/run-job.ts';
import type { BoundPipeline } from './pipeline.ts';

export interface PipelineJobOutcome {
  readonly job: string;
  readonly status: 'succeeded' | 'failed' | 'not run';
  readonly attempts: number;
  readonly durationMs: number;
  readonly rowsWritten?: number;
  readonly error?: { readonly message: string; readonly hint?: string };
}

export interface PipelineRun {
  readonly pipeline: string;
  /** The day run, or null for a run over everything. */
  readonly day: string | null;
  readonly status: 'succeeded' | 'failed';
  readonly jobs: readonly PipelineJobOutcome[];
}

export interface LocalPipelineOptions {
  readonly day?: string;
  readonly env?: Environment;
  readonly warehouse?: string;
  readonly onJobStart?: (job: string, attempt: number) => void;
  readonly onJobEnd?: (outcome: PipelineJobOutcome) => void;
}

export async function runPipelineLocally(project: Project, p: BoundPipeline, options: LocalPipelineOptions = {}): Promise<PipelineRun> {
  const outcomes: PipelineJobOutcome[] = [];
  let failed = false;
  for (const job of p.levels.flat()) {
    if (failed) {
      outcomes.push({ job, status: 'not run', attempts: 0, durationMs: 0 });
      continue;
    }
    const param = p.sliceParam[job];
    const params = options.day !== undefined && param ? { [param]: options.day } : {};
    const started = performance.now();
    let outcome: PipelineJobOutcome | undefined;
    for (let attempt = 1; !outcome; attempt++) {
      options.onJobStart?.(job, attempt);
      try {
        const r = await runJob(project, job, { params, ...(options.env ? { env: options.env } : {}), ...(options.warehouse ? { warehouse: options.warehouse } : {}) });
        outcome = { job, status: 'succeeded', attempts: attempt, durationMs: Math.round(performance.now() - started), rowsWritten: r.output.rowsWritten };
      } catch (e) {
        if (!(e instanceof EtlError)) throw e;
        if (attempt < p.retries.attempts) continue;
        outcome = { job, status: 'failed', attempts: attempt, durationMs: Math.round(performance.now() - started), error: { message: e.message, ...(e.hint ? { hint: e.hint } : {}) } };
        failed = true;
      }
    }
    outcomes.push(outcome);
    options.onJobEnd?.(outcome);
  }
  return { pipeline: p.name, day: options.day ?? null, status: failed ? 'failed' : 'succeeded', jobs: outcomes };
}
