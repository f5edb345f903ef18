/** The output table of a job. */
import type { z } from 'zod';
import type { Compression } from '../io/types.ts';
import type { Names } from './dataset.ts';

export type WriteMode = 'overwrite' | 'append' | 'overwrite-partitions';

import type { CompatibilityMode } from '../schema/evolution/compatibility.ts';

export type { CompatibilityMode };

export interface TableOutput<S extends z.ZodObject = z.ZodObject> {
  /** `database.table`, lowercase as Glue and Athena require. */
  readonly table: string;
  /** The declared schema; the transform's result must match it. Without one, the result's schema is the table's. */
  readonly schema?: S;
  readonly partitionBy: readonly string[];
  readonly mode: WriteMode;
  readonly compression: Compression;
  readonly compatibility: CompatibilityMode;
  readonly description?: string;
  readonly athenaProjection?: AthenaDateProjection;
}

/**
 * Athena partition projection for a table partitioned by one date column: Athena computes the
 * partitions from this range instead of the catalog, so a new day is queryable without being
 * registered. `to` defaults to 'NOW'.
 */
export interface AthenaDateProjection {
  readonly from: string;
  readonly to?: string;
}

/** N: the columns of the declared schema (any name without one). */
export interface TableOptions<N extends string = string> {
  readonly partitionBy?: readonly N[];
  /** Default: overwrite-partitions when partitioned, overwrite otherwise. */
  readonly mode?: WriteMode;
  /** Parquet compression (default snappy). */
  readonly compression?: Compression;
  readonly compatibility?: CompatibilityMode;
  readonly description?: string;
  readonly athenaProjection?: AthenaDateProjection;
}

export function table<S extends z.ZodObject>(name: string, schema?: S, options: TableOptions<Names<z.output<S>>> = {}): TableOutput<S> {
  const partitionBy = options.partitionBy ?? [];
  return Object.freeze({
    table: name,
    ...(schema ? { schema } : {}),
    partitionBy: Object.freeze([...partitionBy]),
    mode: options.mode ?? (partitionBy.length ? 'overwrite-partitions' : 'overwrite'),
    compression: options.compression ?? 'snappy',
    compatibility: options.compatibility ?? 'BACKWARD',
    ...(options.description ? { description: options.description } : {}),
    ...(options.athenaProjection ? { athenaProjection: Object.freeze({ ...options.athenaProjection }) } : {}),
  });
}
