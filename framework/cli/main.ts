/** The `etl` command line. Each command lives in its own file; this wires them into yargs. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { listCommand } from './commands/list.ts';
import { planCommand } from './commands/plan.ts';
import { runCommand } from './commands/run.ts';
import { previewCommand } from './commands/preview.ts';
import { schemaCommand } from './commands/schema.ts';
import { bootstrapCommand } from './commands/bootstrap.ts';
import { deployCommand } from './commands/deploy.ts';
import { submitCommand } from './commands/submit.ts';
import { statusCommand } from './commands/status.ts';
import { testCommand } from './commands/test.ts';
import { sampleCommand } from './commands/sample.ts';
import { reportError } from './output.ts';

export async function main(argv: readonly string[] = hideBin(process.argv)): Promise<void> {
  const cli = yargs([...argv])
  .scriptName('etl')
  .usage('$0 <command> [options]\n\nTyped ETL jobs for AWS Glue and EMR: run them offline on sample data, compile them for the cluster.')
  .command(listCommand)
  .command(runCommand)
  .command(previewCommand)
  .command(testCommand)
  .command(sampleCommand)
  .command(planCommand)
  .command(schemaCommand)
  .command(bootstrapCommand)
  .command(deployCommand)
  .command(submitCommand)
  .command(statusCommand)
  .option('debug', { type: 'boolean', default: false, describe: 'Print stack traces of errors', global: true })
  .demandCommand(1, 'Name a command: etl list, etl run <job>, etl test, etl plan <job>. See etl --help.')
  .recommendCommands()
  .strict()
  .wrap(Math.min(110, process.stdout.columns || 100))
  .epilogue('Docs: README.md. Exit codes: 0 success, 1 the job failed, 2 usage error.')
  .fail((msg, err) => {
    if (err) throw err;
    process.stderr.write(`error: ${msg}\n\nRun 'etl --help' for usage.\n`);
    process.exit(2);
  });

  try {
    await cli.parseAsync();
  } catch (e) {
    process.exitCode = reportError(e, argv.includes('--debug'));
  }
}
