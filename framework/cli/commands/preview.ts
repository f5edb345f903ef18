import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { findProject } from '../../run/project.ts';
import { previewJob } from '../../run/preview.ts';
import { batchesToObjects, batchesToTable, printJson } from '../output.ts';
import { jobOptions, runOptionsFrom, type JobArgs } from './common.ts';

export const previewCommand: CommandModule<object, JobArgs & { limit: number }> = {
  command: 'preview <job>',
  describe: "Show the first rows of a job's output without writing anything",
  builder: (y) => jobOptions(y).option('limit', { alias: 'n', type: 'number', default: 20, describe: 'Rows to show' }) as never,
  handler: async (argv) => {
    const project = findProject();
    const r = await previewJob(project, argv.job, argv.limit, runOptionsFrom(argv));
    if (argv.json) return printJson({ job: r.job, table: r.table, columns: r.schema.fields.map((f) => f.name), rows: batchesToObjects(r.schema, r.rows) });
    process.stdout.write(batchesToTable(r.schema, r.rows) + '\n');
    const shown = r.rows.reduce((s, b) => s + b.length, 0);
    process.stdout.write(pc.dim(`${shown} row${shown === 1 ? '' : 's'} of ${r.table} (preview, nothing written)${r.badRecords ? `; ${r.badRecords} bad records skipped` : ''}\n`));
  },
};
