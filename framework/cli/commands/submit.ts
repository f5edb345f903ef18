import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { parseAssignments } from '../../run/params.ts';
import { EtlError, UsageError, type Phase } from '../../errors/index.ts';
import { printJson } from '../output.ts';
import { awsSession, compileFor, dim, pollOptions, requireDriver, say } from './aws-session.ts';
import { deployJson, deployLine } from './deploy.ts';
import type { RunFailure, StartedRun } from '../../../deploy/targets/target.ts';
import type { CompiledJob } from '../../compile/compile-job.ts';

interface SubmitArgs {
  job: string;
  env?: string;
  param: string[];
  cluster?: string;
  transient?: boolean;
  wait: boolean;
  force: boolean;
  json: boolean;
  'dry-run': boolean;
}

export class RunFailedError extends EtlError {
  override readonly name: string = 'RunFailedError';
  readonly phase: Phase = 'deploy';
  constructor(
    readonly run: StartedRun,
    readonly state: string,
    readonly failure: RunFailure,
  ) {
    super(
      `${describeRun(run)} ended ${state}${failure.reason && failure.reason !== state ? `: ${failure.reason}` : ''}${failure.message ? `\n  ${failure.message}` : ''}` +
        (failure.stderrTail ? `\n\n--- the end of the driver's stderr (${failure.logLocation}) ---\n${failure.stderrTail}\n---` : ''),
      failure.stderrTail
        ? 'the driver names the phase that failed (input, check, plan) above; fix it and submit again'
        : failure.logLocation
          ? `the driver's logs reach ${failure.logLocation} a few minutes after the run ends`
          : 'the cluster has no LogUri; set emr.transient.logUri in etl.config.ts to keep step logs',
    );
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10}s`;

function describeRun(run: StartedRun): string {
  switch (run.target) {
    case 'emr':
      return `step ${run.runId} on cluster ${run.where}`;
    case 'glue':
      return `run ${run.runId} of Glue job ${run.where}`;
    case 'emrServerless':
      return `job run ${run.runId} on EMR Serverless application ${run.where}`;
  }
}

function cancelHint(run: StartedRun): string {
  switch (run.target) {
    case 'emr':
      return `aws emr cancel-steps --cluster-id ${run.where} --step-ids ${run.runId}`;
    case 'glue':
      return `aws glue batch-stop-job-run --job-name ${run.where} --job-run-ids ${run.runId}`;
    case 'emrServerless':
      return `aws emr-serverless cancel-job-run --application-id ${run.where} --job-run-id ${run.runId}`;
  }
}

export const submitCommand: CommandModule<object, SubmitArgs> = {
  command: 'submit <job>',
  describe: "Run a job on the environment's target (EMR step, Glue job, EMR Serverless): deploy it if needed, start its run (once: a run with the same identity is not started twice), optionally wait for the result",
  builder: (y) =>
    y
      .positional('job', { type: 'string', demandOption: true, describe: 'Job name (see etl list)' })
      .option('env', { type: 'string', describe: 'Environment from etl.config.ts' })
      .option('param', { alias: 'p', type: 'string', array: true, default: [] as string[], describe: 'Job parameter name=value (repeatable)' })
      .option('cluster', { type: 'string', describe: 'EMR: add the step to this running cluster (j-...) instead of the environment’s' })
      .option('transient', { type: 'boolean', describe: 'EMR: start a transient cluster that runs the step and terminates' })
      .option('wait', { type: 'boolean', default: false, describe: 'Follow the run to its end; exit 0 only if it succeeds' })
      .option('force', { type: 'boolean', default: false, describe: 'Start a new run even if one with the same identity is pending, running or done' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print what would be deployed and submitted, do nothing' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object at the end (progress goes to stderr)' })
      .conflicts('cluster', 'transient')
      .example('$0 submit events_clean --env dev --param dt=2026-11-01 --wait', '')
      .example('$0 submit events_clean --env glue-dev --param dt=2026-11-01 --wait', 'As a Glue job run')
      .example('$0 submit events_clean --env prod --cluster j-2AXXXXXXGAPLF', '') as never,
  handler: async (argv) => {
    const session = await awsSession(argv.env, 'etl submit');
    const { env, aws, clients, metastore } = session;
    const params = parseAssignments(argv.param, '--param', 'dt=2026-11-01');
    if ((argv.cluster || argv.transient) && env.target !== 'emr') throw new UsageError(`--${argv.cluster ? 'cluster' : 'transient'} places EMR steps; environment ${env.name} runs jobs on ${env.target}`, 'leave it out, or use an environment whose target is emr');
    if (argv.cluster && !/^j-[A-Z0-9]+$/.test(argv.cluster)) throw new UsageError(`--cluster ${argv.cluster} is not an EMR cluster id`, 'cluster ids look like j-2AXXXXXXGAPLF (aws emr list-clusters --active)');
    const compiled = await compileFor(session, argv.job, params);
    const driver = await requireDriver();
    const target = aws.targetFor(env, clients, { ...(argv.cluster ? { clusterId: argv.cluster } : {}), ...(argv.transient ? { transient: true } : {}) });

    const deployed = await aws.deployJob(compiled, clients, metastore, driver, { dryRun: argv['dry-run'], target });
    if (!argv.json) say(deployLine(deployed));
    if (argv['dry-run']) {
      const request = requestOf(compiled, argv.cluster, argv.transient);
      if (argv.json) return printJson({ job: compiled.job, env: env.name, target: env.target, dryRun: true, deploy: deployJson(deployed), request });
      process.stdout.write(`would start ${pc.bold(compiled.runName)} on ${env.target}\n${JSON.stringify(request, null, 2)}\n`);
      return;
    }

    const run = await target.start(compiled, { force: argv.force });
    if (!argv.json) {
      if (run.added) say(`${pc.green('submitted')} ${describeRun(run)}${run.startedCluster ? ' (a new transient cluster)' : ''} ${pc.dim(run.name)}`);
      else say(`${pc.yellow('already submitted')}: ${describeRun(run)} (${run.state}) has this identity; not starting another (use --force to run it again)`);
    }
    const result: Record<string, unknown> = { job: compiled.job, env: env.name, target: env.target, planHash: compiled.planHash, params: compiled.params, deploy: deployJson(deployed), run };
    if (!argv.wait) {
      if (argv.json) return printJson(result);
      say(dim(`follow it: etl status ${compiled.job} --env ${env.name}   or wait: etl submit ${compiled.job} --env ${env.name}${argv.param.map((p) => ` --param ${p}`).join('')} --wait`));
      return;
    }

    const abort = new AbortController();
    const onInterrupt = () => abort.abort();
    process.once('SIGINT', onInterrupt);
    let outcome;
    try {
      outcome = await target.wait(run, {
        ...pollOptions(),
        signal: abort.signal,
        onState: (state, elapsed) => {
          if (!argv.json) say(`  ${pc.dim(seconds(elapsed).padStart(7))}  ${target.succeeded(state) ? pc.green(state) : /FAIL|ERROR|TIMEOUT/.test(state) ? pc.red(state) : state}`);
        },
      });
    } finally {
      process.removeListener('SIGINT', onInterrupt);
    }
    if (outcome.detached) {
      say(`\nstopped waiting; ${describeRun(run)} goes on (${outcome.state}).\n  follow it: etl status ${compiled.job} --env ${env.name}\n  cancel it: ${cancelHint(run)}`);
      process.exitCode = 130;
      return;
    }
    if (!target.succeeded(outcome.state)) {
      const failure = await target.failure(run, outcome);
      if (argv.json) {
        printJson({ ...result, outcome: { state: outcome.state, elapsedMs: outcome.elapsedMs, failure } });
        process.exitCode = 1;
        return;
      }
      throw new RunFailedError(run, outcome.state, failure);
    }
    const summary = await aws.readDriverSummary(clients.s3, compiled.artifacts.resultUri);
    const partitions = summary ? await aws.registerPartitions(metastore, compiled, summary) : [];
    if (argv.json) return printJson({ ...result, outcome: { state: outcome.state, elapsedMs: outcome.elapsedMs, summary: summary ?? null, partitionsRegistered: partitions.length } });
    if (!summary) {
      say(pc.yellow(`the run succeeded, but its summary is missing at ${compiled.artifacts.resultUri}; partitions were not registered (run etl submit again with --force, or register them by hand)`));
      return;
    }
    const out = summary.output;
    process.stdout.write(
      `${pc.green('completed')} in ${seconds(outcome.elapsedMs)}: ${out ? `${out.rowsWritten} rows written to ${out.table}` : 'no output'}` +
        (partitions.length ? `; ${partitions.length} partition(s) registered in Glue` : '') +
        `\n${JSON.stringify(summary, null, 2)}\n`,
    );
  },
};

/** The request a submit would send, for --dry-run. */
function requestOf(compiled: CompiledJob, cluster: string | undefined, transient: boolean | undefined): object {
  switch (compiled.target) {
    case 'emr': {
      const where = cluster ?? (transient ? undefined : compiled.emr.clusterId);
      return where ? { clusterId: where, step: compiled.emr.step } : { runJobFlow: compiled.emr.runJobFlow ?? null };
    }
    case 'glue':
      return { startJobRun: compiled.glue.startJobRun };
    case 'emrServerless':
      return { startJobRun: compiled.emrServerless?.startJobRun };
  }
}
