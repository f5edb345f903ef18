import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { describeChange } from '../../schema/evolution/compatibility.ts';
import { parseAssignments } from '../../run/params.ts';
import { printJson, table } from '../output.ts';
import { EtlError, type Phase } from '../../errors/index.ts';
import { SchemaCompatibilityError } from '../../catalog/versioning.ts';
import type { CompiledJob } from '../../compile/compile-job.ts';
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

/** What `etl deploy` did with one job. */
type JobOutcome =
  | { readonly status: 'deployed' | 'would deploy' | 'unchanged'; readonly job: string; readonly report: JobDeployReport }
  | { readonly status: 'refused'; readonly job: string; readonly refusal: SchemaCompatibilityError }
  /** Not deployed because another job was refused (--atomic). */
  | { readonly status: 'held back'; readonly job: string; readonly table: string };

/** Some jobs' schema changes were refused; the others were deployed (or, with --atomic, none). */
export class DeployRefusedError extends EtlError {
  override readonly name: string = 'DeployRefusedError';
  readonly phase: Phase = 'catalog';
  constructor(refusals: readonly SchemaCompatibilityError[], outcomes: readonly JobOutcome[], atomic: boolean) {
    const deployed = outcomes.filter((o) => o.status !== 'refused' && o.status !== 'held back').length;
    super(
      `the schema gate refused ${refusals.length} of ${outcomes.length} job(s); ${atomic ? 'nothing was deployed (--atomic)' : `the other ${deployed} went ahead`}:\n` + refusals.map((r) => r.message).join('\n'),
      refusals[0].hint,
    );
  }
}

const outcomeOf = (report: JobDeployReport): JobOutcome => ({ status: !report.changed ? 'unchanged' : report.dryRun ? 'would deploy' : 'deployed', job: report.job, report });

export const deployCommand: CommandModule<object, { jobs: string[]; env?: string; param: string[]; json: boolean; 'dry-run': boolean; atomic: boolean }> = {
  command: 'deploy [jobs..]',
  describe: 'Upload plans, SQL and the driver to S3 (content-addressed), sync the Glue tables through the schema gate, and create or update what the target needs (Glue jobs)',
  builder: (y) =>
    y
      .positional('jobs', { type: 'string', array: true, default: [] as string[], describe: 'Jobs to deploy (default: all)' })
      .option('env', { type: 'string', describe: 'Environment from etl.config.ts' })
      .option('param', { alias: 'p', type: 'string', array: true, default: [] as string[], describe: 'Job parameter name=value (the plan is compiled for these values)' })
      .option('atomic', { type: 'boolean', default: false, describe: "Deploy nothing if the schema gate refuses any job's table change (every job is checked first)" })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print what would change, change nothing' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' })
      .example('$0 deploy --env dev --dry-run', 'What a deploy of every job would change')
      .example('$0 deploy --env prod --atomic', 'Every job, or none if one of them breaks its table\'s compatibility')
      .example('$0 deploy events_clean --env prod', '') as never,
  handler: async (argv) => {
    const session = await awsSession(argv.env, 'etl deploy');
    const driver = await requireDriver();
    const params = parseAssignments(argv.param, '--param', 'dt=2026-11-01');
    const target = session.aws.targetFor(session.env, session.clients);
    const compiled: CompiledJob[] = [];
    for (const job of selectedJobs(session, argv.jobs)) compiled.push(await compileFor(session, job, params));

    // --atomic: every job through the schema gate before any is deployed.
    const refusedUpFront = new Map<string, SchemaCompatibilityError>();
    if (argv.atomic) {
      for (const c of compiled) {
        const plan = await session.aws.schemaGate(c, session.metastore);
        if (plan.violations.length) refusedUpFront.set(c.job, new SchemaCompatibilityError(plan));
      }
    }
    const outcomes: JobOutcome[] = [];
    for (const c of compiled) {
      const outcome = await deployOne(c, refusedUpFront);
      outcomes.push(outcome);
      if (!argv.json) process.stdout.write(outcomeLine(outcome) + '\n');
    }
    async function deployOne(c: CompiledJob, refused: ReadonlyMap<string, SchemaCompatibilityError>): Promise<JobOutcome> {
      const refusal = refused.get(c.job);
      if (refusal) return { status: 'refused', job: c.job, refusal };
      if (refused.size) return { status: 'held back', job: c.job, table: `${c.glue.table.database}.${c.glue.table.name}` };
      try {
        return outcomeOf(await session.aws.deployJob(c, session.clients, session.metastore, driver, { dryRun: argv['dry-run'], target }));
      } catch (e) {
        if (e instanceof SchemaCompatibilityError) return { status: 'refused', job: c.job, refusal: e };
        throw e;
      }
    }
    const refusals = outcomes.flatMap((o) => (o.status === 'refused' ? [o.refusal] : []));

    // Pipelines run the plans just deployed (compiled without a slice): a deploy of every job deploys them too,
    // unless a job was refused (its new plan is not there for the pipeline to run).
    const pipelines: PipelineDeployReport[] = [];
    if (!argv.jobs.length && !refusals.length) {
      for (const name of pipelineNames(session.project)) {
        const applicationId = session.env.target === 'emrServerless' ? await session.aws.applicationId(session.clients, session.env) : undefined;
        const { compiled } = await compilePipelineFor(session.project, name, session.env, applicationId ? { applicationId } : {});
        pipelines.push(await session.aws.deployPipeline(session.clients, compiled, { dryRun: argv['dry-run'] }));
        if (!argv.json) process.stdout.write(pipelineLine(pipelines[pipelines.length - 1], argv['dry-run']) + '\n');
      }
    }
    const changed = outcomes.some((o) => 'report' in o && o.report.changed) || pipelines.some((p) => p.changed);
    if (argv.json) {
      printJson({ env: session.env.name, dryRun: argv['dry-run'], atomic: argv.atomic, changed, refused: refusals.map((r) => r.plan.table), jobs: outcomes.map(outcomeJson), pipelines });
      if (refusals.length) process.exitCode = 1;
      return;
    }
    if (outcomes.length > 1 || refusals.length) process.stdout.write(summaryTable(outcomes) + '\n');
    if (refusals.length) throw new DeployRefusedError(refusals, outcomes, argv.atomic);
    if (!changed) process.stdout.write(`nothing changed: ${session.env.name} is up to date\n`);
  },
};

function outcomeLine(o: JobOutcome): string {
  switch (o.status) {
    case 'refused':
      return `${pc.bold(o.job)}  ${pc.red(`refused: table ${o.refusal.plan.table}`)}${o.refusal.plan.violations.map((v) => `\n    ${describeChange(v.change)}: ${v.why}`).join('')}`;
    case 'held back':
      return `${pc.bold(o.job)}  ${pc.yellow('not deployed (--atomic: another job was refused)')}`;
    default:
      return deployLine(o.report);
  }
}

function summaryTable(outcomes: readonly JobOutcome[]): string {
  const color = (o: JobOutcome) => (o.status === 'refused' ? pc.red : o.status === 'held back' ? pc.yellow : o.status === 'unchanged' ? pc.dim : pc.green)(o.status);
  const tableOf = (o: JobOutcome) => (o.status === 'refused' ? o.refusal.plan.table : o.status === 'held back' ? o.table : o.report.table.table);
  const changes = (o: JobOutcome) => (o.status === 'refused' ? o.refusal.plan.violations.length + ' breaking' : o.status === 'held back' ? '' : String(o.report.table.changes.length || ''));
  return table(['job', 'result', 'table', 'schema changes'], outcomes.map((o) => [o.job, color(o), tableOf(o), changes(o)]));
}

function outcomeJson(o: JobOutcome) {
  switch (o.status) {
    case 'refused': {
      const plan = o.refusal.plan;
      return { job: o.job, status: o.status, table: { name: plan.table, action: plan.action, changes: plan.changes.map(describeChange), violations: plan.violations.map((v) => ({ change: describeChange(v.change), againstVersion: v.againstVersion, why: v.why })) } };
    }
    case 'held back':
      return { job: o.job, status: o.status, table: { name: o.table } };
    default:
      return { status: o.status, ...deployJson(o.report) };
  }
}

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
