import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalMetastore } from '../catalog/local.ts';
import { T } from '../schema/types.ts';
import { JOURNAL_DIR, applyJournal, commit, newRunId, recover, runDirs, type Journal } from './commit.ts';

function setup() {
  const root = mkdtempSync(path.join(tmpdir(), 'etl-commit-'));
  const warehouse = path.join(root, 'warehouse');
  const metastore = new LocalMetastore(path.join(root, 'catalog'));
  const tableDir = path.join(warehouse, 'analytics', 'events');
  mkdirSync(path.join(tableDir, 'dt=2026-11-01'), { recursive: true });
  writeFileSync(path.join(tableDir, 'dt=2026-11-01', 'part-old.parquet'), 'old');
  const runId = newRunId();
  const dirs = runDirs(warehouse, runId);
  const staged = path.join(dirs.staging, 'table', 'dt=2026-11-01');
  mkdirSync(staged, { recursive: true });
  writeFileSync(path.join(staged, 'part-new.parquet'), 'new');
  const journal: Journal = {
    runId,
    createdAt: new Date().toISOString(),
    moves: [
      { kind: 'retire', from: path.join(tableDir, 'dt=2026-11-01'), to: path.join(dirs.trash, '0') },
      { kind: 'publish', from: staged, to: path.join(tableDir, 'dt=2026-11-01') },
    ],
    successMarker: path.join(tableDir, '_SUCCESS'),
    catalog: {
      table: { database: 'analytics', name: 'events', location: tableDir, format: 'parquet', columns: [{ name: 'id', type: T.int64, nullable: false }], partitionKeys: [{ name: 'dt', type: T.date, nullable: true }], parameters: {} },
      partitions: [{ values: ['2026-11-01'], location: path.join(tableDir, 'dt=2026-11-01') }],
      replacePartitions: false,
    },
  };
  return { warehouse, metastore, tableDir, journal, dirs };
}

describe('commit journal', () => {
  it('publishes staged data, retires the old, registers the catalog and cleans up', async () => {
    const { warehouse, metastore, tableDir, journal, dirs } = setup();
    await commit(warehouse, journal, metastore);
    expect(readFileSync(path.join(tableDir, 'dt=2026-11-01', 'part-new.parquet'), 'utf8')).toBe('new');
    expect(existsSync(path.join(tableDir, 'dt=2026-11-01', 'part-old.parquet'))).toBe(false);
    expect(existsSync(path.join(tableDir, '_SUCCESS'))).toBe(true);
    expect(existsSync(dirs.staging)).toBe(false);
    expect(existsSync(dirs.trash)).toBe(false);
    expect(existsSync(path.join(warehouse, JOURNAL_DIR, `${journal.runId}.json`))).toBe(false);
    expect(await metastore.getPartitions('analytics', 'events')).toHaveLength(1);
  });

  it('replaying a journal at any point of its moves ends in the same state', async () => {
    for (let stopAfter = 0; stopAfter <= 2; stopAfter++) {
      const { warehouse, metastore, tableDir, journal } = setup();
      // Apply the first `stopAfter` moves by hand, as a process killed mid-commit would have.
      const partial: Journal = { ...journal, moves: journal.moves.slice(0, stopAfter) };
      const { renameSync } = await import('node:fs');
      for (const m of partial.moves) {
        mkdirSync(path.dirname(m.to), { recursive: true });
        renameSync(m.from, m.to);
      }
      await applyJournal(warehouse, journal, metastore);
      expect(readFileSync(path.join(tableDir, 'dt=2026-11-01', 'part-new.parquet'), 'utf8')).toBe('new');
      expect(existsSync(path.join(tableDir, 'dt=2026-11-01', 'part-old.parquet'))).toBe(false);
    }
  });

  it('a run killed after publishing a new partition, before its journal is gone, keeps the partition when recovered', async () => {
    const { warehouse, metastore, tableDir, journal, dirs } = setup();
    // A partition the run creates: its folder does not exist yet, only its staging does.
    const fresh = path.join(dirs.staging, 'table', 'dt=2026-11-02');
    mkdirSync(fresh, { recursive: true });
    writeFileSync(path.join(fresh, 'part-new.parquet'), 'fresh');
    const withNew: Journal = {
      ...journal,
      runId: journal.runId.replace(`-${process.pid}-`, '-4194303-'),
      moves: [...journal.moves, { kind: 'retire', from: path.join(tableDir, 'dt=2026-11-02'), to: path.join(dirs.trash, '1') }, { kind: 'publish', from: fresh, to: path.join(tableDir, 'dt=2026-11-02') }],
    };
    // The process dies right after its last move, before it removes its journal.
    await commit(warehouse, withNew, metastore, {
      afterJournal: () => {
        throw new Error('killed');
      },
    }).catch(() => {});
    const { renameSync } = await import('node:fs');
    const written = JSON.parse(readFileSync(path.join(warehouse, JOURNAL_DIR, `${withNew.runId}.json`), 'utf8')) as Journal;
    expect(written.moves.map((m) => `${m.kind} ${path.basename(m.from)}`)).toEqual(['retire dt=2026-11-01', 'publish dt=2026-11-01', 'publish dt=2026-11-02']);
    for (const m of written.moves) {
      mkdirSync(path.dirname(m.to), { recursive: true });
      renameSync(m.from, m.to);
    }
    await recover(warehouse, metastore);
    expect(readFileSync(path.join(tableDir, 'dt=2026-11-02', 'part-new.parquet'), 'utf8')).toBe('fresh');
    expect(readFileSync(path.join(tableDir, 'dt=2026-11-01', 'part-new.parquet'), 'utf8')).toBe('new');
  });

  it('recover() rolls forward a journal whose process died and sweeps orphaned staging', async () => {
    const { warehouse, metastore, tableDir, journal, dirs } = setup();
    // A journal of a dead process (pid 2^22+1 does not exist on Linux's default pid_max... use an unlikely pid).
    const deadRun = journal.runId.replace(`-${process.pid}-`, '-4194301-');
    const deadDirs = runDirs(warehouse, deadRun);
    const { renameSync, writeFileSync: w } = await import('node:fs');
    mkdirSync(path.dirname(deadDirs.staging), { recursive: true });
    renameSync(dirs.staging, deadDirs.staging);
    const moves = journal.moves.map((m) => ({ ...m, from: m.from.replace(journal.runId, deadRun), to: m.to.replace(journal.runId, deadRun) }));
    mkdirSync(path.join(warehouse, JOURNAL_DIR), { recursive: true });
    w(path.join(warehouse, JOURNAL_DIR, `${deadRun}.json`), JSON.stringify({ ...journal, runId: deadRun, moves }));
    // and a staging folder of another dead run that never reached its commit point
    const orphan = runDirs(warehouse, '20260101T000000000Z-4194302-abc').staging;
    mkdirSync(orphan, { recursive: true });
    const report = await recover(warehouse, metastore);
    expect(report.rolledForward).toEqual([deadRun]);
    expect(report.sweptStaging).toContain('20260101T000000000Z-4194302-abc');
    expect(readFileSync(path.join(tableDir, 'dt=2026-11-01', 'part-new.parquet'), 'utf8')).toBe('new');
    expect(await metastore.getTable('analytics', 'events')).toBeDefined();
  });
});
