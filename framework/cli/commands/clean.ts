/**
 * `etl clean`: resets a local lake (the sample lake, or a local environment's): its tables, its
 * catalog and run state, and quarantined bad records beyond the newest runs'. Nothing is deleted
 * without --yes: by default it lists what would go.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { findProject } from '../../run/project.ts';
import { environmentLake, sampleLake, type Lake } from '../../run/lake.ts';
import { loadEnvironment, requireLocalEnvironment } from '../../config/config.ts';
import { UsageError, displayPath } from '../../errors/index.ts';
import { liveLocks } from '../../catalog/fs-atomic.ts';
import { printJson } from '../output.ts';

interface CleanArgs {
  env?: string;
  warehouse?: string;
  'keep-quarantine': number;
  yes: boolean;
  json: boolean;
}

/** The warehouse folder run-job.ts writes quarantined records to: _quarantine/<db.table>/<runId>.jsonl */
const QUARANTINE = '_quarantine';

/** What a clean deletes: whole folders (tables, state) and single quarantine files. */
function placesToDelete(lake: Lake, keepQuarantine: number): string[] {
  const children = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort().map((name) => path.join(dir, name)) : []);
  const tables = children(lake.warehouse).filter((p) => path.basename(p) !== QUARANTINE);
  // The newest runs' quarantine files of each table are kept: the bad records someone may still be
  // fixing. A file is named by its run id, which starts with the run's UTC time (newRunId), so the
  // names sort by age whatever a copy or a checkout did to the files' modification times.
  const quarantine = children(path.join(lake.warehouse, QUARANTINE)).flatMap((table) => children(table).reverse().slice(keepQuarantine));
  return [...tables, ...(existsSync(lake.stateDir) ? [lake.stateDir] : []), ...quarantine];
}

export const cleanCommand: CommandModule<object, CleanArgs> = {
  command: 'clean',
  describe: 'Reset local state: the warehouse tables, the local catalog and run state, old quarantine files (lists them; --yes deletes)',
  builder: (y) =>
    y
      .option('env', { type: 'string', describe: "A local environment's lake instead of the sample lake" })
      .option('warehouse', { type: 'string', describe: 'Local warehouse folder (default: ./warehouse)' })
      .option('keep-quarantine', { type: 'number', default: 0, describe: "Keep each table's quarantine files of the newest N runs" })
      .option('yes', { type: 'boolean', default: false, describe: 'Delete (without it: only list what would be deleted)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' })
      .example('$0 clean', 'What a reset of the sample lake would delete')
      .example('$0 clean --keep-quarantine 3 --yes', 'Reset, keeping the bad records of the last 3 runs of each table') as never,
  handler: async (argv) => {
    const project = findProject();
    const lake = argv.env === undefined ? sampleLake(project, argv.warehouse) : environmentLake(requireLocalEnvironment(await loadEnvironment(project.root, argv.env), 'etl clean'), argv.warehouse);
    // A run writing the lake now would lose its staged files and commit into a catalog that is gone.
    const running = await liveLocks(path.join(lake.stateDir, 'locks'));
    if (running.length) {
      const runs = running.map((l) => `${path.basename(l.lockFile, '.lock')} (process ${l.holder.pid}, ${l.holder.purpose}, since ${l.holder.since})`);
      throw new UsageError(`the ${lake.name} lake is being written: ${runs.join('; ')}`, 'wait for the run to finish, then clean');
    }
    const places = placesToDelete(lake, Math.max(0, argv['keep-quarantine']));
    if (argv.yes) for (const p of places) rmSync(p, { recursive: true, force: true });
    if (argv.json) return printJson({ lake: lake.name, deleted: argv.yes, places: places.map(displayPath) });
    if (!places.length) return void process.stdout.write(`nothing to clean in the ${lake.name} lake\n`);
    const list = places.map((p) => `  ${displayPath(p)}`).join('\n');
    process.stdout.write(argv.yes ? `${pc.green('deleted')}:\n${list}\n` : `would delete:\n${list}\n${pc.dim('run etl clean --yes to delete them')}\n`);
  },
};
