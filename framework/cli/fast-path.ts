/**
 * `etl run <job>` and `etl plan <job>` without yargs. Loading and setting up yargs (with its
 * help layout, which it builds on every run) cost about 80 ms of a 550 ms `etl run` on the
 * sample. The common invocations are parsed here with node:util's parseArgs from the same
 * option specs; anything else (help, a typo, an option yargs would coerce, a negation, values
 * after an array option) returns null and goes through yargs, which then says what is wrong,
 * so the two parsers never disagree on what they both accept.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { OptionSpec } from './commands/common.ts';

export interface FastCommand {
  readonly name: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
}

export interface FastParse {
  readonly command: string;
  readonly args: Record<string, unknown> & { job: string; debug: boolean };
}

const GLOBAL: Readonly<Record<string, OptionSpec>> = { debug: { type: 'boolean', default: false, describe: '' } };

export function fastParse(argv: readonly string[], commands: readonly FastCommand[]): FastParse | null {
  const command = commands.find((c) => c.name === argv[0]);
  if (!command || argv.some((a) => a === '--help' || a === '-h' || a === '--version')) return null;
  const specs = { ...GLOBAL, ...command.options };
  // numbers are left to yargs (it coerces them); the fast commands have none
  if (Object.values(specs).some((s) => s.type === 'number')) return null;
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, s] of Object.entries(specs)) {
    options[name] = { type: s.type as 'string' | 'boolean', ...(s.array ? { multiple: true } : {}), ...(s.alias && s.alias.length === 1 ? { short: s.alias } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv.slice(1)], options, allowPositionals: true, strict: true });
  } catch {
    return null;
  }
  if (parsed.positionals.length !== 1) return null;
  const args: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(specs)) {
    const v = (parsed.values as Record<string, unknown>)[name];
    if (v !== undefined) args[name] = v;
    else if (s.default !== undefined) args[name] = Array.isArray(s.default) ? [...s.default] : s.default;
  }
  return { command: command.name, args: { ...args, job: parsed.positionals[0], debug: args.debug === true } };
}
