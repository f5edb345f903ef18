import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalMetastore } from './local.ts';
import { T } from '../schema/types.ts';
import type { TableDefinition } from './metastore.ts';
import { CatalogError } from '../errors/index.ts';

const table = (columns = [{ name: 'id', type: T.int64, nullable: false }]): TableDefinition => ({
  database: 'analytics',
  name: 'events',
  location: '/tmp/w/analytics/events',
  format: 'parquet',
  columns,
  partitionKeys: [{ name: 'dt', type: T.date, nullable: true }],
  parameters: { classification: 'parquet' },
});

const fresh = () => new LocalMetastore(mkdtempSync(path.join(tmpdir(), 'etl-catalog-')));

describe('LocalMetastore', () => {
  it('creates, reads and versions a table', async () => {
    const m = fresh();
    const first = await m.putTable(table());
    expect(first.versionId).toBe(1);
    expect((await m.getTable('analytics', 'events'))?.columns[0].name).toBe('id');
    await m.putTable(table());
    expect(await m.getSchemaVersions('analytics', 'events')).toHaveLength(1);
    await m.putTable(table([{ name: 'id', type: T.int64, nullable: false }, { name: 'x', type: T.string, nullable: true }]));
    const versions = await m.getSchemaVersions('analytics', 'events');
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(await m.listDatabases()).toEqual(['analytics']);
    expect(await m.listTables('analytics')).toEqual(['events']);
  });

  it('refuses an update based on a stale version', async () => {
    const m = fresh();
    await m.putTable(table());
    await m.putTable(table());
    await expect(m.putTable(table(), { expectedVersionId: 1 })).rejects.toThrow(/changed while it was being updated/);
  });

  it('upserts and replaces partitions, sorted', async () => {
    const m = fresh();
    await m.putTable(table());
    await m.upsertPartitions('analytics', 'events', [{ values: ['2026-11-02'], location: 'b' }, { values: ['2026-11-01'], location: 'a' }]);
    await m.upsertPartitions('analytics', 'events', [{ values: ['2026-11-02'], location: 'b2' }]);
    expect(await m.getPartitions('analytics', 'events')).toEqual([
      { values: ['2026-11-01'], location: 'a' },
      { values: ['2026-11-02'], location: 'b2' },
    ]);
    await m.replacePartitions('analytics', 'events', [{ values: [null], location: 'n' }]);
    expect(await m.getPartitions('analytics', 'events')).toEqual([{ values: [null], location: 'n' }]);
  });

  it('reports a damaged catalog file instead of resetting it', async () => {
    const m = fresh();
    mkdirSync(path.join(m.root, 'analytics'), { recursive: true });
    writeFileSync(path.join(m.root, 'analytics', 'events.json'), '{"formatVersion": 1, "table": ');
    const err = await m.getTable('analytics', 'events').catch((e) => e);
    expect(err).toBeInstanceOf(CatalogError);
    expect(err.message).toMatch(/events\.json is damaged/);
  });

  it('serializes concurrent updates from many writers without losing one', async () => {
    const m = fresh();
    await m.putTable(table());
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => m.upsertPartitions('analytics', 'events', [{ values: [`2026-11-${String(i + 1).padStart(2, '0')}`], location: String(i) }])),
    );
    expect(await m.getPartitions('analytics', 'events')).toHaveLength(20);
  });
});
