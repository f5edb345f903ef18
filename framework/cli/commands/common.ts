/** Options shared by the commands that run a job. */
import type { Argv } from 'yargs';
import { parseAssignments } from '../../run/params.ts';

export interface JobArgs {
  job: string;
  param: string[];
  input: string[];
  warehouse?: string;
  json: boolean;
}

export function jobOptions<T>(y: Argv<T>) {
  return y
    .positional('job', { type: 'string', demandOption: true, describe: 'Job name (a file in jobs/, see etl list)' })
    .option('param', { alias: 'p', type: 'string', array: true, default: [] as string[], describe: 'Job parameter name=value (repeatable), e.g. --param dt=2026-11-01' })
    .option('input', { alias: 'i', type: 'string', array: true, default: [] as string[], describe: "Read an input from another local path for this run: name=path (repeatable)" })
    .option('warehouse', { type: 'string', describe: 'Local warehouse folder (default: ./warehouse)' })
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of the human summary' });
}

export function runOptionsFrom(argv: JobArgs) {
  return {
    params: parseAssignments(argv.param, '--param', 'dt=2026-11-01'),
    inputs: parseAssignments(argv.input, '--input', 'raw=./my-sample/'),
    ...(argv.warehouse ? { warehouse: argv.warehouse } : {}),
  };
}
