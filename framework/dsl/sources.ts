/**
 * Inputs of a job. Each has a production location (S3, may use `{param}` templates) and a
 * local sample location used by `etl run`. The schema is a zod object from schemas/.
 */
import type { z } from 'zod';
import type { BadRecordMode } from '../io/types.ts';

interface FileInputBase<S extends z.ZodObject> {
  /** Production location, e.g. `s3://{bucket}/raw/events/{dt|yyyy/MM/dd}/`. */
  readonly path: string;
  /** Local sample location, relative to the project root (templates allowed). */
  readonly sample?: string;
  readonly schema: S;
  readonly description?: string;
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

/** A table in the catalog, usually the output of another job. */
export interface CatalogTableInput<S extends z.ZodObject = z.ZodObject> {
  readonly format: 'table';
  /** `database.table` */
  readonly table: string;
  /** Optional: by default the schema is the producing job's output schema. */
  readonly schema?: S;
  readonly description?: string;
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

export function catalogTable<S extends z.ZodObject = z.ZodObject>(table: string, options: { schema?: S; description?: string } = {}): CatalogTableInput<S> {
  return Object.freeze({ format: 'table', table, ...options });
}
