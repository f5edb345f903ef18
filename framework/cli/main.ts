/** The `etl` command line. Each command lives in its own file; this wires them into yargs. */
import { listCommand } from './commands/list.ts';
import { planCommand, PLAN_OPTIONS } from './commands/plan.ts';
import { runCommand, RUN_OPTIONS } from './commands/run.ts';
import { previewCommand } from './commands/preview.ts';
import { schemaCommand } from './commands/schema.ts';
import { bootstrapCommand } from './commands/bootstrap.ts';
import { deployCommand } from './commands/deploy.ts';
import { submitCommand } from './commands/submit.ts';
import { backfillCommand } from './commands/backfill.ts';
import { graphCommand } from './commands/graph.ts';
import { pipelineCommand } from './commands/pipeline.ts';
import { statusCommand } from './commands/status.ts';
import { testCommand } from './commands/test.ts';
import { sampleCommand } from './commands/sample.ts';
import { cleanCommand } from './commands/clean.ts';
import { initCommand } from './commands/init.ts';
import { newCommand } from './commands/new.ts';
import { JOB_OPTIONS } from './commands/common.ts';
import { fastParse } from './fast-path.ts';
import { reportError } from './output.ts';
import { endQuietlyWhenOutputCloses } from './closed-output.ts';

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  endQuietlyWhenOutputCloses();
  // run and plan, the commands of the edit-run loop, start without yargs when they can
  const fast = fastParse(argv, [
    { name: 'run', options: { ...JOB_OPTIONS, ...RUN_OPTIONS } },
    { name: 'plan', options: { ...JOB_OPTIONS, ...PLAN_OPTIONS } },
  ]);
  if (fast) {
    const handler = (fast.command === 'run' ? runCommand.handler : planCommand.handler) as (args: unknown) => Promise<void>;
    try {
      await handler(fast.args);
    } catch (e) {
      process.exitCode = reportError(e, fast.args.debug);
    }
    return;
  }

  const { default: yargs } = await import('yargs');
  const cli = yargs([...argv])
  .scriptName('etl')
  .usage('$0 <command> [options]\n\nTyped ETL jobs for AWS Glue and EMR: run them offline on sample data, compile them for the cluster.')
  .command(initCommand)
  .command(newCommand)
  .command(listCommand)
  .command(graphCommand)
  .command(runCommand)
  .command(previewCommand)
  .command(testCommand)
  .command(sampleCommand)
  .command(cleanCommand)
  .command(planCommand)
  .command(schemaCommand)
  .command(bootstrapCommand)
  .command(deployCommand)
  .command(backfillCommand)
  .command(pipelineCommand)
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
