import type { CommandModule } from 'yargs';
import path from 'node:path';
import pc from 'picocolors';
import { findProject, loadJob, type Project } from '../../run/project.ts';
import { loadEnvironment, requireLocalEnvironment } from '../../config/config.ts';
import { runJob, type RunResult } from '../../run/run-job.ts';
import { CheckFailedError, EtlError, failingRowLines } from '../../errors/index.ts';
import { InputFileError } from '../../io/types.ts';
import { dependencyOrder } from '../../run/dependencies.ts';
import { memoryBudgetOf } from '../../engine/spill/memory-budget.ts';
import { formatCount, printJson, progressBar } from '../output.ts';
import { jobOptions, runOptionsFrom, withOptions, type JobArgs, type OptionSpec } from './common.ts';

export const RUN_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'with-deps': { type: 'boolean', default: false, describe: 'First run the jobs that produce the tables this job reads (like dbt +model), with the same slice parameters where they take them' },
  env: { type: 'string', describe: "A local environment of etl.config.ts (kind: 'local'): read the inputs' production paths from its folders, write its own warehouse and catalog" },
  incremental: { type: 'boolean', default: false, describe: "Read only the input files the table's ledger does not list yet, and merge their rows into the partitions they belong to" },
  'memory-budget': { type: 'string', describe: "How much memory dropDuplicates, orderBy, window functions and the right side of a join may fill with rows before they spill to the run's staging folder (the table writer buffers an eighth of it), e.g. 1GB; default 512MB, or the local environment's memoryBudget" },
};

export const runCommand: CommandModule<object, JobArgs & { 'with-deps': boolean; env?: string; incremental: boolean; 'memory-budget'?: string }> = {
  command: 'run <job>',
  describe: 'Run a job offline: local engine, Parquet in the local warehouse, table in the local catalog (on its sample data, or in a local environment)',
  builder: (y) =>
    withOptions(jobOptions(y), RUN_OPTIONS)
      .example('$0 run events_clean', 'Run on the sample data (all of it: no slice given)')
      .example('$0 run events_clean --param dt=2026-11-01 --json', 'Run the slice dt=2026-11-01 only; JSON summary')
      .example('$0 run events_clean --env local --param dt=2026-11-01', "The same slice, reading the production paths in the 'local' environment")
      .example('$0 run events_clean --env local --incremental', 'Process the files not processed yet, merging late rows into their days')
      .example('$0 run daily_kpis --with-deps', 'Run events_clean first, then daily_kpis') as never,
  handler: async (argv) => {
    const project = findProject();
    const env = argv.env === undefined ? undefined : requireLocalEnvironment(await loadEnvironment(project.root, argv.env), 'etl run');
    const memoryBudget = argv['memory-budget'] === undefined ? {} : { memoryBudget: memoryBudgetOf(argv['memory-budget'], '--memory-budget') };
    const options = { ...runOptionsFrom(argv), ...(env ? { env } : {}), incremental: argv.incremental, ...memoryBudget };
    const order = argv['with-deps'] ? await dependencyOrder(project, argv.job) : [argv.job];
    const results: (RunResult | FailedRun)[] = [];
    const printResults = () => printJson(argv['with-deps'] ? { runs: results } : results[0]);
    for (const name of order) {
      const bar = progressBar(!argv.json, `${name}`);
      const started = performance.now();
      try {
        const isTarget = name === argv.job;
        const result = await runJob(project, name, {
          ...(isTarget ? options : { ...(options.warehouse ? { warehouse: options.warehouse } : {}), ...(env ? { env } : {}), ...memoryBudget, params: await paramsFor(project, name, options.params) }),
          onProgress: (d, t) => bar.update(d, t),
          onNotice: (m) => process.stderr.write(`${pc.yellow('note')}: ${m}\n`),
        });
        results.push(result);
        if (!argv.json) printSummary(result);
      } catch (e) {
        // A script reading --json gets a summary whatever happens; the error goes to stderr as well.
        if (argv.json) {
          results.push(failedRun(name, e, Math.round(performance.now() - started)));
          printResults();
        }
        throw e;
      } finally {
        bar.stop();
      }
    }
    if (argv.json) printResults();
  },
};

/** What `etl run --json` prints for a run that failed: the job, and the error as the CLI reports it. */
export interface FailedRun {
  readonly job: string;
  readonly status: 'failed';
  readonly durationMs: number;
  readonly error: {
    readonly name: string;
    /** The phase that failed (load, params, analysis, input, check, commit, ...); null for an unexpected error. */
    readonly phase: string | null;
    readonly message: string;
    readonly hint?: string;
    /** The checks that failed, for a failed data check. */
    readonly failures?: CheckFailedError['failures'];
  };
}

function failedRun(job: string, e: unknown, durationMs: number): FailedRun {
  const err = e instanceof Error ? e : new Error(String(e));
  const phase = err instanceof EtlError ? err.phase : err instanceof InputFileError ? 'input' : null;
  const hint = err instanceof EtlError || err instanceof InputFileError ? err.hint : undefined;
  const failures = err instanceof CheckFailedError ? { failures: err.failures } : {};
  return { job, status: 'failed', durationMs, error: { name: err.name, phase, message: err.message, ...(hint ? { hint } : {}), ...failures } };
}

/** The given parameters that an upstream job also takes (its slice, typically). */
async function paramsFor(project: Project, job: string, params: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const { job: def } = await loadJob(project, job);
  const known = Object.keys((def.params as { shape?: object } | undefined)?.shape ?? {});
  return Object.fromEntries(Object.entries(params).filter(([k]) => known.includes(k)));
}

function printSummary(r: RunResult): void {
  const rel = (p: string) => path.relative(process.cwd(), p) || '.';
  const n = formatCount;
  const what = r.slice ? `slice ${r.slice}` : r.incremental ? 'incremental' : 'all partitions';
  if (r.status === 'skipped') {
    process.stdout.write(`${pc.dim('–')} ${pc.bold(r.job)} → ${pc.bold(r.output.table)} ${pc.dim(`(${what}: up to date, committed by the same plan from the same ${r.inputs.reduce((s, i) => s + i.files, 0)} input files)`)}\n`);
    return;
  }
  if (r.incremental && r.incremental.newFiles === 0) {
    process.stdout.write(`${pc.dim('–')} ${pc.bold(r.job)} → ${pc.bold(r.output.table)} ${pc.dim(`(incremental: no new files; ${n(r.incremental.knownFiles)} processed before)`)}\n`);
    return;
  }
  const lines = [
    `${pc.green('✓')} ${pc.bold(r.job)} → ${pc.bold(r.output.table)} ${pc.dim(`(${what}, ${r.output.mode}, ${r.durationMs} ms)`)}`,
    `  rows read      ${n(r.rowsRead)}${r.inputs.length > 1 ? pc.dim(` (${r.inputs.map((i) => `${i.name} ${n(i.rowsRead)}`).join(', ')})`) : ''}${r.incremental ? pc.dim(` from ${n(r.incremental.newFiles)} new file(s); ${n(r.incremental.knownFiles)} processed before`) : ''}`,
    `  rows written   ${n(r.output.rowsWritten)}${r.incremental ? pc.dim(` (${n(r.incremental.existingRows)} were there: merged)`) : ''}`,
    `  rows filtered  ${n(r.rowsFiltered)}`,
    `  bad records    ${n(r.badRecords)}${r.quarantine ? pc.dim(` → ${rel(r.quarantine)}`) : ''}`,
    ...r.inputs.filter((i) => i.lenientNulls).map((i) => {
      const nulls = Object.entries(i.lenientNulls!);
      const total = nulls.reduce((s, [, k]) => s + k, 0);
      return `  lenient nulls  ${n(total)}${pc.dim(` (${r.inputs.length > 1 ? `${i.name}: ` : ''}${nulls.map(([column, k]) => `${column} ${n(k)}`).join(', ')}; values that did not fit, read as null)`)}`;
    }),
  ];
  if (r.slice) {
    const shown = r.outsideSlice.slice(0, 4).map((o) => `${o.partition} ${n(o.rows)}`).join(', ');
    lines.push(`  outside slice  ${n(r.rowsOutsideSlice)}${r.rowsOutsideSlice ? pc.dim(` (not written: ${shown}${r.outsideSlice.length > 4 ? ', …' : ''})`) : ''}`);
  }
  if (r.balanced !== null) {
    const sum = r.slice ? 'written + filtered + bad + outside' : 'written + filtered + bad';
    lines.push(`  ${r.balanced ? pc.dim(`read = ${sum} ✓`) : pc.red(`read ≠ ${sum}`)}`);
  }
  if (r.output.partitions.length) {
    const shown = r.output.partitions.slice(0, 6).join(', ');
    lines.push(`  partitions     ${r.output.partitions.length}: ${shown}${r.output.partitions.length > 6 ? ', …' : ''}`);
  }
  if (r.output.partitionsRemoved.length) lines.push(`  removed        ${r.output.partitionsRemoved.join(', ')} ${pc.dim('(in the slice, no rows now)')}`);
  lines.push(`  location       ${rel(r.output.location)} ${pc.dim(`(${r.output.files} file${r.output.files === 1 ? '' : 's'})`)}`);
  for (const c of r.checks) {
    if (c.kind === 'declaredNotNull' && c.passed) continue;
    const mark = c.passed ? pc.green('✓') : c.severity === 'warn' ? pc.yellow('!') : pc.red('✗');
    lines.push(`  ${mark} ${c.name}${c.passed ? '' : `: ${c.message}`}`);
    // A warning's rows too: the run succeeded, but someone will want to see what failed.
    if (!c.passed) lines.push(...failingRowLines(c).map((l) => pc.dim(l)));
  }
  process.stdout.write(lines.join('\n') + '\n');
}
