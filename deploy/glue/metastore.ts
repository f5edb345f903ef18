/**
 * The Metastore contract on the Glue Data Catalog. Every list call follows its pagination;
 * partition writes go in batches of at most 100 (25 for deletes), as Glue allows; UpdateTable
 * carries the VersionId it read, so a concurrent change surfaces as a VersionConflictError
 * that the versioning gate answers by re-reading and re-checking.
 */
import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  BatchDeleteTableVersionCommand,
  BatchUpdatePartitionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  DeleteTableCommand,
  GetTableCommand,
  paginateGetDatabases,
  paginateGetPartitions,
  paginateGetTables,
  paginateGetTableVersions,
  UpdateTableCommand,
  type Column,
  type GlueClient,
  type PartitionError,
  type Table,
} from '@aws-sdk/client-glue';
import { COLUMN_PARAMETERS, glueTableInput, storageDescriptor } from '../../framework/compile/glue.ts';
import { HiveTypeError, hiveType, parseHiveType } from '../../framework/schema/hive.ts';
import { HIVE_DEFAULT_PARTITION } from '../../framework/io/hive.ts';
import type { DataType } from '../../framework/schema/types.ts';
import { CatalogError } from '../../framework/errors/index.ts';
import { sameColumns } from '../../framework/catalog/versioning.ts';
import {
  VersionConflictError,
  qualifiedName,
  type CatalogColumn,
  type Metastore,
  type PartitionDefinition,
  type SchemaVersion,
  type StoredTable,
  type TableDefinition,
} from '../../framework/catalog/metastore.ts';
import { awsErrorCode, fromAws } from '../aws/errors.ts';

const CREATE_BATCH = 100;
const DELETE_BATCH = 25;
const VERSION_DELETE_BATCH = 100;

export class GlueMetastore implements Metastore {
  constructor(
    private readonly glue: GlueClient,
    private readonly options: { catalogId?: string } = {},
  ) {}

  private get catalog(): { CatalogId?: string } {
    return this.options.catalogId ? { CatalogId: this.options.catalogId } : {};
  }

  private async call<T>(action: string, resource: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw fromAws(e, action, resource);
    }
  }

  async listDatabases(): Promise<string[]> {
    const names: string[] = [];
    await this.call('glue:GetDatabases', 'the Glue catalog', async () => {
      for await (const page of paginateGetDatabases({ client: this.glue }, { ...this.catalog })) names.push(...(page.DatabaseList ?? []).map((d) => d.Name!));
    });
    return names.sort();
  }

  async ensureDatabase(name: string): Promise<void> {
    try {
      await this.glue.send(new CreateDatabaseCommand({ ...this.catalog, DatabaseInput: { Name: name } }));
    } catch (e) {
      if (awsErrorCode(e) === 'AlreadyExistsException') return;
      throw fromAws(e, 'glue:CreateDatabase', `database ${name}`);
    }
  }

  async listTables(database: string): Promise<string[]> {
    const names: string[] = [];
    await this.call('glue:GetTables', `database ${database}`, async () => {
      for await (const page of paginateGetTables({ client: this.glue }, { ...this.catalog, DatabaseName: database })) names.push(...(page.TableList ?? []).map((t) => t.Name!));
    });
    return names.sort();
  }

  async getTable(database: string, name: string): Promise<StoredTable | undefined> {
    try {
      const { Table: table } = await this.glue.send(new GetTableCommand({ ...this.catalog, DatabaseName: database, Name: name }));
      return table ? storedTable(database, table) : undefined;
    } catch (e) {
      if (awsErrorCode(e) === 'EntityNotFoundException') return undefined;
      throw fromAws(e, 'glue:GetTable', `table ${qualifiedName(database, name)}`);
    }
  }

  async putTable(def: TableDefinition, options: { expectedVersionId?: number } = {}): Promise<StoredTable> {
    const resource = `table ${qualifiedName(def.database, def.name)}`;
    const input = glueTableInput(def);
    const expected = options.expectedVersionId ?? (await this.getTable(def.database, def.name))?.versionId ?? 0;
    try {
      if (expected === 0) await this.glue.send(new CreateTableCommand({ ...this.catalog, DatabaseName: def.database, TableInput: input as never }));
      else await this.glue.send(new UpdateTableCommand({ ...this.catalog, DatabaseName: def.database, TableInput: input as never, VersionId: String(expected) }));
    } catch (e) {
      const code = awsErrorCode(e);
      if (code === 'ConcurrentModificationException' || (code === 'AlreadyExistsException' && expected === 0)) {
        throw new VersionConflictError(`${qualifiedName(def.database, def.name)} changed in Glue while it was being updated (${code})`, 'rerun to apply the change on top of the current table');
      }
      throw fromAws(e, expected === 0 ? 'glue:CreateTable' : 'glue:UpdateTable', resource);
    }
    const stored = await this.getTable(def.database, def.name);
    if (!stored) throw new CatalogError(`${resource} is missing right after it was written`, 'someone deleted it meanwhile; rerun');
    return stored;
  }

  async dropTable(database: string, name: string): Promise<void> {
    try {
      await this.glue.send(new DeleteTableCommand({ ...this.catalog, DatabaseName: database, Name: name }));
    } catch (e) {
      if (awsErrorCode(e) !== 'EntityNotFoundException') throw fromAws(e, 'glue:DeleteTable', `table ${qualifiedName(database, name)}`);
    }
  }

  async getPartitions(database: string, table: string): Promise<PartitionDefinition[]> {
    const out: PartitionDefinition[] = [];
    await this.call('glue:GetPartitions', `table ${qualifiedName(database, table)}`, async () => {
      for await (const page of paginateGetPartitions({ client: this.glue }, { ...this.catalog, DatabaseName: database, TableName: table })) {
        for (const p of page.Partitions ?? []) {
          out.push({
            values: (p.Values ?? []).map((v) => (v === HIVE_DEFAULT_PARTITION ? null : v)),
            location: p.StorageDescriptor?.Location ?? '',
            ...(p.StorageDescriptor?.Columns ? { columns: p.StorageDescriptor.Columns.map((c) => catalogColumn(c, qualifiedName(database, table))) } : {}),
            ...(p.Parameters && Object.keys(p.Parameters).length ? { parameters: p.Parameters } : {}),
          });
        }
      }
    });
    return out.sort((a, b) => compareValues(a.values, b.values));
  }

  async upsertPartitions(database: string, table: string, partitions: readonly PartitionDefinition[]): Promise<void> {
    if (!partitions.length) return;
    const stored = await this.getTable(database, table);
    if (!stored) throw new CatalogError(`table ${qualifiedName(database, table)} is not in Glue`, 'deploy the job first (etl deploy <job> --env <env>)');
    const existing = new Map((await this.getPartitions(database, table)).map((p) => [key(p.values), p]));
    const toCreate = partitions.filter((p) => !existing.has(key(p.values)));
    const toUpdate = partitions.filter((p) => {
      const old = existing.get(key(p.values));
      return old && (old.location !== p.location || !sameColumns(old.columns ?? [], p.columns ?? stored.columns));
    });
    const resource = `table ${qualifiedName(database, table)}`;
    for (const chunk of chunks(toCreate, CREATE_BATCH)) {
      const { Errors } = await this.call('glue:BatchCreatePartition', resource, () =>
        this.glue.send(new BatchCreatePartitionCommand({ ...this.catalog, DatabaseName: database, TableName: table, PartitionInputList: chunk.map((p) => partitionInput(p, stored)) })),
      );
      // A partition created meanwhile by someone else is updated instead; other failures are reported.
      const raced = (Errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode === 'AlreadyExistsException');
      failOn((Errors ?? []).filter((e) => !raced.includes(e)), 'create', resource);
      toUpdate.push(...chunk.filter((p) => raced.some((e) => key(e.PartitionValues ?? []) === key(p.values.map(hiveValue)))));
    }
    for (const chunk of chunks(toUpdate, CREATE_BATCH)) {
      const { Errors } = await this.call('glue:BatchUpdatePartition', resource, () =>
        this.glue.send(
          new BatchUpdatePartitionCommand({
            ...this.catalog,
            DatabaseName: database,
            TableName: table,
            Entries: chunk.map((p) => ({ PartitionValueList: p.values.map(hiveValue), PartitionInput: partitionInput(p, stored) })),
          }),
        ),
      );
      failOn((Errors ?? []).map((e) => ({ PartitionValues: e.PartitionValueList, ErrorDetail: e.ErrorDetail })), 'update', resource);
    }
  }

  async dropPartitions(database: string, table: string, values: readonly (readonly (string | null)[])[]): Promise<void> {
    const resource = `table ${qualifiedName(database, table)}`;
    for (const chunk of chunks(values, DELETE_BATCH)) {
      const { Errors } = await this.call('glue:BatchDeletePartition', resource, () =>
        this.glue.send(new BatchDeletePartitionCommand({ ...this.catalog, DatabaseName: database, TableName: table, PartitionsToDelete: chunk.map((v) => ({ Values: v.map(hiveValue) })) })),
      );
      // A partition someone else removed meanwhile is gone all the same.
      failOn((Errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode !== 'EntityNotFoundException'), 'delete', resource);
    }
  }

  async replacePartitions(database: string, table: string, partitions: readonly PartitionDefinition[]): Promise<void> {
    const keep = new Set(partitions.map((p) => key(p.values)));
    const gone = (await this.getPartitions(database, table)).filter((p) => !keep.has(key(p.values)));
    await this.dropPartitions(database, table, gone.map((p) => p.values));
    await this.upsertPartitions(database, table, partitions);
  }

  /** Glue keeps a version per UpdateTable; a schema version is a run of table versions with the same schema. */
  async getSchemaVersions(database: string, table: string): Promise<SchemaVersion[]> {
    const versions: SchemaVersion[] = [];
    for (const v of await this.tableVersions(database, table)) {
      const last = versions[versions.length - 1];
      if (last && sameColumns(last.columns, v.columns) && sameColumns(last.partitionKeys, v.partitionKeys)) continue;
      versions.push(v);
    }
    return versions;
  }

  async pruneSchemaVersions(database: string, table: string, keep: number): Promise<number[]> {
    const schemaVersions = await this.getSchemaVersions(database, table);
    const cut = schemaVersions.length - Math.max(1, keep);
    if (cut <= 0) return [];
    const firstKept = schemaVersions[cut].version;
    const doomed = (await this.tableVersions(database, table)).map((v) => v.version).filter((v) => v < firstKept);
    const resource = `table ${qualifiedName(database, table)}`;
    for (const chunk of chunks(doomed, VERSION_DELETE_BATCH)) {
      const { Errors } = await this.call('glue:BatchDeleteTableVersion', resource, () =>
        this.glue.send(new BatchDeleteTableVersionCommand({ ...this.catalog, DatabaseName: database, TableName: table, VersionIds: chunk.map(String) })),
      );
      if (Errors?.length) {
        throw new CatalogError(
          `Glue could not delete ${Errors.length} version(s) of ${qualifiedName(database, table)}: ${Errors.map((e) => `${e.VersionId}: ${e.ErrorDetail?.ErrorCode ?? ''} ${e.ErrorDetail?.ErrorMessage ?? ''}`.trim()).join('; ')}`,
          'rerun etl schema prune; versions already deleted stay deleted',
        );
      }
    }
    return schemaVersions.slice(0, cut).map((v) => v.version);
  }

  private async tableVersions(database: string, table: string): Promise<SchemaVersion[]> {
    const out: SchemaVersion[] = [];
    await this.call('glue:GetTableVersions', `table ${qualifiedName(database, table)}`, async () => {
      for await (const page of paginateGetTableVersions({ client: this.glue }, { ...this.catalog, DatabaseName: database, TableName: table })) {
        for (const v of page.TableVersions ?? []) {
          if (!v.Table || v.VersionId === undefined) continue;
          out.push({
            version: Number(v.VersionId),
            createdAt: (v.Table.UpdateTime ?? v.Table.CreateTime ?? new Date(0)).toISOString(),
            columns: (v.Table.StorageDescriptor?.Columns ?? []).map((c) => catalogColumn(c, qualifiedName(database, table))),
            partitionKeys: (v.Table.PartitionKeys ?? []).map((c) => catalogColumn(c, qualifiedName(database, table))),
          });
        }
      }
    });
    return out.sort((a, b) => a.version - b.version);
  }
}

function storedTable(database: string, t: Table): StoredTable {
  const created = (t.CreateTime ?? new Date(0)).toISOString();
  return {
    database,
    name: t.Name!,
    location: t.StorageDescriptor?.Location ?? '',
    format: 'parquet',
    columns: (t.StorageDescriptor?.Columns ?? []).map((c) => catalogColumn(c, qualifiedName(database, t.Name!))),
    partitionKeys: (t.PartitionKeys ?? []).map((c) => catalogColumn(c, qualifiedName(database, t.Name!))),
    ...(t.Description ? { description: t.Description } : {}),
    parameters: t.Parameters ?? {},
    versionId: Number(t.VersionId ?? 1),
    createdAt: created,
    updatedAt: (t.UpdateTime ?? t.CreateTime ?? new Date(0)).toISOString(),
  };
}

/** A Glue column as the catalog records it; the exact nested type and nullability come from our parameters when present and still true to the column's type. */
function catalogColumn(c: Column, table?: string): CatalogColumn {
  const hive = c.Type ?? 'string';
  let type: DataType;
  try {
    type = parseHiveType(hive);
  } catch (e) {
    if (!(e instanceof HiveTypeError)) throw e;
    throw new CatalogError(`column ${c.Name} of ${table ?? 'a Glue table'} has type ${hive}, which lakeform cannot read (${e.message})`, 'lakeform reads tables whose columns are Hive primitive, decimal, struct, array and map types');
  }
  const exact = c.Parameters?.[COLUMN_PARAMETERS.type];
  if (exact) {
    try {
      const parsed = JSON.parse(exact) as DataType;
      if (hiveType(parsed) === hiveType(type)) type = parsed;
    } catch {
      // Someone edited the parameter by hand; the Hive type name stands.
    }
  }
  return { name: c.Name!, type, nullable: c.Parameters?.[COLUMN_PARAMETERS.nullable] !== 'false', ...(c.Comment ? { comment: c.Comment } : {}) };
}

function partitionInput(p: PartitionDefinition, table: StoredTable) {
  return {
    Values: p.values.map(hiveValue),
    StorageDescriptor: storageDescriptor(p.location, p.columns ?? table.columns) as never,
    ...(p.parameters ? { Parameters: { ...p.parameters } } : {}),
  };
}

function hiveValue(v: string | null): string {
  return v ?? HIVE_DEFAULT_PARTITION;
}

function key(values: readonly (string | null)[]): string {
  return JSON.stringify(values.map((v) => v ?? HIVE_DEFAULT_PARTITION));
}

function failOn(errors: readonly PartitionError[], verb: string, resource: string): void {
  if (!errors.length) return;
  const shown = errors.slice(0, 5).map((e) => `(${(e.PartitionValues ?? []).join(', ')}): ${e.ErrorDetail?.ErrorCode ?? 'error'} ${e.ErrorDetail?.ErrorMessage ?? ''}`.trim());
  throw new CatalogError(
    `Glue could not ${verb} ${errors.length} partition(s) of ${resource}: ${shown.join('; ')}${errors.length > 5 ? `; and ${errors.length - 5} more` : ''}`,
    'the other partitions were written; rerun to retry the failed ones (partition writes are idempotent)',
  );
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function compareValues(a: readonly (string | null)[], b: readonly (string | null)[]): number {
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
