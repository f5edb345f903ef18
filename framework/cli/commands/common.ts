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

/**
 * A command-line option, as data: yargs builds the help and parses from it, and so does the
 * fast path for `etl run` and `etl plan` (framework/cli/fast-path.ts), which skips loading yargs.
 */
export interface OptionSpec {
  readonly type: 'string' | 'boolean' | 'number';
  readonly describe: string;
  readonly alias?: string;
  readonly array?: boolean;
  readonly default?: string | boolean | number | readonly string[];
}

export const JOB_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  param: { alias: 'p', type: 'string', array: true, default: [], describe: 'Job parameter name=value (repeatable), e.g. --param dt=2026-11-01' },
  input: { alias: 'i', type: 'string', array: true, default: [], describe: 'Read an input from another local path for this run: name=path (repeatable)' },
  warehouse: { type: 'string', describe: 'Local warehouse folder (default: ./warehouse)' },
  json: { type: 'boolean', default: false, describe: 'Print one JSON object instead of the human summary' },
};

/** Adds option specs to a yargs builder. */
export function withOptions<T>(y: Argv<T>, options: Readonly<Record<string, OptionSpec>>): Argv<T> {
  let out = y;
  for (const [name, spec] of Object.entries(options)) out = out.option(name, { ...spec, default: spec.default as never }) as Argv<T>;
  return out;
}

export function jobOptions<T>(y: Argv<T>) {
  return withOptions(y.positional('job', { type: 'string', demandOption: true, describe: 'Job name (a file in jobs/, see etl list)' }), JOB_OPTIONS);
}

export function runOptionsFrom(argv: JobArgs) {
  return {
    params: parseAssignments(argv.param, '--param', 'dt=2026-11-01'),
    inputs: parseAssignments(argv.input, '--input', 'raw=./my-sample/'),
    ...(argv.warehouse ? { warehouse: argv.warehouse } : {}),
  };
}
