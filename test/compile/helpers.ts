/** Shared by the compiler tests: compiling the test project's jobs as `etl plan` does, and parsing Spark SQL. */
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { vi } from 'vitest';
import { SparkSQL } from 'dt-sql-parser';
import { findProject } from '../../framework/run/project.ts';
import { prepareJob } from '../../framework/run/run-job.ts';
import { loadEnvironment } from '../../framework/config/config.ts';
import { compileJob, planJsonView, stableJson, type CompiledJob } from '../../framework/compile/compile-job.ts';
import { printJson } from '../../framework/cli/output.ts';
import { PROJECT, ROOT } from '../run/helpers.ts';

export { PROJECT, ROOT };
export const PROJECT_JOBS = ['events_clean', 'user_sessions', 'daily_kpis'] as const;
export const GOLDEN_DIR = path.join(ROOT, 'test/compile/golden');
/** The golden plans are of one day's slice, as the daily runs compile them. */
export const GOLDEN_PARAMS: Readonly<Record<string, string>> = { dt: '2026-11-01' };

/** What `etl plan` prints and writes for one job, as text. */
export interface PlanTexts {
  readonly compiled: CompiledJob;
  /** stdout of `etl plan <job> --json`: the compiled job without the artifact, via printJson. */
  readonly json: string;
  /** plan.json written by `etl plan <job> --out <dir>`. */
  readonly planJson: string;
  /** job.sql written by `etl plan <job> --out <dir>`. */
  readonly sql: string;
}

// Planning reads the local catalog only for tables no job declares; keep it out of the repo anyway.
process.env.ETL_STATE_DIR ??= path.join(mkdtempSync(path.join(tmpdir(), 'etl-compile-')), 'state');

/**
 * Compiles a job of the test project the way framework/cli/commands/plan.ts does (same calls,
 * same text at the edge), in this process. Step locations in the SQL comments are relative to
 * the working directory, so this works in the project folder, as the CLI test runs `etl plan`.
 */
export async function planTexts(job: string, env = 'dev', params: Record<string, string> = GOLDEN_PARAMS): Promise<PlanTexts> {
  const cwd = process.cwd();
  process.chdir(PROJECT);
  try {
    const project = findProject(PROJECT);
    const environment = await loadEnvironment(project.root, env);
    const prepared = await prepareJob(project, job, { params, inputs: {}, resolveInputs: false });
    const compiled = compileJob(prepared, environment);
    return { compiled, json: captureStdout(() => printJson(planJsonView(compiled))), planJson: stableJson(compiled.artifact) + '\n', sql: compiled.spark.sql + '\n' };
  } finally {
    process.chdir(cwd);
  }
}

function captureStdout(f: () => void): string {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write);
  try {
    f();
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

const spark = new SparkSQL();

/**
 * Why Spark would not run this text as one statement: dt-sql-parser's syntax errors, or a
 * statement count other than one (the parser accepts `SELECT 1; DROP TABLE t`, which is
 * exactly what an injected value would produce). Empty when it parses.
 */
export function sparkSqlProblems(sql: string): string[] {
  const errors = spark.validate(sql).map((e) => `${e.startLine}:${e.startColumn}: ${e.message}`);
  if (errors.length) return errors;
  const statements = spark.splitSQLByStatement(sql)?.length ?? 0;
  return statements === 1 ? [] : [`${statements} statements, expected 1`];
}
