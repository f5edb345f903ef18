import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { findProject } from '../../run/project.ts';
import { loadEnvironment, requireAwsEnvironment } from '../../config/config.ts';
import { UsageError } from '../../errors/index.ts';
import { bindPipeline, pipelineNames } from '../../pipelines/pipeline.ts';
import { runPipelineLocally, type PipelineJobOutcome, type PipelineRun } from '../../pipelines/run-local.ts';
import { printJson, stepProgress, table } from '../output.ts';
import { awsSession, pollOptions, say } from './aws-session.ts';

interface RunArgs {
  name: string;
  env?: string;
  slice?: string;
  warehouse?: string;
  wait: boolean;
  json: boolean;
}

const listCommand: CommandModule<object, { json: boolean }> = {
  command: 'list',
  describe: "The project's pipelines (pipelines/*.ts): their jobs in order and their schedules",
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'Print JSON' }) as never,
  handler: async (argv) => {
    const project = findProject();
    const pipelines = [];
    for (const name of pipelineNames(project)) pipelines.push(await bindPipeline(project, name));
    if (argv.json) return printJson({ pipelines });
    if (!pipelines.length) return void process.stdout.write('no pipelines: declare one in pipelines/<name>.ts with definePipeline({ name, jobs, schedule })\n');
    process.stdout.write(table(['pipeline', 'jobs, in order', 'schedule', 'slice'], pipelines.map((p) => [p.name, p.levels.map((l) => l.join(' + ')).join(' → '), p.schedule ? `${p.schedule} ${p.timezone}` : pc.dim('started by hand'), p.slice])) + '\n');
  },
};

const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <name>',
  describe: 'Run a pipeline: on the local engine (no --env, or a local environment), or start its Step Functions execution on an AWS environment',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'Pipeline name (see etl pipeline list)' })
      .option('env', { type: 'string', describe: 'Environment from etl.config.ts: an AWS one starts the deployed state machine; a local one (or none) runs here' })
      .option('slice', { type: 'string', describe: 'The day to build (yyyy-MM-dd); locally, without it: everything' })
      .option('warehouse', { type: 'string', describe: 'Local warehouse folder (local runs)' })
      .option('wait', { type: 'boolean', default: false, describe: 'AWS: follow the execution to its end' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object at the end' })
      .example('$0 pipeline run daily', 'Every job of the pipeline, offline, over the sample')
      .example('$0 pipeline run daily --env dev --slice 2026-11-01 --wait', 'One day on AWS (once: the execution is named after the day)') as never,
  handler: async (argv) => {
    const project = findProject();
    const env = argv.env === undefined ? undefined : await loadEnvironment(project.root, argv.env);
    if (argv.slice !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(argv.slice)) throw new UsageError(`--slice ${argv.slice} is not a day`, 'give it as yyyy-MM-dd');
    if (env?.kind !== 'aws') {
      const p = await bindPipeline(project, argv.name);
      const progress = stepProgress(!argv.json, p.jobs.length, 'jobs');
      let done = 0;
      const run = await runPipelineLocally(project, p, {
        ...(argv.slice ? { day: argv.slice } : {}),
        ...(env ? { env } : {}),
        ...(argv.warehouse ? { warehouse: argv.warehouse } : {}),
        onJobStart: (job, attempt) => progress.start(done, attempt > 1 ? `${job} (attempt ${attempt})` : job),
        onJobEnd: (o) => {
          done++;
          progress.log(jobLine(o));
        },
      }).finally(() => progress.stop());
      if (argv.json) printJson(run);
      else process.stdout.write(summary(run) + '\n');
      if (run.status === 'failed') process.exitCode = 1;
      return;
    }
    const session = await awsSession(argv.env, 'etl pipeline run');
    const name = `lakeform-${session.env.name}-${argv.name}`;
    await bindPipeline(project, argv.name);
    const arn = await session.aws.findStateMachine(session.clients, name);
    if (!arn) throw new UsageError(`pipeline ${argv.name} is not deployed to ${session.env.name} (no state machine ${name})`, `deploy it: etl deploy --env ${session.env.name}`);
    const started = await session.aws.startPipeline(session.clients, arn, argv.slice);
    if (!argv.json) say(started.started ? `${pc.green('started')} execution ${started.name} of ${name}` : `${pc.yellow('already started')}: execution ${started.name} (${started.status}) builds this slice; not starting another`);
    if (!argv.wait) {
      // ARNs carry the account id, which output never shows.
      const shown = { ...started, arn: session.aws.redact(started.arn) };
      if (argv.json) return printJson({ pipeline: argv.name, env: session.env.name, execution: shown });
      say(pc.dim(`follow it: etl pipeline status ${argv.name} --env ${session.env.name}`));
      return;
    }
    const end = await session.aws.waitForExecution(session.clients, started.arn, { ...pollOptions(), onState: (s) => !argv.json && say(`  ${s}`) });
    if (argv.json) printJson({ pipeline: argv.name, env: session.env.name, execution: { ...started, arn: session.aws.redact(started.arn) }, outcome: { state: end.state, elapsedMs: end.elapsedMs, ...end.status } });
    else if (end.state !== 'SUCCEEDED') say(pc.red(`${end.state}${end.status.cause ? `: ${end.status.cause}` : ''}`));
    if (end.state !== 'SUCCEEDED') process.exitCode = 1;
  },
};

const statusCommand: CommandModule<object, { name: string; env?: string; limit: number; json: boolean }> = {
  command: 'status <name>',
  describe: "A pipeline's recent executions on an AWS environment, with each job's state and duration",
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'Pipeline name' })
      .option('env', { type: 'string', describe: 'Environment from etl.config.ts' })
      .option('limit', { type: 'number', default: 10, describe: 'How many executions, newest first' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' }) as never,
  handler: async (argv) => {
    const project = findProject();
    requireAwsEnvironment(await loadEnvironment(project.root, argv.env), 'etl pipeline status');
    const session = await awsSession(argv.env, 'etl pipeline status');
    const p = await bindPipeline(project, argv.name);
    const name = `lakeform-${session.env.name}-${argv.name}`;
    const arn = await session.aws.findStateMachine(session.clients, name);
    if (!arn) throw new UsageError(`pipeline ${argv.name} is not deployed to ${session.env.name} (no state machine ${name})`, `deploy it: etl deploy --env ${session.env.name}`);
    const executions = await session.aws.pipelineExecutions(session.clients, arn, p.levels.flat(), argv.limit);
    if (argv.json) return printJson({ pipeline: argv.name, env: session.env.name, stateMachine: session.aws.redact(arn), executions });
    if (!executions.length) return void process.stdout.write(`no executions of ${name} yet\n`);
    const seconds = (ms?: number) => (ms === undefined ? '' : ` ${Math.round(ms / 1000)}s`);
    process.stdout.write(
      table(
        ['execution', 'status', 'started (UTC)', ...p.levels.flat()],
        executions.map((x) => [x.name, x.status, (x.startedAt ?? '').replace('T', ' ').slice(0, 19), ...x.jobs.map((j) => `${j.state}${seconds(j.durationMs)}`)]),
      ) + '\n',
    );
  },
};

export const pipelineCommand: CommandModule = {
  command: 'pipeline <command>',
  describe: 'Pipelines: the jobs of pipelines/*.ts run in dependency order, offline or on AWS (Step Functions, on a schedule)',
  builder: (y) => y.command(listCommand).command(runCommand).command(statusCommand).demandCommand(1, 'Name a subcommand: list, run <name>, status <name>'),
  handler: () => {},
};

function jobLine(o: PipelineJobOutcome): string {
  const tries = o.attempts > 1 ? pc.dim(` after ${o.attempts} attempts`) : '';
  switch (o.status) {
    case 'succeeded':
      return `${pc.green('✓')} ${o.job}  ${o.rowsWritten?.toLocaleString('en-US')} rows written  ${pc.dim(`${(o.durationMs / 1000).toFixed(1)} s`)}${tries}`;
    case 'failed':
      return `${pc.red('✗')} ${o.job}${tries}\n    ${o.error!.message}${o.error!.hint ? `\n    ${pc.dim(`hint: ${o.error!.hint}`)}` : ''}`;
    case 'not run':
      return `${pc.dim('·')} ${o.job}  ${pc.dim('not run: a job before it failed')}`;
  }
}

function summary(r: PipelineRun): string {
  const ran = r.jobs.filter((j) => j.status === 'succeeded').length;
  const line = `pipeline ${r.pipeline} ${r.day ? `for ${r.day}` : 'over everything'}: ${ran} of ${r.jobs.length} jobs succeeded`;
  if (r.status === 'succeeded') return `${pc.green('✓')} ${line}`;
  const failed = r.jobs.find((j) => j.status === 'failed')!;
  return `${pc.red('✗')} ${line}; ${failed.job} failed, so ${r.jobs.filter((j) => j.status === 'not run').map((j) => j.job).join(', ') || 'nothing else'} did not run`;
}
