import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { printJson } from '../output.ts';
import { awsSession, projectDatabases } from './aws-session.ts';

export const bootstrapCommand: CommandModule<object, { env?: string; json: boolean; 'dry-run': boolean }> = {
  command: 'bootstrap',
  describe: "Create what an environment needs before the first deploy (the S3 bucket, the jobs' Glue databases, an EMR Serverless application), if missing",
  builder: (y) =>
    y
      .option('env', { type: 'string', describe: 'Environment from etl.config.ts' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Say what would be created, create nothing' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' })
      .example('$0 bootstrap --env dev', '') as never,
  handler: async (argv) => {
    const session = await awsSession(argv.env, 'etl bootstrap');
    const report = await session.aws.bootstrap(session.env, session.clients, session.metastore, await projectDatabases(session), { dryRun: argv['dry-run'] });
    if (argv.json) return printJson({ env: session.env.name, dryRun: argv['dry-run'], ...report });
    const verb = argv['dry-run'] ? 'would create' : 'created';
    const line = (what: string, created: boolean) => `  ${created ? pc.green(verb) : pc.dim('exists ')} ${what}`;
    process.stdout.write(
      [
        `${pc.bold(session.env.name)} ${pc.dim(`(${session.clients.region})`)}`,
        line(`bucket s3://${report.bucket.name}`, report.bucket.created),
        ...report.databases.map((d) => line(`Glue database ${d.name}`, d.created)),
        ...(report.application ? [line(`EMR Serverless application ${report.application.name}${report.application.id ? ` (${report.application.id})` : ''}`, report.application.created)] : []),
      ].join('\n') + '\n',
    );
    const created = [report.bucket, ...report.databases, ...(report.application ? [report.application] : [])].filter((x) => x.created).length;
    if (!created) process.stdout.write(`nothing to do: ${session.env.name} is ready\n`);
  },
};
