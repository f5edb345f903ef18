import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { findProject } from '../../run/project.ts';
import { parseAssignments } from '../../run/params.ts';
import { loadEnvironment } from '../../config/config.ts';
import { backfill, daysBetween, type BackfillResult, type SliceOutcome } from '../../run/backfill.ts';
import { formatCount, printJson, stepProgress } from '../output.ts';
import { memoryBudgetOf } from '../../engine/spill/memory-budget.ts';
import { RUN_OPTIONS } from './run.ts';

interface BackfillArgs {
  job: string;
  from: string;
  to: string;
  param: string[];
  env?: string;
  warehouse?: string;
  force: boolean;
  json: boolean;
  'memory-budget'?: string;
}

export const backfillCommand: CommandModule<object, BackfillArgs> = {
  command: 'backfill <job>',
  describe: "Run a sliced job's days in order, one committed run per day; days already committed by the same plan from the same input files are skipped, so an interrupted backfill resumes",
  builder: (y) =>
    y
      .positional('job', { type: 'string', demandOption: true, describe: 'Job name (a job with a slice by a date parameter)' })
      .option('from', { type: 'string', demandOption: true, describe: 'First day (yyyy-MM-dd)' })
      .option('to', { type: 'string', demandOption: true, describe: 'Last day, included (yyyy-MM-dd)' })
      .option('param', { alias: 'p', type: 'string', array: true, default: [] as string[], describe: 'Other job parameters name=value, the same for every day' })
      .option('env', { type: 'string', describe: "Environment from etl.config.ts: a local one (kind: 'local') runs here on its folders, an AWS one runs each day on its target (EMR step, Glue job run, EMR Serverless job run); default: the samples" })
      .option('warehouse', { type: 'string', describe: 'Local warehouse folder (runs on the samples or a local environment)' })
      .option('force', { type: 'boolean', default: false, describe: 'Rerun days that are up to date' })
      .option('memory-budget', RUN_OPTIONS['memory-budget'])
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object at the end (progress goes to stderr)' })
      .example('$0 backfill events_clean --from 2026-10-31 --to 2026-11-02 --env local', 'Three days, on the local environment')
      .example('$0 backfill events_clean --from 2026-11-01 --to 2026-11-30 --env dev', 'A month on EMR, one step per day')
      .example('$0 backfill daily_kpis --from 2026-11-01 --to 2026-11-07 --force', 'Rerun a week even where nothing changed') as never,
  handler: async (argv) => {
    const project = findProject();
    const env = argv.env === undefined ? undefined : await loadEnvironment(project.root, argv.env);
    const params = parseAssignments(argv.param, '--param', 'region=eu');
    const total = daysBetween(argv.from, argv.to).length;
    const progress = stepProgress(!argv.json, total, 'days');
    const hooks = {
      onSliceStart: (day: string, i: number) => progress.start(i, day),
      onSliceEnd: (outcome: SliceOutcome) => progress.log(sliceLine(outcome)),
      onNotice: (m: string) => progress.log(`${pc.yellow('note')}: ${m}`),
    };
    progress.log(pc.dim(`backfill ${argv.job} ${argv.from} … ${argv.to} (${total} day${total === 1 ? '' : 's'}, ${env ? `environment ${env.name}` : 'samples'})`));
    let result: BackfillResult;
    try {
      if (env?.kind === 'aws') {
        const { backfillOnAws } = await import('./backfill-aws.ts');
        result = await backfillOnAws(env.name, argv.job, { from: argv.from, to: argv.to, params, force: argv.force, ...hooks });
      } else {
        const memoryBudget = argv['memory-budget'] === undefined ? {} : { memoryBudget: memoryBudgetOf(argv['memory-budget'], '--memory-budget') };
        result = await backfill(project, argv.job, { from: argv.from, to: argv.to, params, force: argv.force, ...(env ? { env } : {}), ...(argv.warehouse ? { warehouse: argv.warehouse } : {}), ...memoryBudget, ...hooks });
      }
    } finally {
      progress.stop();
    }
    if (argv.json) printJson(result);
    else process.stdout.write(summary(result) + '\n');
    if (result.status === 'failed') process.exitCode = 1;
  },
};

const n = formatCount;

function sliceLine(o: SliceOutcome): string {
  const c = o.counts;
  switch (o.status) {
    case 'ran':
      return `${pc.green('✓')} ${o.day}  ${n(c!.rowsRead)} read, ${n(c!.rowsWritten)} written, ${n(c!.rowsOutsideSlice)} outside the slice, ${n(c!.badRecords)} bad${c!.partitionsRemoved.length ? `, removed ${c!.partitionsRemoved.join(', ')}` : ''}  ${pc.dim(`${(c!.durationMs / 1000).toFixed(1)} s`)}`;
    case 'skipped':
      return `${pc.dim('–')} ${o.day}  ${pc.dim('up to date: committed by the same plan from the same input files')}`;
    case 'failed':
      return `${pc.red('✗')} ${o.day}  ${o.error!.message}${o.error!.hint ? `\n    ${pc.dim(`hint: ${o.error!.hint}`)}` : ''}`;
    case 'not run':
      return `${pc.dim('·')} ${o.day}  ${pc.dim('not run')}`;
  }
}

function summary(r: BackfillResult): string {
  const count = (status: SliceOutcome['status']) => r.slices.filter((s) => s.status === status).length;
  const written = r.slices.reduce((s, o) => s + (o.counts?.rowsWritten ?? 0), 0);
  const line = `${r.job}: ${count('ran')} day(s) run, ${count('skipped')} up to date${count('failed') ? `, ${count('failed')} failed, ${count('not run')} not run` : ''}; ${n(written)} rows written`;
  if (r.status === 'succeeded') return `${pc.green('✓')} ${line}`;
  const failed = r.slices.find((s) => s.status === 'failed')!;
  return `${pc.red('✗')} ${line}\n  ${pc.dim(`after fixing ${failed.day}, run the same command again: the days already committed are skipped`)}`;
}
