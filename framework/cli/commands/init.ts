/** `etl init [dir]`: scaffolds a new project (framework/init/scaffold.ts). */
import path from 'node:path';
import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { printJson } from '../output.ts';

interface InitArgs {
  dir: string;
  json: boolean;
}

export const initCommand: CommandModule<object, InitArgs> = {
  command: 'init [dir]',
  describe: 'Create a new project: package.json, tsconfig.json, etl.config.ts, an example job with sample data and a test case, CI',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', default: '.', describe: 'The project folder (created if missing; default: this one)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the files written as JSON' })
      .example('$0 init my-lake', 'A new project in ./my-lake') as never,
  handler: async (argv) => {
    const root = path.resolve(argv.dir);
    // Loaded on demand, as the other rarely used commands: run and plan start without it.
    const { scaffoldProject } = await import('../../init/scaffold.ts');
    const { created, packageJsonUpdated } = scaffoldProject(root);
    if (argv.json) return printJson({ root, created, packageJsonUpdated });
    const cd = path.relative(process.cwd(), root);
    process.stdout.write(
      [
        `${pc.green('created')} ${created.length} files in ${root}${packageJsonUpdated ? ' (and added lakeform\'s scripts and dependencies to package.json)' : ''}`,
        ...created.map((f) => `  ${f}`),
        '',
        'Next:',
        ...(cd ? [`  cd ${cd}`] : []),
        '  npm install',
        '  npx etl run events_clean      # the example job, offline on sample/',
        '  npx etl test                  # its test cases in jobs/fixtures/',
        '  npx etl new job <name>        # your own job (--from jsonl|csv|parquet|table)',
        '',
      ].join('\n'),
    );
  },
};
