import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { printJson, table } from '../output.ts';
import { awsSession } from './aws-session.ts';

const STATE_COLOUR: Record<string, (s: string) => string> = { COMPLETED: pc.green, FAILED: pc.red, CANCELLED: pc.yellow, INTERRUPTED: pc.yellow, RUNNING: pc.cyan };

function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

export const statusCommand: CommandModule<object, { job?: string; env?: string; limit: number; json: boolean }> = {
  command: 'status [job]',
  describe: "Recent EMR steps of the project's jobs: state, duration and where their logs are",
  builder: (y) =>
    y
      .positional('job', { type: 'string', describe: 'Only this job' })
      .option('env', { type: 'string', describe: 'Environment from etl.config.ts' })
      .option('limit', { type: 'number', default: 20, describe: 'How many steps to show, newest first' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' })
      .example('$0 status events_clean --env prod', '') as never,
  handler: async (argv) => {
    const { env, aws, clients } = await awsSession(argv.env, 'etl status');
    const steps = await aws.recentSteps(clients.emr, { ...(env.emr.clusterId ? { clusterId: env.emr.clusterId } : {}), transient: !env.emr.clusterId }, { ...(argv.job ? { job: argv.job } : {}), limit: argv.limit });
    if (argv.json) return printJson({ env: env.name, steps });
    if (!steps.length) {
      process.stdout.write(`no steps of ${argv.job ?? 'any job'} on ${env.emr.clusterId ? `cluster ${env.emr.clusterId}` : 'transient clusters of the last 7 days'}\n`);
      return;
    }
    process.stdout.write(
      table(
        ['job', 'step', 'state', 'started (UTC)', 'duration', 'logs'],
        steps.map((s) => [s.job, `${s.stepId}\n${pc.dim(s.clusterId)}`, (STATE_COLOUR[s.state] ?? ((x: string) => x))(s.state) + (s.failure ? `\n${pc.dim(s.failure)}` : ''), (s.startedAt ?? '').replace('T', ' ').slice(0, 19), duration(s.durationMs), s.logLocation ?? pc.dim('no LogUri')]),
      ) + '\n',
    );
  },
};
