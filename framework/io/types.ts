/**
 * What every reader shares: the declared schema, how to treat records that do not fit it,
 * and where bad records are reported.
 */
import type { DatasetSchema } from '../schema/types.ts';
import { EtlError } from '../errors/index.ts';

/** Spark's read modes, with the same names. */
export type BadRecordMode = 'permissive' | 'dropmalformed' | 'failfast';

export interface BadRecord {
  /** Path of the source file, as given to the reader. */
  readonly file: string;
  /** 1-based line number in the (decompressed) file; for CSV the line where the record starts. */
  readonly line: number;
  /** What is wrong, naming the column when one is at fault: `user_id: "abc" is not a bigint`. */
  readonly reason: string;
  /** The record's text (truncated to a few KB). */
  readonly raw: string;
}

/**
 * Data held in memory under a name that stands for its file in bad records (testJob's rows:
 * `raw rows`), read exactly as a file with the same bytes would be.
 */
export interface InMemoryFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** What the text readers read: a file path, or bytes in memory. */
export type ReadSource = string | InMemoryFile;

export const sourceName = (s: ReadSource): string => (typeof s === 'string' ? s : s.name);

export interface ReadOptions {
  readonly schema: DatasetSchema;
  readonly mode: BadRecordMode;
  /** Called for each bad record in permissive and dropmalformed modes. */
  readonly onBadRecord: (r: BadRecord) => void;
  /**
   * Called once per value of a lenient field (Field.lenient) that did not fit and was read as null,
   * in a record that was kept; `column` is the field's path (`amount`, `device.os`).
   */
  readonly onLenientNull?: (column: string) => void;
  /** Rows per batch (default 65 536). */
  readonly batchSize?: number;
  /** Progress: called with bytes consumed from a file as reading advances. */
  readonly onProgress?: (bytes: number) => void;
}

/** What a reader reports as it reads, besides its batches. */
export type ReadEvents = Pick<ReadOptions, 'onBadRecord' | 'onProgress' | 'onLenientNull'>;

export class BadRecordError extends Error {
  override readonly name: string = 'BadRecordError';
  constructor(readonly record: BadRecord) {
    super(`${record.file}:${record.line}: ${record.reason}`);
  }
}

/** A file that cannot be read at all (missing, unreadable, a damaged Parquet footer, not gzip). */
export class InputFileError extends EtlError {
  override readonly name: string = 'InputFileError';
  readonly phase = 'input' as const;
  constructor(readonly file: string, readonly problem: string, hint?: string) {
    super(`${file}: ${problem}`, hint);
  }
}

export type Compression = 'snappy' | 'zstd' | 'gzip' | 'none';
