import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { parseAssignments } from '../../run/params.ts';
import { EtlError, UsageError, type Phase } from '../../errors/index.ts';
import { printJson } from '../output.ts';
import { awsSession, compileFor, dim, pollOptions, requireDriver, say } from './aws-session.ts';
import { deployJson, deployLine } from './deploy.ts';
import type { StepFailure } from '../../../deploy/emr/wait.ts';

interface SubmitArgs {
  job: string;
  env?: string;
  param: string[];
  cluster?: string;
  transient: boolean;
  wait: boolean;
  force: boolean;
  json: boolean;
  'dry-run': boolean;
}

export class StepFailedError extends EtlError {
  override readonly name: string = 'StepFailedError';
  readonly phase: Phase = 'deploy';
  constructor(
    readonly state: string,
    readonly stepId: string,
    readonly failure: StepFailure,
  ) {
    super(
      `step ${stepId} ended ${state}${failure.reason ? `: ${failure.reason}` : ''}${failure.message ? `\n  ${failure.message}` : ''}` +
        (failure.stderrTail ? `\n\n--- the end of the step's stderr (${failure.logLocation}stderr.gz) ---\n${failure.stderrTail}\n---` : ''),
      failure.stderrTail
        ? 'the driver names the phase that failed (input, check, plan) above; fix it and submit again'
        : failure.logLocation
          ? `EMR pushes step logs to S3 a few minutes after the step ends: look in ${failure.logLocation}`
          : 'the cluster has no LogUri; set emr.transient.logUri in etl.config.ts to keep step logs',
    );
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10}s`;

export const submitCommand: CommandModule<object, SubmitArgs> = {
  command: 'submit <job>',
  describe: 'Run a job on EMR: deploy it if needed, add its step (once: a step with the same name is not added twice), optionally wait for the result',
  builder: (y) =>
    y
      .positional('job', { type: 'string', demandOption: true, describe: 'Job name (see etl list)' })
      .option('env', { type: 'string', describe: 'Environment from etl.config.ts' })
      .option('param', { alias: 'p', type: 'string', array: true, default: [] as string[], describe: 'Job parameter name=value (repeatable)' })
      .option('cluster', { type: 'string', describe: 'Add the step to this running cluster (j-...) instead of the environment’s' })
      .option('transient', { type: 'boolean', default: false, describe: 'Start a transient cluster that runs the step and terminates' })
      .option('wait', { type: 'boolean', default: false, describe: 'Follow the step to its end; exit 0 only if it completes' })
      .option('force', { type: 'boolean', default: false, describe: 'Add a new step even if one with the same name is pending, running or completed' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print what would be deployed and submitted, do nothing' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object at the end (progress goes to stderr)' })
      .conflicts('cluster', 'transient')
      .example('$0 submit events_clean --env dev --param dt=2026-11-01 --wait', '')
      .example('$0 submit events_clean --env prod --cluster j-2AXXXXXXGAPLF', '') as never,
  handler: async (argv) => {
    const session = await awsSession(argv.env, 'etl submit');
    const { env, aws, clients, metastore } = session;
    const params = parseAssignments(argv.param, '--param', 'dt=2026-11-01');
    const compiled = await compileFor(session, argv.job, params);
    const clusterId = argv.cluster ?? (argv.transient ? undefined : env.emr.clusterId);
    const transient = !clusterId && (argv.transient || !!compiled.emr.runJobFlow);
    if (!clusterId && !transient) throw new UsageError(`environment ${env.name} names no EMR cluster`, 'pass --cluster j-..., or set emr.clusterId or emr.transient in etl.config.ts');
    if (argv.cluster && !/^j-[A-Z0-9]+$/.test(argv.cluster)) throw new UsageError(`--cluster ${argv.cluster} is not an EMR cluster id`, 'cluster ids look like j-2AXXXXXXGAPLF (aws emr list-clusters --active)');

    const deployed = await aws.deployJob(compiled, clients, metastore, await requireDriver(), { dryRun: argv['dry-run'] });
    if (!argv.json) say(deployLine(deployed));
    const step = compiled.emr.step;
    if (argv['dry-run']) {
      const where = clusterId ? `cluster ${clusterId}` : `a transient ${compiled.emr.runJobFlow?.ReleaseLabel ?? ''} cluster`;
      if (argv.json) return printJson({ job: compiled.job, env: env.name, dryRun: true, deploy: deployJson(deployed), step: { name: step.Name, args: step.HadoopJarStep.Args, target: where } });
      process.stdout.write(`would submit ${pc.bold(step.Name)} to ${where}\n  ${step.HadoopJarStep.Args.join(' ')}\n`);
      return;
    }

    const submitted = clusterId
      ? await aws.submitToCluster(clients, clusterId, step, { force: argv.force, ...(env.executionRoleArn ? { executionRoleArn: env.executionRoleArn } : {}) })
      : await aws.submitTransient(clients, { ...compiled.emr.runJobFlow!, Steps: [step] }, { force: argv.force });
    if (!argv.json) {
      if (submitted.added) say(`${pc.green('submitted')} step ${submitted.stepId} ${pc.dim(step.Name)} to ${submitted.startedCluster ? 'new transient cluster' : 'cluster'} ${submitted.clusterId}`);
      else say(`${pc.yellow('already submitted')}: step ${submitted.stepId} (${submitted.state}) on cluster ${submitted.clusterId} has this name; not adding another (use --force to run it again)`);
    }
    const result: Record<string, unknown> = { job: compiled.job, env: env.name, planHash: compiled.planHash, params: compiled.params, deploy: deployJson(deployed), step: submitted };
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
      outcome = await aws.waitForStep(clients.emr, submitted.clusterId, submitted.stepId, {
        ...pollOptions(),
        signal: abort.signal,
        onState: (state, elapsed) => {
          if (!argv.json) say(`  ${pc.dim(seconds(elapsed).padStart(7))}  ${state === 'COMPLETED' ? pc.green(state) : state === 'FAILED' ? pc.red(state) : state}`);
        },
      });
    } finally {
      process.removeListener('SIGINT', onInterrupt);
    }
    if (outcome.detached) {
      say(
        `\nstopped waiting; step ${submitted.stepId} keeps ${outcome.state === 'PENDING' ? 'waiting' : 'running'} on cluster ${submitted.clusterId}.\n` +
          `  follow it: etl status ${compiled.job} --env ${env.name}\n` +
          `  cancel it: aws emr cancel-steps --cluster-id ${submitted.clusterId} --step-ids ${submitted.stepId}`,
      );
      process.exitCode = 130;
      return;
    }
    if (outcome.state !== 'COMPLETED') {
      const failure = await aws.describeFailure(clients, submitted.clusterId, submitted.stepId, outcome.status);
      if (argv.json) {
        printJson({ ...result, outcome: { state: outcome.state, elapsedMs: outcome.elapsedMs, failure } });
        process.exitCode = 1;
        return;
      }
      throw new StepFailedError(outcome.state, submitted.stepId, failure);
    }
    const summary = await aws.readDriverSummary(clients.s3, compiled.artifacts.resultUri);
    const partitions = summary ? await aws.registerPartitions(metastore, compiled, summary) : [];
    if (argv.json) return printJson({ ...result, outcome: { state: outcome.state, elapsedMs: outcome.elapsedMs, summary: summary ?? null, partitionsRegistered: partitions.length } });
    if (!summary) {
      say(pc.yellow(`the step completed, but its summary is missing at ${compiled.artifacts.resultUri}; partitions were not registered (run etl submit again with --force, or register them by hand)`));
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

