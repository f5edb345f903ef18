import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { findProject, loadJob } from '../../run/project.ts';
import { resolveParams, parseAssignments } from '../../run/params.ts';
import { fixedPrefix, renderWindow, templateNames } from '../../dsl/template.ts';
import { sliceColumnsOf } from '../../dsl/job.ts';
import { DAY_MS } from '../../slices/duration.ts';
import { UsageError, didYouMean, displayPath } from '../../errors/index.ts';
import { toJsonLines, toJsonText, type Row } from '../../testing/rows.ts';
import type { FileInput } from '../../dsl/sources.ts';
import { printJson } from '../output.ts';
import { maskRules } from '../../schema/mask.ts';
import { maskCsv, maskJsonLines } from '../../io/mask-records.ts';

interface SampleArgs {
  job: string;
  input?: string;
  synthetic: boolean;
  env?: string;
  rows: number;
  files: number;
  seed: number;
  param: string[];
  force: boolean;
  json: boolean;
}

function csvText(rows: readonly Row[], columns: readonly string[], delimiter: string, quote: string): string {
  const field = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const text = typeof v === 'object' ? toJsonText(v) : String(v);
    return text === '' || /[\r\n]/.test(text) || text.includes(delimiter) || text.includes(quote) ? `${quote}${text.split(quote).join(quote + quote)}${quote}` : text;
  };
  return [columns.join(delimiter), ...rows.map((r) => columns.map((c) => field(r[c])).join(delimiter))].join('\n') + '\n';
}

export const sampleCommand: CommandModule<object, SampleArgs> = {
  command: 'sample <job>',
  describe: "Fill a job's local sample folder: synthetic rows from the input's schema, or the newest objects from S3",
  builder: (y) =>
    y
      .positional('job', { type: 'string', demandOption: true, describe: 'Job name (see etl list)' })
      .option('input', { type: 'string', describe: 'Which input (default: every file input of the job)' })
      .option('synthetic', { type: 'boolean', default: false, describe: "Generate rows from the input's zod schema (deterministic by --seed)" })
      .option('env', { type: 'string', describe: "Copy the newest objects under the input's S3 location in this environment" })
      .option('rows', { type: 'number', default: 1000, describe: 'How many rows to keep (or generate)' })
      .option('files', { type: 'number', default: 5, describe: 'With --env: how many of the newest objects to copy' })
      .option('seed', { type: 'number', default: 1, describe: 'With --synthetic: the random seed' })
      .option('param', { alias: 'p', type: 'string', array: true, default: [] as string[], describe: 'Job parameter name=value (for templated locations)' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite a sample file that exists' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' })
      .example('$0 sample events_clean --synthetic --rows 500 --seed 7', '')
      .example('$0 sample events_clean --env dev --files 3 --rows 2000', '') as never,
  handler: async (argv) => {
    if (argv.synthetic === !!argv.env) throw new UsageError('choose where the sample comes from: --synthetic, or --env <environment> for S3', 'etl sample <job> --synthetic, or etl sample <job> --env dev');
    const project = findProject();
    const { job } = await loadJob(project, argv.job);
    const params = resolveParams(job, parseAssignments(argv.param, '--param', 'dt=2026-11-01'));
    const fileInputs = Object.entries(job.inputs).filter((e): e is [string, FileInput] => e[1].format !== 'table');
    if (argv.input && !fileInputs.some(([n]) => n === argv.input)) {
      throw new UsageError(`job '${job.name}' has no file input '${argv.input}'`, didYouMean(argv.input, fileInputs.map(([n]) => n)) ?? `its file inputs: ${fileInputs.map(([n]) => n).join(', ') || '(none)'}`);
    }
    const chosen = fileInputs.filter(([n]) => !argv.input || n === argv.input);
    // Left-out parameters and the slice's are open: the sample root holds every day.
    const paramNames = Object.keys((job.params as { shape?: object } | undefined)?.shape ?? {});
    const open = new Set([...paramNames.filter((k) => params[k] === undefined), ...sliceColumnsOf(job)]);
    const time = sliceColumnsOf(job).find((c) => typeof params[c] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(params[c] as string));
    const report: { input: string; location: string; rows: number; files: string[]; masked?: string[]; dropped?: number; replaced?: string[] }[] = [];
    for (const [name, spec] of chosen) {
      if (!spec.sample) throw new UsageError(`input '${name}' of job '${job.name}' has no sample location`, "add sample: 'sample/<name>/' to the input");
      // The sample's root: a sample in the production layout keeps every day below it.
      const location = path.resolve(project.root, fixedPrefix(spec.sample, params, open, `sample location of input '${name}'`));
      // A day given for the slice: the rows fall in that day (synthetic), or come from that day's
      // folders (S3), and only that day's folders of a sample in the production layout are replaced.
      const day = time !== undefined ? dayWindow(String(params[time])) : undefined;
      const sliceFolders = day && templateNames(spec.sample).includes(time!) ? renderWindow(spec.sample, params, { param: time!, ...day }, `sample location of input '${name}'`).map((f) => path.resolve(project.root, f)) : undefined;
      const refuseUnlessForced = (places: readonly string[], what: string): string[] => {
        const replaced = places.flatMap(filesIn);
        if (replaced.length && !argv.force) {
          throw new UsageError(
            `the sample ${sliceFolders ? `of ${time}=${params[time!]} ` : ''}for input '${name}' holds ${replaced.length} file(s) that ${what} would replace:\n${listed(replaced)}`,
            'pass --force to delete them and write the new sample, or point the sample elsewhere',
          );
        }
        return replaced;
      };
      if (argv.env) {
        const { awsClients } = await import('../../../deploy/index.ts');
        const { loadEnvironment } = await import('../../config/config.ts');
        const { copyNewestObjects, fixedKeyPrefix } = await import('../../../deploy/s3/sample.ts');
        const env = await loadEnvironment(project.root, argv.env);
        const sources = sourceLocations(spec.path, { ...env.variables, bucket: env.variables.bucket ?? env.bucket, ...params }, time, `location of input '${name}'`);
        const rules = maskRules(spec.schema);
        const mask = rules.size ? (text: string) => (spec.format === 'csv' ? maskCsv(text, rules, { delimiter: spec.delimiter, quote: spec.quote, ...(spec.nullValue !== undefined ? { nullValue: spec.nullValue } : {}) }) : maskJsonLines(text, rules)) : undefined;
        const replacedPlaces = sliceFolders ?? [location];
        const replaced = refuseUnlessForced(replacedPlaces, `etl sample --env ${argv.env}`);
        const copied = await copyNewestObjects(awsClients(env).s3, sources, location, { files: argv.files, rows: argv.rows, format: spec.format, ...(spec.format === 'csv' ? { csv: { delimiter: spec.delimiter, quote: spec.quote } } : {}), replace: replacedPlaces, keepPathsBelow: fixedKeyPrefix(spec.path), ...(mask ? { mask } : {}) });
        report.push({ input: name, location: displayPath(location), rows: copied.rows, files: copied.files.map(displayPath), masked: [...rules.keys()], dropped: copied.dropped, replaced: replaced.map(displayPath) });
        continue;
      }
      const ext = spec.format === 'csv' ? 'csv' : 'jsonl';
      const isFolder = sliceFolders !== undefined || !path.extname(location) || (existsSync(location) && statSync(location).isDirectory());
      const file = sliceFolders ? path.join(sliceFolders[0], `synthetic.${ext}`) : isFolder ? path.join(location, `synthetic.${ext}`) : location;
      // Never mix synthetic rows into a sample that holds other data: what is there goes, and only with --force.
      const replacedPlaces = sliceFolders ?? [isFolder ? location : file];
      const replaced = refuseUnlessForced(replacedPlaces, '--synthetic');
      for (const place of replacedPlaces) rmSync(place, { recursive: true, force: true });
      // Loaded on demand: the value generator is only for this command.
      const { syntheticRows } = await import('../../testing/synthetic.ts');
      const inSlice = day && templateNames(spec.path).includes(time!) ? day : undefined;
      const rows = syntheticRows(spec.schema, argv.rows, argv.seed, inSlice);
      mkdirSync(path.dirname(file), { recursive: true });
      const columns = Object.keys(spec.schema.shape);
      writeFileSync(file, spec.format === 'csv' ? csvText(rows, columns, spec.delimiter, spec.quote) : toJsonLines(rows));
      report.push({ input: name, location: displayPath(file), rows: rows.length, files: [displayPath(file)], replaced: replaced.map(displayPath) });
    }
    if (argv.json) return printJson({ job: job.name, source: argv.env ? `s3 (${argv.env})` : `synthetic (seed ${argv.seed})`, inputs: report });
    for (const r of report) {
      const masked = r.masked?.length ? pc.dim(` (masked: ${r.masked.join(', ')})`) : '';
      const dropped = r.dropped ? pc.yellow(`; dropped ${r.dropped} unparseable record(s), whose masked columns could not be found`) : '';
      if (r.replaced?.length) process.stdout.write(`${pc.yellow('deleted')} ${r.replaced.length} file(s) the new sample replaces:\n${listed(r.replaced)}\n`);
      process.stdout.write(`${pc.green('wrote')} ${r.rows} row(s) for input ${pc.bold(r.input)} to ${r.files.join(', ')}${masked}${dropped}\n`);
    }
  },
};

/** The day a `yyyy-MM-dd` slice value names, as a window. */
function dayWindow(day: string): { startMs: number; endMs: number } {
  const startMs = Date.parse(`${day}T00:00:00Z`);
  return { startMs, endMs: startMs + DAY_MS };
}

/** Every file at a place: the file itself, or those below a folder (none if nothing is there). */
function filesIn(place: string): string[] {
  if (!existsSync(place)) return [];
  if (statSync(place).isFile()) return [place];
  return readdirSync(place, { recursive: true, encoding: 'utf8' })
    .map((rel) => path.join(place, rel))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** Files for a message: the first ten, and how many more. */
function listed(files: readonly string[]): string {
  const shown = files.slice(0, 10).map((f) => `  ${displayPath(f)}`);
  return [...shown, ...(files.length > 10 ? [`  ... and ${files.length - 10} more`] : [])].join('\n');
}

/** The S3 locations to sample from: the day's folders for a day given, else the template's fixed prefix. */
function sourceLocations(template: string, values: Readonly<Record<string, unknown>>, day: string | undefined, what: string): string[] {
  if (day === undefined || !templateNames(template).includes(day)) return [fixedPrefix(template, values, new Set(), what)];
  return renderWindow(template, values, { param: day, ...dayWindow(String(values[day])) }, what);
}
