/**
 * The metastore contract: what the framework needs of a catalog. LocalMetastore implements it
 * on JSON files under .etl/; the Glue implementation lives in deploy/. Both are held to the
 * same contract tests.
 */
import type { DataType } from '../schema/types.ts';
import { CatalogError } from '../errors/index.ts';

export interface CatalogColumn {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly comment?: string;
}

export interface TableDefinition {
  readonly database: string;
  readonly name: string;
  readonly location: string;
  readonly format: 'parquet';
  readonly columns: readonly CatalogColumn[];
  readonly partitionKeys: readonly CatalogColumn[];
  readonly description?: string;
  readonly parameters: Readonly<Record<string, string>>;
}

export interface PartitionDefinition {
  /** Partition values in partitionKeys order, as Hive strings (null for the default partition). */
  readonly values: readonly (string | null)[];
  readonly location: string;
  /** The data columns the partition's files were written with (Glue keeps them per partition). */
  readonly columns?: readonly CatalogColumn[];
  readonly parameters?: Readonly<Record<string, string>>;
}

export interface SchemaVersion {
  readonly version: number;
  readonly createdAt: string;
  readonly columns: readonly CatalogColumn[];
  readonly partitionKeys: readonly CatalogColumn[];
}

export interface StoredTable extends TableDefinition {
  /** Increments on every change; updates may require the version they read (optimistic concurrency). */
  readonly versionId: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Metastore {
  listDatabases(): Promise<string[]>;
  ensureDatabase(name: string): Promise<void>;
  listTables(database: string): Promise<string[]>;
  getTable(database: string, name: string): Promise<StoredTable | undefined>;
  /** Creates or replaces the table definition. With `expectedVersionId`, fails if the table changed since it was read. */
  putTable(def: TableDefinition, options?: { expectedVersionId?: number }): Promise<StoredTable>;
  dropTable(database: string, name: string): Promise<void>;
  getPartitions(database: string, table: string): Promise<PartitionDefinition[]>;
  /** Adds partitions, replacing any with the same values. */
  upsertPartitions(database: string, table: string, partitions: readonly PartitionDefinition[]): Promise<void>;
  /** Removes the partitions with these values (in partitionKeys order); absent ones are ignored. */
  dropPartitions(database: string, table: string, values: readonly (readonly (string | null)[])[]): Promise<void>;
  /** Replaces the whole partition list (an overwrite of a partitioned table). */
  replacePartitions(database: string, table: string, partitions: readonly PartitionDefinition[]): Promise<void>;
  /** Every schema the table has had, oldest first; the last is the current one. */
  getSchemaVersions(database: string, table: string): Promise<SchemaVersion[]>;
  /** Deletes all but the newest `keep` schema versions (never the current one); returns the deleted version numbers. */
  pruneSchemaVersions(database: string, table: string, keep: number): Promise<number[]>;
}

/** The table changed between reading it and writing it (optimistic concurrency). */
export class VersionConflictError extends CatalogError {
  override readonly name: string = 'VersionConflictError';
}

export function qualifiedName(database: string, table: string): string {
  return `${database}.${table}`;
}
