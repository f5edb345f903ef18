/** `etl new job <name>`: adds a job, its schema and a test case to the project (framework/init/new-job.ts). */
import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { findProject } from '../../run/project.ts';
import { INPUT_FORMATS, type InputFormat } from '../../init/input-formats.ts';
import { printJson } from '../output.ts';

interface NewJobArgs {
  name: string;
  from: InputFormat;
  input?: string;
  table?: string;
  json: boolean;
}

const newJobCommand: CommandModule<object, NewJobArgs> = {
  command: 'job <name>',
  describe: 'Add jobs/<name>.ts, its schema in schemas/<name>.ts and a test case in jobs/fixtures/<name>/',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'The job name, snake_case (its file and table name)' })
      .option('from', { choices: INPUT_FORMATS, default: 'jsonl' as const, describe: 'The format of its input: files (jsonl, csv, parquet) or a catalog table' })
      .option('input', { type: 'string', describe: 'A sample to infer the schema from (file or folder), or database.table with --from table' })
      .option('table', { type: 'string', describe: 'The output table, database.table (default: analytics.<name>, or the input table\'s database)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the files written as JSON' })
      .example('$0 new job page_views --from jsonl --input sample/page_views/', 'Schema inferred from the sample')
      .example('$0 new job daily_counts --from table --input analytics.events', 'A job that reads the output of another') as never,
  handler: async (argv) => {
    const project = findProject();
    // Loaded on demand (the CSV parser, the Parquet writer): run and plan start without it.
    const [{ planNewJob }, { writeNewFiles }] = await Promise.all([import('../../init/new-job.ts'), import('../../init/new-files.ts')]);
    const plan = await planNewJob(project, { name: argv.name, from: argv.from, ...(argv.input === undefined ? {} : { input: argv.input }), ...(argv.table === undefined ? {} : { table: argv.table }) });
    writeNewFiles(project.root, plan.files, 'etl new job');
    const files = plan.files.map((f) => f.path);
    if (argv.json) return printJson({ job: argv.name, schema: plan.schemaSource, files });
    process.stdout.write(
      [
        `${pc.green('created')} job ${pc.bold(argv.name)} (schema: ${plan.schemaSource})`,
        ...files.map((f) => `  ${f}`),
        '',
        'Next:',
        `  edit jobs/${argv.name}.ts (its TODOs), then: etl plan ${argv.name}`,
        `  etl test ${argv.name} --update   # writes ${plan.fixtureDir}/expected.jsonl: review it`,
        '',
      ].join('\n'),
    );
  },
};

export const newCommand: CommandModule = {
  command: 'new',
  describe: 'Add to the project: etl new job <name>',
  builder: (y) => y.command(newJobCommand).demandCommand(1, 'Name what to add: etl new job <name>') as never,
  handler: () => {},
};
