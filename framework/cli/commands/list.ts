import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { findProject, loadAllJobs } from '../../run/project.ts';
import { printJson, table } from '../output.ts';

export const listCommand: CommandModule<object, { json: boolean }> = {
  command: 'list',
  describe: 'List the jobs in jobs/ with their inputs and output table',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'Print JSON' }),
  handler: async (argv) => {
    const project = findProject();
    const jobs = await loadAllJobs(project);
    const rows = jobs.map(({ job, file }) => ({
      name: job.name,
      description: job.description ?? '',
      file,
      inputs: Object.entries(job.inputs).map(([name, s]) =>
        s.format === 'table' ? { name, format: s.format, table: s.table } : { name, format: s.format, path: s.path, sample: s.sample ?? null },
      ),
      output: { table: job.output.table, partitionBy: job.output.partitionBy, mode: job.output.mode },
    }));
    if (argv.json) return printJson({ jobs: rows });
    if (!rows.length) {
      process.stdout.write(`No jobs in ${project.jobsDir}. Add one as jobs/<name>.ts (see README.md).\n`);
      return;
    }
    process.stdout.write(
      table(
        ['job', 'description', 'inputs', 'output'],
        rows.map((r) => [
          pc.bold(r.name),
          r.description,
          r.inputs.map((i) => `${i.name} (${'table' in i ? i.table : i.format})`).join('\n'),
          `${r.output.table}${r.output.partitionBy.length ? pc.dim(` by ${r.output.partitionBy.join(', ')}`) : ''}`,
        ]),
      ) + '\n',
    );
  },
};
