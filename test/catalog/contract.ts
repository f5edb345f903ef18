/**
 * The Metastore contract: what every implementation (LocalMetastore, GlueMetastore) must do,
 * run by each implementation's test file against a fresh, empty catalog.
 */
import { describe, expect, it } from 'vitest';
import { T } from '../../framework/schema/types.ts';
import type { CatalogColumn, Metastore, PartitionDefinition, TableDefinition } from '../../framework/catalog/metastore.ts';
import { applyTableChange, planTableChange, rollbackTable, SchemaCompatibilityError } from '../../framework/catalog/versioning.ts';
import { CatalogError } from '../../framework/errors/index.ts';

export interface ContractOptions {
  /** A fresh, empty metastore; `database` names are unique per call. */
  readonly create: () => Promise<Metastore>;
  /** moto ignores UpdateTable's VersionId and fails on BatchDeleteTableVersion: those are covered with mocks. */
  readonly enforcesVersionId: boolean;
  readonly supportsPrune: boolean;
}

const id: CatalogColumn = { name: 'event_id', type: T.string, nullable: false, comment: 'unique' };
const amount: CatalogColumn = { name: 'amount', type: T.float64, nullable: true };
const device: CatalogColumn = { name: 'device', type: { kind: 'struct', fields: [{ name: 'os', type: T.string, nullable: false }] }, nullable: true };
const dt: CatalogColumn = { name: 'dt', type: T.date, nullable: true };

export const tableDef = (columns: CatalogColumn[] = [id, amount, device], extra: Partial<TableDefinition> = {}): TableDefinition => ({
  database: 'analytics',
  name: 'events',
  location: 's3://lake/warehouse/analytics/events/',
  format: 'parquet',
  columns,
  partitionKeys: [dt],
  description: 'events',
  parameters: { classification: 'parquet', 'etl.compatibility': 'BACKWARD' },
  ...extra,
});

const partition = (day: string, columns: readonly CatalogColumn[] = [id, amount, device]): PartitionDefinition => ({
  values: [day],
  location: `s3://lake/warehouse/analytics/events/dt=${day}/`,
  columns,
});

export function metastoreContract(name: string, options: ContractOptions): void {
  describe(`Metastore contract: ${name}`, () => {
    it('creates databases and tables and reads them back exactly', async () => {
      const m = await options.create();
      expect(await m.getTable('analytics', 'events')).toBeUndefined();
      await m.ensureDatabase('analytics');
      await m.ensureDatabase('analytics');
      expect(await m.listDatabases()).toContain('analytics');
      const stored = await m.putTable(tableDef());
      expect(await m.listTables('analytics')).toEqual(['events']);
      const read = await m.getTable('analytics', 'events');
      expect(read).toMatchObject({ name: 'events', location: tableDef().location, description: 'events', columns: [id, amount, device], partitionKeys: [dt] });
      expect(read?.versionId).toBe(stored.versionId);
      expect(read?.parameters).toMatchObject(tableDef().parameters);
    });

    it('records a schema version only when the schema changes', async () => {
      const m = await options.create();
      await m.ensureDatabase('analytics');
      await applyTableChange(m, tableDef(), 'BACKWARD');
      const same = await applyTableChange(m, tableDef(), 'BACKWARD');
      expect(same.action).toBe('unchanged');
      const versionIdBefore = (await m.getTable('analytics', 'events'))!.versionId;
      await applyTableChange(m, tableDef(), 'BACKWARD');
      expect((await m.getTable('analytics', 'events'))!.versionId).toBe(versionIdBefore);

      const email: CatalogColumn = { name: 'email', type: T.string, nullable: true };
      const added = await applyTableChange(m, tableDef([id, amount, device, email]), 'BACKWARD');
      expect(added.changes.map((c) => c.kind)).toEqual(['column-added']);
      const versions = await m.getSchemaVersions('analytics', 'events');
      expect(versions).toHaveLength(2);
      expect(versions[0].columns.map((c) => c.name)).toEqual(['event_id', 'amount', 'device']);
      expect(versions[1].columns.map((c) => c.name)).toEqual(['event_id', 'amount', 'device', 'email']);
      expect(versions[0].version).toBeLessThan(versions[1].version);
      expect(added.version).toBe(versions[1].version);
    });

    it('refuses a breaking change and leaves the table as it was', async () => {
      const m = await options.create();
      await m.ensureDatabase('analytics');
      await applyTableChange(m, tableDef(), 'BACKWARD');
      const before = await m.getTable('analytics', 'events');
      const renamed = tableDef([{ ...id, name: 'id' }, amount, device]);
      const error = await applyTableChange(m, renamed, 'BACKWARD').catch((e) => e);
      expect(error).toBeInstanceOf(SchemaCompatibilityError);
      expect(error.message).toContain('column event_id renamed to id');
      expect(await m.getTable('analytics', 'events')).toEqual(before);
      expect(await m.getSchemaVersions('analytics', 'events')).toHaveLength(1);
      // NONE lets it through.
      await applyTableChange(m, renamed, 'NONE');
      expect(await m.getSchemaVersions('analytics', 'events')).toHaveLength(2);
    });

    it('keeps partitions, with null values, replacing those with the same values', async () => {
      const m = await options.create();
      await m.ensureDatabase('analytics');
      await m.putTable(tableDef());
      await m.upsertPartitions('analytics', 'events', [partition('2026-11-01'), partition('2026-11-02')]);
      await m.upsertPartitions('analytics', 'events', [{ ...partition('2026-11-02'), location: 's3://lake/moved/' }, { values: [null], location: 's3://lake/null/', columns: [id, amount, device] }]);
      const parts = await m.getPartitions('analytics', 'events');
      expect(parts.map((p) => [p.values[0], p.location])).toEqual(
        expect.arrayContaining([
          ['2026-11-01', partition('2026-11-01').location],
          ['2026-11-02', 's3://lake/moved/'],
          [null, 's3://lake/null/'],
        ]),
      );
      expect(parts).toHaveLength(3);
      expect(parts.find((p) => p.values[0] === '2026-11-01')?.columns).toEqual([id, amount, device]);
      await m.replacePartitions('analytics', 'events', [partition('2026-11-03')]);
      expect((await m.getPartitions('analytics', 'events')).map((p) => p.values)).toEqual([['2026-11-03']]);
    });

    it('drops the partitions named by their values, ignoring absent ones', async () => {
      const m = await options.create();
      await m.ensureDatabase('analytics');
      await m.putTable(tableDef());
      await m.upsertPartitions('analytics', 'events', [partition('2026-11-01'), partition('2026-11-02'), { values: [null], location: 's3://lake/null/', columns: [id, amount, device] }]);
      await m.dropPartitions('analytics', 'events', [['2026-11-02'], [null], ['2026-12-24']]);
      expect((await m.getPartitions('analytics', 'events')).map((p) => p.values)).toEqual([['2026-11-01']]);
      await m.dropPartitions('analytics', 'events', []);
      expect(await m.getPartitions('analytics', 'events')).toHaveLength(1);
    });

    it('writes and reads many partitions (batches and pages)', async () => {
      const m = await options.create();
      await m.ensureDatabase('analytics');
      await m.putTable(tableDef());
      const days = Array.from({ length: 230 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));
      await m.upsertPartitions('analytics', 'events', days.map((d) => partition(d)));
      const read = await m.getPartitions('analytics', 'events');
      expect(read.map((p) => p.values[0]).sort()).toEqual(days);
    });

    it('brings partitions written with an older schema in line when the schema changes', async () => {
      const m = await options.create();
      await m.ensureDatabase('analytics');
      await applyTableChange(m, tableDef(), 'BACKWARD');
      await m.upsertPartitions('analytics', 'events', [partition('2026-11-01'), partition('2026-11-02')]);
      const wider = tableDef([id, amount, device, { name: 'email', type: T.string, nullable: true }]);
      const plan = await planTableChange(m, wider, 'BACKWARD');
      expect(plan.stalePartitions.map((p) => p.values)).toEqual([['2026-11-01'], ['2026-11-02']]);
      const applied = await applyTableChange(m, wider, 'BACKWARD');
      expect(applied.stalePartitions).toHaveLength(2);
      expect((await planTableChange(m, wider, 'BACKWARD')).action).toBe('unchanged');
      for (const p of await m.getPartitions('analytics', 'events')) expect(p.columns?.map((c) => c.name)).toEqual(['event_id', 'amount', 'device', 'email']);
    });

    it('rolls back to an earlier schema as a new version, after checking the data written since', async () => {
      const m = await options.create();
      await m.ensureDatabase('analytics');
      await applyTableChange(m, tableDef(), 'BACKWARD');
      await applyTableChange(m, tableDef([id, amount, device, { name: 'email', type: T.string, nullable: true }]), 'BACKWARD');
      const [v1, v2] = await m.getSchemaVersions('analytics', 'events');
      const result = await rollbackTable(m, 'analytics', 'events', v1.version);
      expect(result.from).toBe(v2.version);
      const versions = await m.getSchemaVersions('analytics', 'events');
      expect(versions).toHaveLength(3);
      expect(versions[2].columns).toEqual(v1.columns);
      // History is not rewritten (moto moves the older versions' UpdateTime along, so compare the schemas).
      expect(versions.slice(0, 2).map((v) => [v.version, v.columns])).toEqual([v1, v2].map((v) => [v.version, v.columns]));
      await expect(rollbackTable(m, 'analytics', 'events', 99)).rejects.toThrow(/has no version 99/);

      // amount became a string in a later version: files written since cannot be read as double.
      await applyTableChange(m, tableDef([id, { ...amount, type: T.string }, device]), 'NONE');
      await expect(rollbackTable(m, 'analytics', 'events', v1.version)).rejects.toThrow(CatalogError);
    });

    if (options.enforcesVersionId) {
      it('refuses an update based on a version that is no longer current', async () => {
        const m = await options.create();
        await m.ensureDatabase('analytics');
        const first = await m.putTable(tableDef());
        await m.putTable(tableDef([id, amount]), { expectedVersionId: first.versionId });
        await expect(m.putTable(tableDef([id]), { expectedVersionId: first.versionId })).rejects.toThrow(/changed/);
      });
    }

    if (options.supportsPrune) {
      it('prunes old versions, never the current one', async () => {
        const m = await options.create();
        await m.ensureDatabase('analytics');
        for (let n = 1; n <= 4; n++) await applyTableChange(m, tableDef([id, ...Array.from({ length: n }, (_, i) => ({ name: `c${i}`, type: T.string, nullable: true }))]), 'BACKWARD');
        const before = await m.getSchemaVersions('analytics', 'events');
        expect(await m.pruneSchemaVersions('analytics', 'events', 2)).toEqual(before.slice(0, 2).map((v) => v.version));
        expect(await m.getSchemaVersions('analytics', 'events')).toEqual(before.slice(2));
        expect(await m.pruneSchemaVersions('analytics', 'events', 0)).toEqual([before[2].version]);
        expect(await m.getSchemaVersions('analytics', 'events')).toEqual(before.slice(3));
      });
    }
  });
}
