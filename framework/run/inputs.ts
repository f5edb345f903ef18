/** Resolves a job's inputs to local files and opens the right reader for each. */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { nullColumn, type Batch, type Column } from '../columnar/column.ts';
import type { InputSpec } from '../dsl/sources.ts';
import { UsageError, displayPath } from '../errors/index.ts';
import { listInputFiles, type InputListing } from '../io/files.ts';
import { readJsonLines } from '../io/jsonl.ts';
import { readCsv } from '../io/csv.ts';
import { readParquet } from '../io/parquet.ts';
import { InputFileError, type InMemoryFile, type ReadEvents, type ReadSource } from '../io/types.ts';
import { schemaOf, type DataType, type DatasetSchema } from '../schema/types.ts';
import { fixedPrefix, renderWindow, templateNames, type TemplateWindow } from '../dsl/template.ts';

export interface ResolvedInput {
  readonly name: string;
  readonly spec: InputSpec;
  /**
   * Absolute local paths of files or folders. A windowed input lists the folders of its slice's
   * window, of which those that do not exist are skipped (Firehose writes no folder for an hour
   * without data); otherwise each must exist.
   */
  readonly locations: readonly string[];
  readonly windowed: boolean;
  /**
   * Where the input's objects are named from: the location a run over everything reads (the
   * template cut before its slice parameter). Ledger keys and input fingerprints are relative to it.
   */
  readonly root: string;
  /** A catalog table read by slice: only its partitions with `column` in [from, to). */
  readonly partitionRange?: PartitionRange;
  /** How the location was chosen, for messages: 'sample', '--input', 'env local' or 'table analytics.events'. */
  readonly origin: string;
  readonly format: 'jsonl' | 'csv' | 'parquet';
}

export interface PartitionRange {
  readonly column: string;
  readonly from: string;
  /** Exclusive. */
  readonly to: string;
}

/** One location, or the first and last of a window, for summaries and messages. */
export function describeLocations(locations: readonly string[]): string {
  if (locations.length === 1) return locations[0];
  return `${locations[0]} … ${locations[locations.length - 1]} (${locations.length} folders)`;
}

/**
 * A file input's local locations, from `--input`, or from the template that applies (the
 * sample's, or in a local environment the production `path` mapped to local folders), rendered
 * for the run's slice window, or cut to its fixed prefix for a run over everything.
 */
export interface FileInputRequest {
  readonly job: string;
  readonly name: string;
  readonly spec: Exclude<InputSpec, { format: 'table' }>;
  /** The template that applies and how its locations map to local paths; undefined without one. */
  readonly where: { readonly template: string; readonly origin: string; readonly toLocal: (location: string) => string } | undefined;
  readonly values: Readonly<Record<string, unknown>>;
  /** Parameters the run leaves out: a template is read from its fixed prefix before them. */
  readonly absent: ReadonlySet<string>;
  readonly sliceParams: ReadonlySet<string>;
  readonly window: TemplateWindow | undefined;
  /** A path given with --input. */
  readonly override: string | undefined;
}

export function resolveFileInput(r: FileInputRequest): ResolvedInput {
  const { name, spec, where } = r;
  if (r.override !== undefined) {
    const location = path.resolve(r.override);
    return checkedInput({ name, spec, locations: [location], root: location, windowed: false, origin: '--input', format: spec.format }, r.job);
  }
  if (!where) {
    throw new UsageError(`input '${name}' of job '${r.job}' has no local sample location`, `add sample: 'sample/...' to the input, or pass --input ${name}=<path>`);
  }
  const what = `${where.origin === 'sample' ? 'sample location' : 'location'} of input '${name}'`;
  const windowed = r.window !== undefined && templateNames(where.template).includes(r.window.param);
  const rendered = windowed ? renderWindow(where.template, r.values, r.window!, what) : [fixedPrefix(where.template, r.values, r.absent, what)];
  const root = where.toLocal(fixedPrefix(where.template, r.values, new Set([...r.absent, ...r.sliceParams]), what));
  return checkedInput({ name, spec, locations: rendered.map(where.toLocal), root, windowed, origin: where.origin, format: spec.format }, r.job);
}

function checkedInput(input: ResolvedInput, jobName: string): ResolvedInput {
  if (input.windowed) return input;
  const location = input.locations[0];
  if (!existsSync(location)) {
    throw new UsageError(
      `input '${input.name}' of job '${jobName}': ${displayPath(location)} does not exist (${input.origin})`,
      input.origin === 'sample' ? 'generate the sample with `npm run sample`, or point the input elsewhere with --input' : input.origin === '--input' ? 'check the path given to --input' : 'check the environment\'s mounts and root in etl.config.ts',
    );
  }
  return input;
}

export interface InputReader {
  readonly files: string[];
  readonly totalBytes: number;
  /**
   * `used` (per schema column) lets a Parquet input skip decoding columns nobody reads; they
   * arrive as nulls. JSON lines and CSV read every column: a value in an unread column can
   * still make the record bad.
   */
  open(schema: DatasetSchema, events: ReadEvents, used?: readonly boolean[]): AsyncIterable<Batch>;
}

/** The files of an input: every location listed, a window's missing folders skipped, a table's partitions selected. */
export async function listInput(input: ResolvedInput): Promise<InputListing> {
  const listings: InputListing[] = [];
  for (const location of input.locations) {
    if (input.windowed && !existsSync(location)) continue;
    try {
      listings.push(await listInputFiles(location, input.format));
    } catch (e) {
      // An hour folder of a window may hold only other files; the window as a whole must not be empty.
      if (!(input.windowed && e instanceof InputFileError && existsSync(location))) throw e;
    }
  }
  let files = listings.flatMap((l) => l.files);
  const partitionColumns = listings[0]?.partitionColumns ?? [];
  const range = input.partitionRange;
  if (range) {
    if (files.length && !partitionColumns.includes(range.column)) {
      throw new InputFileError(input.locations[0], `is not partitioned by ${range.column}, so the slice's partitions cannot be selected`, `partition the table by ${range.column}, or remove slice from the input`);
    }
    files = files.filter((f) => {
      const v = f.partition[range.column];
      return v !== null && v !== undefined && v >= range.from && v < range.to;
    });
  }
  if (!files.length && (input.windowed || range)) {
    const what = range ? `partitions with ${range.column} in [${range.from}, ${range.to})` : `${input.format === 'jsonl' ? 'JSON lines' : input.format.toUpperCase()} files`;
    throw new InputFileError(
      describeLocations(input.locations),
      `has no ${what} for this slice`,
      range ? 'run the job that writes the table for those days first' : "the slice has no data yet (nothing to replace it with); check the day, or the input's path and lateness",
    );
  }
  return { files, partitionColumns };
}

export async function openInput(input: ResolvedInput): Promise<InputReader> {
  return readerOf(input.spec, await listInput(input));
}

/** A reader over listed files (an incremental run passes only the files not yet processed). */
export function readerOf(spec: InputSpec, listed: InputListing): InputReader {
  const files = listed.files.map((f) => f.path);
  const totalBytes = listed.files.reduce((s, f) => s + f.size, 0);
  return {
    files,
    totalBytes,
    open(schema, events, used) {
      const { onProgress } = events;
      switch (spec.format) {
        case 'jsonl':
        case 'csv':
          return readText(spec, files, schema, events);
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
    open: (schema, events) => readText(spec, [source], schema, events),
  };
}

function readText(spec: TextInputSpec, sources: readonly ReadSource[], schema: DatasetSchema, events: ReadEvents): AsyncIterable<Batch> {
  if (spec.format === 'jsonl') return readJsonLines(sources, { schema, mode: spec.onBadRecord, ...events });
  return readCsv(sources, {
    schema,
    mode: spec.onBadRecord,
    ...events,
    header: spec.header,
    delimiter: spec.delimiter,
    quote: spec.quote,
    ...(spec.nullValue !== undefined ? { nullValue: spec.nullValue } : {}),
  });
}

/**
 * Reads only the used columns of a Parquet input and passes the others on as null columns. No
 * operator reads those, so batches of the same length share one (the reader's batches are
 * 65,536 rows: a new one per batch was 40-60 ms of allocation and GC per job at 1M rows).
 */
async function* readUsedColumns(listed: InputListing, schema: DatasetSchema, used: readonly boolean[], onProgress: ReadEvents['onProgress']): AsyncGenerator<Batch> {
  const read = schemaOf(schema.fields.filter((_, i) => used[i]));
  const partitionColumns = listed.partitionColumns.filter((p) => read.fields.some((f) => f.name === p));
  const placeholders = new Map<string, Column>();
  const placeholder = (i: number, type: DataType, length: number): Column => {
    const key = `${i}:${length}`;
    let c = placeholders.get(key);
    if (!c) placeholders.set(key, (c = nullColumn(type, length)));
    return c;
  };
  for await (const b of readParquet(listed.files, { schema: read, partitionColumns, onProgress })) {
    let k = 0;
    yield { schema, length: b.length, columns: schema.fields.map((f, i) => (used[i] ? b.columns[k++] : placeholder(i, f.type, b.length))) };
  }
}
