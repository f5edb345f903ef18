/** Resolves a job's inputs to local files and opens the right reader for each. */
import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { nullColumn, type Batch } from '../columnar/column.ts';
import type { InputSpec } from '../dsl/sources.ts';
import { UsageError, displayPath } from '../errors/index.ts';
import { listInputFiles } from '../io/files.ts';
import { readJsonLines } from '../io/jsonl.ts';
import { readCsv } from '../io/csv.ts';
import { readParquet } from '../io/parquet.ts';
import type { BadRecord, InMemoryFile, ReadSource } from '../io/types.ts';
import { schemaOf, type DatasetSchema } from '../schema/types.ts';
import { renderTemplate } from './template.ts';

export interface ResolvedInput {
  readonly name: string;
  readonly spec: InputSpec;
  /** Absolute local path of a file or folder. */
  readonly location: string;
  /** How the location was chosen, for messages: 'sample', '--input' or 'table analytics.events'. */
  readonly origin: string;
  readonly format: 'jsonl' | 'csv' | 'parquet';
}

export function resolveFileInput(
  root: string,
  jobName: string,
  name: string,
  spec: Exclude<InputSpec, { format: 'table' }>,
  params: Record<string, unknown>,
  override: string | undefined,
): ResolvedInput {
  let location: string;
  let origin: string;
  if (override !== undefined) {
    location = path.resolve(override);
    origin = '--input';
  } else if (spec.sample !== undefined) {
    location = path.resolve(root, renderTemplate(spec.sample, params, `sample location of input '${name}'`));
    origin = 'sample';
  } else {
    throw new UsageError(`input '${name}' of job '${jobName}' has no local sample location`, `add sample: 'sample/...' to the input, or pass --input ${name}=<path>`);
  }
  if (!existsSync(location)) {
    throw new UsageError(
      `input '${name}' of job '${jobName}': ${displayPath(location)} does not exist (${origin})`,
      origin === 'sample' ? 'generate the sample with `npm run sample`, or point the input elsewhere with --input' : 'check the path given to --input',
    );
  }
  return { name, spec, location, origin, format: spec.format };
}

export interface InputReader {
  readonly files: string[];
  readonly totalBytes: number;
  /**
   * `used` (per schema column) lets a Parquet input skip decoding columns nobody reads; they
   * arrive as nulls. JSON lines and CSV read every column: a value in an unread column can
   * still make the record bad.
   */
  open(schema: DatasetSchema, onBadRecord: (r: BadRecord) => void, onProgress: (bytes: number) => void, used?: readonly boolean[]): AsyncIterable<Batch>;
}

export async function openInput(input: ResolvedInput): Promise<InputReader> {
  const listed = await listInputFiles(input.location, input.format);
  const files = listed.files.map((f) => f.path);
  const totalBytes = files.reduce((s, f) => s + statSync(f).size, 0);
  return {
    files,
    totalBytes,
    open(schema, onBadRecord, onProgress, used) {
      const spec = input.spec;
      switch (spec.format) {
        case 'jsonl':
        case 'csv':
          return readText(spec, files, schema, onBadRecord, onProgress);
        case 'parquet':
        case 'table':
          if (used && used.includes(false)) return readUsedColumns(listed, schema, used, onProgress);
          return readParquet(listed.files, { schema, partitionColumns: listed.partitionColumns, onProgress });
      }
    },
  };
}

export type TextInputSpec = Extract<InputSpec, { format: 'jsonl' | 'csv' }>;

/** An input whose data is in memory (testJob's rows), read by its format's reader exactly as a file with those bytes. */
export function inMemoryInput(spec: TextInputSpec, source: InMemoryFile): InputReader {
  return {
    files: [source.name],
    totalBytes: source.bytes.length,
    open: (schema, onBadRecord, onProgress) => readText(spec, [source], schema, onBadRecord, onProgress),
  };
}

function readText(spec: TextInputSpec, sources: readonly ReadSource[], schema: DatasetSchema, onBadRecord: (r: BadRecord) => void, onProgress: (bytes: number) => void): AsyncIterable<Batch> {
  if (spec.format === 'jsonl') return readJsonLines(sources, { schema, mode: spec.onBadRecord, onBadRecord, onProgress });
  return readCsv(sources, {
    schema,
    mode: spec.onBadRecord,
    onBadRecord,
    onProgress,
    header: spec.header,
    delimiter: spec.delimiter,
    quote: spec.quote,
    ...(spec.nullValue !== undefined ? { nullValue: spec.nullValue } : {}),
  });
}

/** Reads only the used columns of a Parquet input and passes the others on as null columns. */
async function* readUsedColumns(listed: Awaited<ReturnType<typeof listInputFiles>>, schema: DatasetSchema, used: readonly boolean[], onProgress: (bytes: number) => void): AsyncGenerator<Batch> {
  const read = schemaOf(schema.fields.filter((_, i) => used[i]));
  const partitionColumns = listed.partitionColumns.filter((p) => read.fields.some((f) => f.name === p));
  for await (const b of readParquet(listed.files, { schema: read, partitionColumns, onProgress })) {
    let k = 0;
    yield { schema, length: b.length, columns: schema.fields.map((f, i) => (used[i] ? b.columns[k++] : nullColumn(f.type, b.length))) };
  }
}
