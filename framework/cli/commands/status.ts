import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { printJson, table } from '../output.ts';
import { awsSession, selectedJobs } from './aws-session.ts';
import { loadJob } from '../../run/project.ts';

const STATE_COLOUR: Record<string, (s: string) => string> = { COMPLETED: pc.green, SUCCEEDED: pc.green, SUCCESS: pc.green, FAILED: pc.red, ERROR: pc.red, TIMEOUT: pc.red, CANCELLED: pc.yellow, STOPPED: pc.yellow, INTERRUPTED: pc.yellow, RUNNING: pc.cyan };

function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

export const statusCommand: CommandModule<object, { job?: string; env?: string; limit: number; json: boolean }> = {
  command: 'status [job]',
  describe: "Recent runs of the project's jobs on the environment's target (EMR steps, Glue job runs, EMR Serverless job runs): state, duration and where their logs are",
  builder: (y) =>
    y
      .positional('job', { type: 'string', describe: 'Only this job' })
      .option('env', { type: 'string', describe: 'Environment from etl.config.ts' })
      .option('limit', { type: 'number', default: 20, describe: 'How many runs to show, newest first' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' })
      .example('$0 status events_clean --env prod', '') as never,
  handler: async (argv) => {
    const session = await awsSession(argv.env, 'etl status');
    const { env, aws, clients } = session;
    const jobs = argv.job ? [(await loadJob(session.project, argv.job)).job.name] : selectedJobs(session, []);
    const runs = await aws.targetFor(env, clients).recent(jobs, argv.limit);
    if (argv.json) return printJson({ env: env.name, target: env.target, runs });
    if (!runs.length) {
      process.stdout.write(`no runs of ${argv.job ?? 'any job'} on ${env.target === 'emr' ? (env.emr.clusterId ? `cluster ${env.emr.clusterId}` : 'transient clusters of the last 7 days') : env.target}\n`);
      return;
    }
    process.stdout.write(
      table(
        ['job', 'run', 'state', 'started (UTC)', 'duration', 'logs'],
        runs.map((r) => [r.job, `${r.runId}\n${pc.dim(r.where)}`, (STATE_COLOUR[r.state] ?? ((x: string) => x))(r.state) + (r.failure ? `\n${pc.dim(r.failure)}` : ''), (r.startedAt ?? '').replace('T', ' ').slice(0, 19), duration(r.durationMs), r.logLocation ?? pc.dim('no logs configured')]),
      ) + '\n',
    );
  },
};
