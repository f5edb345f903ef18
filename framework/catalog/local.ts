/**
 * The local catalog: one JSON document per table under `<root>/catalog/<db>/<table>.json`,
 * holding the table, its partitions and every schema version. Writes are atomic (temp file +
 * rename) and serialized by a lock file, so concurrent `etl` processes cannot lose an update.
 * A damaged file is an error naming it, never a silent reset.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CatalogError } from '../errors/index.ts';
import { sameColumns } from './versioning.ts';
import { withLock, writeFileAtomic, type LockInfo } from './fs-atomic.ts';
import { VersionConflictError, type CatalogColumn, type Metastore, type PartitionDefinition, type SchemaVersion, type StoredTable, type TableDefinition } from './metastore.ts';

interface TableDocument {
  readonly formatVersion: 1;
  readonly table: StoredTable;
  readonly partitions: PartitionDefinition[];
  readonly versions: SchemaVersion[];
}

export class LocalMetastore implements Metastore {
  /** @param root the catalog folder, normally `<project>/.etl/catalog` */
  constructor(
    readonly root: string,
    private readonly options: { onStaleLock?: (holder: LockInfo) => void; now?: () => Date } = {},
  ) {}

  private file(database: string, table: string): string {
    return path.join(this.root, database, `${table}.json`);
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  private locked<T>(purpose: string, fn: () => Promise<T>): Promise<T> {
    return withLock(path.join(this.root, '.lock'), purpose, fn, { timeoutMs: 30_000, onStale: this.options.onStaleLock });
  }

  async listDatabases(): Promise<string[]> {
    try {
      const entries = await fs.readdir(this.root, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  async ensureDatabase(name: string): Promise<void> {
    await fs.mkdir(path.join(this.root, name), { recursive: true });
  }

  async listTables(database: string): Promise<string[]> {
    try {
      const entries = await fs.readdir(path.join(this.root, database));
      return entries.filter((e) => e.endsWith('.json')).map((e) => e.slice(0, -5)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  private async read(database: string, table: string): Promise<TableDocument | undefined> {
    const file = this.file(database, table);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const damaged = (problem: string) =>
      new CatalogError(
        `the local catalog file ${file} is damaged (${problem})`,
        `restore it from version control or a backup, or delete it and rerun the job that writes ${database}.${table} to register the table again`,
      );
    let doc: TableDocument;
    try {
      doc = JSON.parse(text) as TableDocument;
    } catch (e) {
      throw damaged((e as Error).message);
    }
    if (doc?.formatVersion !== 1 || !doc.table || !Array.isArray(doc.partitions) || !Array.isArray(doc.versions)) throw damaged('unexpected structure');
    return doc;
  }

  private async write(doc: TableDocument): Promise<void> {
    await writeFileAtomic(this.file(doc.table.database, doc.table.name), JSON.stringify(doc, bigintReplacer, 2) + '\n');
  }

  async getTable(database: string, name: string): Promise<StoredTable | undefined> {
    return (await this.read(database, name))?.table;
  }

  async putTable(def: TableDefinition, options: { expectedVersionId?: number } = {}): Promise<StoredTable> {
    return this.locked(`update ${def.database}.${def.name}`, async () => {
      const existing = await this.read(def.database, def.name);
      if (options.expectedVersionId !== undefined && (existing?.table.versionId ?? 0) !== options.expectedVersionId) {
        throw new VersionConflictError(
          `${def.database}.${def.name} changed while it was being updated (version ${existing?.table.versionId ?? 0}, expected ${options.expectedVersionId})`,
          'another process updated the table; rerun to apply your change on top of it',
        );
      }
      const now = this.now();
      const table: StoredTable = {
        ...def,
        versionId: (existing?.table.versionId ?? 0) + 1,
        createdAt: existing?.table.createdAt ?? now,
        updatedAt: now,
      };
      const versions = existing?.versions ?? [];
      const last = versions[versions.length - 1];
      if (!last || !sameColumns(last.columns, def.columns) || !sameColumns(last.partitionKeys, def.partitionKeys)) {
        versions.push({ version: (last?.version ?? 0) + 1, createdAt: now, columns: def.columns, partitionKeys: def.partitionKeys });
      }
      await this.write({ formatVersion: 1, table, partitions: existing?.partitions ?? [], versions });
      return table;
    });
  }

  async dropTable(database: string, name: string): Promise<void> {
    await this.locked(`drop ${database}.${name}`, () => fs.rm(this.file(database, name), { force: true }));
  }

  async getPartitions(database: string, table: string): Promise<PartitionDefinition[]> {
    return (await this.read(database, table))?.partitions ?? [];
  }

  async upsertPartitions(database: string, table: string, partitions: readonly PartitionDefinition[]): Promise<void> {
    await this.updatePartitions(database, table, (existing) => {
      const byKey = new Map(existing.map((p) => [JSON.stringify(p.values), p]));
      for (const p of partitions) byKey.set(JSON.stringify(p.values), p);
      return [...byKey.values()];
    });
  }

  async dropPartitions(database: string, table: string, values: readonly (readonly (string | null)[])[]): Promise<void> {
    if (!values.length) return;
    const doomed = new Set(values.map((v) => JSON.stringify(v)));
    await this.updatePartitions(database, table, (existing) => existing.filter((p) => !doomed.has(JSON.stringify(p.values))));
  }

  async replacePartitions(database: string, table: string, partitions: readonly PartitionDefinition[]): Promise<void> {
    await this.updatePartitions(database, table, () => [...partitions]);
  }

  private async updatePartitions(database: string, table: string, update: (existing: PartitionDefinition[]) => PartitionDefinition[]): Promise<void> {
    await this.locked(`partitions of ${database}.${table}`, async () => {
      const doc = await this.read(database, table);
      if (!doc) throw new CatalogError(`table ${database}.${table} is not in the local catalog`, 'register the table before its partitions');
      const partitions = update(doc.partitions).sort((a, b) => compareValues(a.values, b.values));
      await this.write({ ...doc, partitions });
    });
  }

  async getSchemaVersions(database: string, table: string): Promise<SchemaVersion[]> {
    return (await this.read(database, table))?.versions ?? [];
  }

  async pruneSchemaVersions(database: string, table: string, keep: number): Promise<number[]> {
    return this.locked(`prune versions of ${database}.${table}`, async () => {
      const doc = await this.read(database, table);
      if (!doc) throw new CatalogError(`table ${database}.${table} is not in the local catalog`, 'run the job that writes it first (etl run <job>)');
      const cut = Math.max(0, doc.versions.length - Math.max(1, keep));
      const deleted = doc.versions.slice(0, cut).map((v) => v.version);
      if (deleted.length) await this.write({ ...doc, versions: doc.versions.slice(cut) });
      return deleted;
    });
  }
}

function compareValues(a: readonly (string | null)[], b: readonly (string | null)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
