/**
 * What the bench runner passes to a system's child process (argv[2], JSON) and what the child
 * prints (one JSON line on stdout). Time and peak memory are measured from outside the job:
 * the runner times the whole process, and bench/peak-rss.mjs reports its peak RSS on exit.
 */
export type JobName = 'events_clean' | 'user_sessions' | 'daily_kpis';
export const JOBS: readonly JobName[] = ['events_clean', 'user_sessions', 'daily_kpis'];

export interface SystemTask {
  readonly job: JobName;
  /** Firehose folder of gzip JSON lines (events_clean). */
  readonly raw: string;
  /** Hive-partitioned Parquet folder of analytics.events (user_sessions, daily_kpis). */
  readonly events: string;
  /** The users CSV (daily_kpis). */
  readonly users: string;
  /** Folder to write the job's output into, Hive-partitioned by dt (must not exist). */
  readonly out: string;
}

export interface SystemReport {
  readonly rowsOut: number;
}

export function taskFromArgv(): SystemTask {
  const arg = process.argv[2];
  if (!arg) throw new Error('usage: <system> <task JSON>');
  return JSON.parse(arg) as SystemTask;
}

export function report(r: SystemReport): void {
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
