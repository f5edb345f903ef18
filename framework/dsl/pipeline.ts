/**
 * `definePipeline`: jobs that run together on a schedule, each after the jobs it reads from.
 * A pipeline lives in `pipelines/<name>.ts` beside `jobs/`; its graph comes from the job files
 * (no second declaration of who reads what).
 */
export interface PipelineRetries {
  /** Attempts in all for a failed job run (default 2: one retry). */
  readonly attempts?: number;
  /** Wait before the first retry (default '10m'), growing by backoffRate for each next one. */
  readonly interval?: string;
  readonly backoffRate?: number;
}

export interface PipelineSpec {
  readonly name: string;
  readonly description?: string;
  /** The jobs: by name, or a job with everything downstream of it. */
  readonly jobs: readonly string[] | { readonly downstreamOf: string };
  /**
   * When it runs, as EventBridge Scheduler takes it: `'cron(15 2 * * ? *)'` (02:15 every day),
   * `'rate(1 day)'`. Without one, the pipeline runs only when started (`etl pipeline run`).
   */
  readonly schedule?: string;
  /** The schedule's time zone (an IANA name); default UTC. */
  readonly timezone?: string;
  /** Which day a scheduled run builds: the day before its scheduled time (default), or that day. */
  readonly slice?: 'previous day' | 'same day';
  readonly retries?: PipelineRetries;
}

export interface PipelineDefinition extends PipelineSpec {
  readonly __kind: 'etl.pipeline';
}

export function definePipeline(spec: PipelineSpec): PipelineDefinition {
  return Object.freeze({ __kind: 'etl.pipeline' as const, ...spec });
}

export function isPipelineDefinition(x: unknown): x is PipelineDefinition {
  return typeof x === 'object' && x !== null && (x as { __kind?: unknown }).__kind === 'etl.pipeline';
}
