import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { describeChange } from '../../schema/evolution/compatibility.ts';
import { parseAssignments } from '../../run/params.ts';
import { printJson } from '../output.ts';
import { awsSession, compileFor, requireDriver, selectedJobs } from './aws-session.ts';
import type { JobDeployReport } from '../../../deploy/deploy-job.ts';
import type { PipelineDeployReport } from '../../../deploy/pipelines/pipelines.ts';
import { pipelineNames } from '../../pipelines/pipeline.ts';
import { compilePipelineFor } from '../../pipelines/compile.ts';

export function deployLine(r: JobDeployReport): string {
  const would = r.dryRun ? 'would be ' : '';
  const artifacts = r.uploaded.length ? pc.green(`artifacts ${would}uploaded (${r.uploaded.length})`) : pc.dim('artifacts present');
  const t = r.table;
  const table =
    t.action === 'create'
      ? pc.green(`table ${t.table} ${would}created`)
      : t.action === 'unchanged'
        ? pc.dim(`table ${t.table} unchanged`)
        : pc.yellow(`table ${t.table} ${would}updated${'version' in t && t.version !== undefined ? ` to version ${t.version}` : ''}`);
  const changes = t.changes.map((c) => `\n    ${describeChange(c)}`).join('') + (t.stalePartitions.length ? `\n    ${t.stalePartitions.length} partition(s) ${would}brought to the new schema` : '');
  const target = r.target.map((t) => `\n    ${r.dryRun ? 'would ' : ''}${t}`).join('');
  return `${pc.bold(r.job)} ${pc.dim(`plan ${r.planHash.slice(0, 12)}`)}  ${artifacts}; ${table}${changes}${target}`;
}

export const deployCommand: CommandModule<object, { jobs: string[]; env?: string; param: string[]; json: boolean; 'dry-run': boolean }> = {
  command: 'deploy [jobs..]',
  describe: 'Upload plans, SQL and the driver to S3 (content-addressed), sync the Glue tables through the schema gate, and create or update what the target needs (Glue jobs)',
  builder: (y) =>
    y
      .positional('jobs', { type: 'string', array: true, default: [] as string[], describe: 'Jobs to deploy (default: all)' })
      .option('env', { type: 'string', describe: 'Environment from etl.config.ts' })
      .option('param', { alias: 'p', type: 'string', array: true, default: [] as string[], describe: 'Job parameter name=value (the plan is compiled for these values)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print what would change, change nothing' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' })
      .example('$0 deploy --env dev --dry-run', 'What a deploy of every job would change')
      .example('$0 deploy events_clean --env prod', '') as never,
  handler: async (argv) => {
    const session = await awsSession(argv.env, 'etl deploy');
    const driver = await requireDriver();
    const params = parseAssignments(argv.param, '--param', 'dt=2026-11-01');
    const target = session.aws.targetFor(session.env, session.clients, driver);
    const reports: JobDeployReport[] = [];
    for (const job of selectedJobs(session, argv.jobs)) {
      const compiled = await compileFor(session, job, params);
      reports.push(await session.aws.deployJob(compiled, session.clients, session.metastore, driver, { dryRun: argv['dry-run'], target }));
      if (!argv.json) process.stdout.write(deployLine(reports[reports.length - 1]) + '\n');
    }
    // Pipelines run the plans just deployed (compiled without a slice): a deploy of every job deploys them too.
    const pipelines: PipelineDeployReport[] = [];
    if (!argv.jobs.length) {
      for (const name of pipelineNames(session.project)) {
        const applicationId = session.env.target === 'emrServerless' ? await session.aws.applicationId(session.clients, session.env) : undefined;
        const { compiled } = await compilePipelineFor(session.project, name, session.env, applicationId ? { applicationId } : {});
        pipelines.push(await session.aws.deployPipeline(session.clients, compiled, { dryRun: argv['dry-run'] }));
        if (!argv.json) process.stdout.write(pipelineLine(pipelines[pipelines.length - 1], argv['dry-run']) + '\n');
      }
    }
    const changed = reports.some((r) => r.changed) || pipelines.some((p) => p.changed);
    if (argv.json) return printJson({ env: session.env.name, dryRun: argv['dry-run'], changed, jobs: reports.map(deployJson), pipelines });
    if (!changed) process.stdout.write(`nothing changed: ${session.env.name} is up to date\n`);
  },
};

function pipelineLine(r: PipelineDeployReport, dryRun: boolean): string {
  const would = dryRun ? 'would be ' : '';
  const sm = r.stateMachine.action === 'unchanged' ? pc.dim(`state machine ${r.stateMachine.name} unchanged`) : pc.green(`state machine ${r.stateMachine.name} ${would}${r.stateMachine.action === 'create' ? 'created' : 'updated'}`);
  const schedule =
    r.schedule.action === 'none' ? pc.dim('no schedule') : r.schedule.action === 'unchanged' ? pc.dim(`schedule ${r.schedule.expression} unchanged`) : pc.green(`schedule ${r.schedule.expression ?? ''} ${would}${r.schedule.action}d`);
  return `${pc.bold(`pipeline ${r.pipeline}`)}  ${sm}; ${schedule}`;
}

export function deployJson(r: JobDeployReport) {
  return {
    job: r.job,
    planHash: r.planHash,
    uploaded: r.uploaded,
    target: r.target,
    table: { name: r.table.table, action: r.table.action, changes: r.table.changes.map(describeChange), stalePartitions: r.table.stalePartitions.length, ...('version' in r.table ? { version: r.table.version } : {}) },
    changed: r.changed,
  };
}
