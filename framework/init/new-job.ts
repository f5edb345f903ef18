/**
 * `etl new job <name>`: the files of a new job. jobs/<name>.ts reads one input and writes it
 * to a table as it is, the transform left to the user; its schema (schemas/<name>.ts) is
 * inferred from a sample when one is given (framework/init/infer-schema.ts), else a
 * placeholder marked TODO; jobs/fixtures/<name>/first_case/ holds its first test case's input
 * rows (the expected rows are the user's to review: `etl test <name> --update` writes them).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAllJobs, jobNames, type Project } from '../run/project.ts';
import { schemaOfTable } from '../run/run-job.ts';
import { LocalMetastore } from '../catalog/local.ts';
import { writeParquet } from '../io/parquet.ts';
import { T, field, schemaOf, type DatasetSchema } from '../schema/types.ts';
import { UsageError, didYouMean } from '../errors/index.ts';
import { inferSchema, sampleFiles, textOf, type SampleFormat } from './infer-schema.ts';
import { zodSource } from './zod-source.ts';
import type { NewFile } from './new-files.ts';
import { FIXTURES_DIR } from '../testing/fixtures.ts';
import type { InputFormat } from './input-formats.ts';

export interface NewJobRequest {
  readonly name: string;
  readonly from: InputFormat;
  /** A local sample (file or folder) for a file input; `database.table` for a table input. */
  readonly input?: string;
  /** The output table, `database.table` (default: the input table's database, else analytics, and the job's name). */
  readonly table?: string;
}

export interface NewJob {
  readonly files: readonly NewFile[];
  /** Where the schema came from, for the command's summary. */
  readonly schemaSource: string;
  readonly fixtureDir: string;
}

const JOB_NAME = /^[a-z][a-z0-9_]*$/;
const TABLE_NAME = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/;
/** Rows of a text sample copied into the job's first test case. */
const FIXTURE_ROWS = 5;
const FIXTURE_CASE = 'first_case';

/** snake_case, as job files, table names and Glue want it: `PageViews` -> `page_views`. */
function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[_0-9]+|_+$/g, '');
}

function pascalCase(name: string): string {
  return name.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

function validateJobName(project: Project, name: string): void {
  if (!JOB_NAME.test(name)) {
    const suggestion = snakeCase(name);
    throw new UsageError(
      `'${name}' is not a valid job name: a job name is snake_case (lower-case letters, digits and _, starting with a letter), as its file and table names`,
      suggestion ? `call it '${suggestion}': etl new job ${suggestion}` : 'choose a name such as page_views',
    );
  }
  const existing = jobNames(project);
  if (existing.includes(name)) throw new UsageError(`a job named '${name}' exists already (jobs/${name}.ts)`, 'choose another name, or edit that job');
}

export async function planNewJob(project: Project, request: NewJobRequest): Promise<NewJob> {
  validateJobName(project, request.name);
  if (request.table !== undefined && !TABLE_NAME.test(request.table)) {
    throw new UsageError(`--table ${request.table}: not a database.table name`, 'lower-case letters, digits and _ on both sides of the dot, e.g. --table analytics.page_views');
  }
  return request.from === 'table' ? tableJob(project, request) : fileJob(project, request, request.from);
}

/** A local sample as the job and its schema file name it. */
interface Sample {
  /** Relative to the project root when inside it; a folder ends with '/'. */
  readonly path: string;
  readonly files: readonly string[];
}

function sampleOf(project: Project, input: string, format: SampleFormat): Sample {
  const files = sampleFiles(input, format);
  const folder = statSync(path.resolve(input)).isDirectory();
  return { path: relativePath(project.root, path.resolve(input)) + (folder ? '/' : ''), files };
}

async function fileJob(project: Project, request: NewJobRequest, format: SampleFormat): Promise<NewJob> {
  const { name } = request;
  const schemaName = pascalCase(name);
  const sample = request.input === undefined ? undefined : sampleOf(project, request.input, format);
  const schema = sample === undefined ? placeholderSchema() : await inferSchema(sample.files, format);
  const inferredFrom = sample && `${sample.path}${sample.files.length > 1 ? ` (${sample.files.length} files)` : ''}`;
  const reader = { jsonl: 'jsonLines', csv: 'csv', parquet: 'parquet' }[format];
  const jobText = jobSource({
    name,
    imports: [reader],
    schemaImport: `import { ${schemaName} } from '../schemas/${name}.ts';`,
    input: `${reader}({\n      path: 's3://{bucket}/TODO/${name}/', // TODO: where the data lands in production\n      sample: '${sample?.path ?? `sample/${name}/`}',\n      schema: ${schemaName},\n    })`,
    inputName: 'input',
    table: request.table ?? `analytics.${name}`,
    outputSchema: schemaName,
  });
  const schemaComment = inferredFrom
    ? `Inferred by etl new job from ${inferredFrom}: review the types, nullability and descriptions.`
    : 'TODO: a placeholder: declare the columns of your data (see the lakeform README, "Schemas").';
  const fixtureDir = path.join(FIXTURES_DIR, name, FIXTURE_CASE);
  return {
    schemaSource: inferredFrom ? `inferred from ${inferredFrom}` : 'a placeholder schema (TODO: your columns)',
    fixtureDir,
    files: [
      { path: path.join('jobs', `${name}.ts`), content: jobText },
      { path: path.join('schemas', `${name}.ts`), content: schemaFileSource(schemaName, schema, schemaComment) },
      { path: path.join(fixtureDir, 'case.json'), content: caseJson(name) },
      { path: path.join(fixtureDir, `input.${format}`), content: await fixtureInput(format, schema, sample?.files[0]) },
    ],
  };
}

async function tableJob(project: Project, request: NewJobRequest): Promise<NewJob> {
  const { name, input } = request;
  if (input === undefined || !TABLE_NAME.test(input)) {
    throw new UsageError(`--from table needs --input <database.table>, the table the job reads${input === undefined ? '' : ` (got '${input}')`}`, 'e.g. etl new job daily_counts --from table --input analytics.events');
  }
  const produced = (await loadAllJobs(project)).map((j) => j.job.output.table);
  const metastore = new LocalMetastore(path.join(project.stateDir, 'catalog'));
  const [database, tableName] = input.split('.') as [string, string];
  if (!produced.includes(input) && !(await metastore.getTable(database, tableName))) {
    throw new UsageError(`--input ${input}: no job in jobs/ writes this table, and it is not in the local catalog`, didYouMean(input, produced) ?? `tables written by the jobs: ${produced.join(', ') || '(none)'}`);
  }
  const schema = await schemaOfTable(project, metastore, input);
  const schemaName = pascalCase(name);
  const inputName = tableName;
  const jobText = jobSource({
    name,
    imports: ['catalogTable'],
    schemaImport: `import { ${schemaName} } from '../schemas/${name}.ts';`,
    // Its schema is the producing job's output schema: no schema to declare for the input.
    input: `catalogTable('${input}')`,
    inputName,
    table: request.table ?? `${database}.${name}`,
    outputSchema: schemaName,
  });
  const fixtureDir = path.join(FIXTURES_DIR, name, FIXTURE_CASE);
  return {
    schemaSource: `the columns of ${input}`,
    fixtureDir,
    files: [
      { path: path.join('jobs', `${name}.ts`), content: jobText },
      { path: path.join('schemas', `${name}.ts`), content: schemaFileSource(schemaName, schema, `The output of ${name}: the columns of ${input} it reads, until the transform makes its own.`) },
      { path: path.join(fixtureDir, 'case.json'), content: caseJson(name) },
      // A table input's rows are given as JSON lines (or a .parquet file).
      { path: path.join(fixtureDir, `${inputName}.jsonl`), content: '' },
    ],
  };
}

interface JobParts {
  readonly name: string;
  readonly imports: readonly string[];
  readonly schemaImport: string;
  readonly input: string;
  readonly inputName: string;
  readonly table: string;
  readonly outputSchema: string;
}

function jobSource(p: JobParts): string {
  return `import { defineJob, ${p.imports.join(', ')}, table } from 'lakeform';
${p.schemaImport}

export default defineJob({
  name: '${p.name}',
  description: 'TODO: what this job makes, and from what',
  inputs: {
    ${p.inputName}: ${p.input},
  },
  // TODO: the transform: filter, withColumns, dropDuplicates, groupBy(...).agg(...), join (see the lakeform README, "Writing a job").
  transform: ({ ${p.inputName} }) => ${p.inputName},
  output: table('${p.table}', ${p.outputSchema}),
  // TODO: checks on the output, e.g. unique('id'), notNull(['id']), rowCount({ min: 1 }).
  checks: [],
});
`;
}

function schemaFileSource(name: string, schema: DatasetSchema, comment: string): string {
  const { text, lakeformImports } = zodSource(schema);
  return `/** ${comment} */
import { z } from 'zod';
${lakeformImports.length ? `import { ${lakeformImports.join(', ')} } from 'lakeform';\n` : ''}
export const ${name} = ${text};
`;
}

function placeholderSchema(): DatasetSchema {
  return schemaOf([field('id', T.string, false), field('ts', T.timestamp, true)]);
}

function caseJson(name: string): string {
  const description = `TODO: what this case shows. Its input rows are input.* (or <input name>.*); run etl test ${name} --update to write the job's output as expected.jsonl, then review it.`;
  return JSON.stringify({ description }, null, 2) + '\n';
}

/** The first case's input: the sample's first rows (no rows without a sample), in the input's format. */
async function fixtureInput(format: SampleFormat, schema: DatasetSchema, sample: string | undefined): Promise<string | Uint8Array> {
  if (format === 'parquet') return emptyParquet(schema);
  if (sample === undefined) return format === 'csv' ? schema.fields.map((f) => f.name).join(',') + '\n' : '';
  const lines = textOf(sample).split('\n').filter((l) => l.trim());
  return lines.slice(0, FIXTURE_ROWS + (format === 'csv' ? 1 : 0)).join('\n') + '\n';
}

/** A Parquet file with the schema's columns and no rows (written through the framework's writer). */
async function emptyParquet(schema: DatasetSchema): Promise<Uint8Array> {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-new-'));
  try {
    const file = path.join(dir, 'input.parquet');
    await writeParquet(file, [], schema, { compression: 'snappy' });
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function relativePath(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') ? file : rel.split(path.sep).join('/');
}
