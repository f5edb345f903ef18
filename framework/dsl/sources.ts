/**
 * Inputs of a job. Each has a production location (S3, may use `{param}` templates) and a
 * local sample location used by `etl run`. The schema is a zod object from schemas/.
 */
import type { z } from 'zod';
import type { BadRecordMode } from '../io/types.ts';
import type { Names } from './dataset.ts';

interface FileInputBase<S extends z.ZodObject> {
  /** Production location, e.g. `s3://{bucket}/raw/events/{dt|yyyy/MM/dd}/`. */
  readonly path: string;
  /** Local sample location, relative to the project root (templates allowed). */
  readonly sample?: string;
  readonly schema: S;
  readonly description?: string;
  /**
   * How long after the end of a slice its rows may still arrive, e.g. '6h': the run for day D
   * also reads the folders the path names for D+1 up to 06:00 (the path must use the slice's
   * parameter, e.g. `{dt|yyyy/MM/dd/HH}`). Rows that arrive later are counted as outside the
   * slice by the run that reads them; incremental runs pick them up whatever their lateness.
   */
  readonly lateness?: string;
}

export interface JsonLinesInput<S extends z.ZodObject = z.ZodObject> extends FileInputBase<S> {
  readonly format: 'jsonl';
  /** What to do with records that are not valid JSON or do not fit the schema (default permissive: quarantine). */
  readonly onBadRecord: BadRecordMode;
}

export interface CsvInput<S extends z.ZodObject = z.ZodObject> extends FileInputBase<S> {
  readonly format: 'csv';
  readonly onBadRecord: BadRecordMode;
  readonly header: boolean;
  readonly delimiter: string;
  readonly quote: string;
  /** The text that means null (besides an empty unquoted field). */
  readonly nullValue?: string;
}

export interface ParquetInput<S extends z.ZodObject = z.ZodObject> extends FileInputBase<S> {
  readonly format: 'parquet';
}

/**
 * A table in the catalog, usually the output of another job. S types its rows in the transform:
 * `catalogTable<typeof EventClean>('analytics.events')` (the producing job's output schema; a
 * type only: at run time the schema is the catalog's, and the analyzer checks every name).
 */
export interface CatalogTableInput<S extends z.ZodObject = z.ZodObject> {
  readonly format: 'table';
  /** `database.table` */
  readonly table: string;
  /** Optional: by default the schema is the producing job's output schema. */
  readonly schema?: S;
  readonly description?: string;
  /** Which partitions a sliced run reads (default: all of them). */
  readonly slice?: TableSliceWindow;
}

/**
 * The partitions of a catalog-table input that a run of slice D reads: those whose `column` (a
 * date partition column) lies in [D - lookback, D + 1 day + lookahead). A run without a slice
 * reads every partition.
 */
export interface TableSliceWindow {
  readonly column: string;
  /** e.g. '1d': also the day before (a session that started yesterday and goes on today). */
  readonly lookback?: string;
  /** e.g. '1d': also the day after (a session that starts today and ends tomorrow). */
  readonly lookahead?: string;
}

export type FileInput = JsonLinesInput | CsvInput | ParquetInput;
export type InputSpec = FileInput | CatalogTableInput;

export function jsonLines<S extends z.ZodObject>(
  spec: Omit<JsonLinesInput<S>, 'format' | 'onBadRecord'> & { onBadRecord?: BadRecordMode },
): JsonLinesInput<S> {
  return Object.freeze({ format: 'jsonl', onBadRecord: 'permissive', ...spec });
}

export function csv<S extends z.ZodObject>(
  spec: Omit<CsvInput<S>, 'format' | 'onBadRecord' | 'header' | 'delimiter' | 'quote'> &
    Partial<Pick<CsvInput<S>, 'onBadRecord' | 'header' | 'delimiter' | 'quote'>>,
): CsvInput<S> {
  return Object.freeze({ format: 'csv', onBadRecord: 'permissive', header: true, delimiter: ',', quote: '"', ...spec });
}

export function parquet<S extends z.ZodObject>(spec: Omit<ParquetInput<S>, 'format'>): ParquetInput<S> {
  return Object.freeze({ format: 'parquet', ...spec });
}

export interface CatalogTableOptions<S extends z.ZodObject> {
  readonly schema?: S;
  readonly description?: string;
  /** `'dt'`: read the partitions of the run's slice; `{ column: 'dt', lookback: '1d' }` reads more. */
  readonly slice?: Names<z.output<S>> | (TableSliceWindow & { readonly column: Names<z.output<S>> });
}

export function catalogTable<S extends z.ZodObject = z.ZodObject>(table: string, options: CatalogTableOptions<S> = {}): CatalogTableInput<S> {
  const { slice, ...rest } = options;
  return Object.freeze({
    format: 'table',
    table,
    ...rest,
    ...(slice === undefined ? {} : { slice: Object.freeze(typeof slice === 'string' ? { column: slice } : { ...slice }) }),
  });
}
