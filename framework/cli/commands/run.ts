import type { CommandModule } from 'yargs';
import path from 'node:path';
import pc from 'picocolors';
import { findProject } from '../../run/project.ts';
import { runJob, type RunResult } from '../../run/run-job.ts';
import { dependencyOrder } from '../../run/dependencies.ts';
import { printJson, progressBar } from '../output.ts';
import { jobOptions, runOptionsFrom, withOptions, type JobArgs, type OptionSpec } from './common.ts';

export const RUN_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'with-deps': { type: 'boolean', default: false, describe: 'First run the jobs that produce the tables this job reads (like dbt +model)' },
};

export const runCommand: CommandModule<object, JobArgs & { 'with-deps': boolean }> = {
  command: 'run <job>',
  describe: 'Run a job offline on its sample data: local engine, Parquet in the local warehouse, table in the local catalog',
  builder: (y) =>
    withOptions(jobOptions(y), RUN_OPTIONS)
      .example('$0 run events_clean', 'Run on the sample data')
      .example('$0 run events_clean --param dt=2026-11-01 --json', 'With a parameter, JSON summary')
      .example('$0 run daily_kpis --with-deps', 'Run events_clean first, then daily_kpis') as never,
  handler: async (argv) => {
    const project = findProject();
    const options = runOptionsFrom(argv);
    const order = argv['with-deps'] ? await dependencyOrder(project, argv.job) : [argv.job];
    const results: RunResult[] = [];
    for (const name of order) {
      const bar = progressBar(!argv.json, `${name}`);
      try {
        const isTarget = name === argv.job;
        results.push(
          await runJob(project, name, {
            ...(isTarget ? options : { warehouse: options.warehouse }),
            onProgress: (d, t) => bar.update(d, t),
            onNotice: (m) => process.stderr.write(`${pc.yellow('note')}: ${m}\n`),
          }),
        );
      } finally {
        bar.stop();
      }
      if (!argv.json) printSummary(results[results.length - 1]);
    }
    if (argv.json) printJson(argv['with-deps'] ? { runs: results } : results[0]);
  },
};

function printSummary(r: RunResult): void {
  const rel = (p: string) => path.relative(process.cwd(), p) || '.';
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `${pc.green('✓')} ${pc.bold(r.job)} → ${pc.bold(r.output.table)} ${pc.dim(`(${r.output.mode}, ${r.durationMs} ms)`)}`,
    `  rows read      ${n(r.rowsRead)}${r.inputs.length > 1 ? pc.dim(` (${r.inputs.map((i) => `${i.name} ${n(i.rowsRead)}`).join(', ')})`) : ''}`,
    `  rows written   ${n(r.output.rowsWritten)}`,
    `  rows filtered  ${n(r.rowsFiltered)}`,
    `  bad records    ${n(r.badRecords)}${r.quarantine ? pc.dim(` → ${rel(r.quarantine)}`) : ''}`,
  ];
  if (r.balanced) {
    const ok = r.rowsRead === r.output.rowsWritten + r.rowsFiltered + r.badRecords;
    lines.push(`  ${ok ? pc.dim('read = written + filtered + bad ✓') : pc.red('read ≠ written + filtered + bad')}`);
  }
  if (r.output.partitions.length) {
    const shown = r.output.partitions.slice(0, 6).join(', ');
    lines.push(`  partitions     ${r.output.partitions.length}: ${shown}${r.output.partitions.length > 6 ? ', …' : ''}`);
  }
  lines.push(`  location       ${rel(r.output.location)} ${pc.dim(`(${r.output.files} file${r.output.files === 1 ? '' : 's'})`)}`);
  for (const c of r.checks) {
    if (c.kind === 'declaredNotNull' && c.passed) continue;
    const mark = c.passed ? pc.green('✓') : c.severity === 'warn' ? pc.yellow('!') : pc.red('✗');
    lines.push(`  ${mark} ${c.name}${c.passed ? '' : `: ${c.message}`}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}
