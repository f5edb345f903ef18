/**
 * Atomic commit of a run's output into the warehouse, with a journal.
 *
 * A run writes every file under a private staging folder. To commit, it writes a journal (one
 * atomic rename: the commit point) listing the moves that publish the staged files and retire
 * the replaced ones, plus the catalog update. The moves are then applied; a run killed before
 * the journal leaves the table untouched (its staging is swept later), one killed after it is
 * rolled forward by the next `etl` command. Each move can tell on its own whether it is done,
 * so replaying a journal is idempotent.
 */
import { promises as fs, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { processAlive, writeFileAtomic } from '../catalog/fs-atomic.ts';
import type { Metastore, PartitionDefinition, TableDefinition } from '../catalog/metastore.ts';
import { alignPartitions } from '../catalog/versioning.ts';

export const STAGING_DIR = '_etl_staging';
export const JOURNAL_DIR = '_etl_journal';
export const TRASH_DIR = '_etl_trash';

export type Move =
  /** Moves a published folder or file aside; done when the (run-unique) destination exists. */
  | { readonly kind: 'retire'; readonly from: string; readonly to: string }
  /** Moves a staged folder or file into place; done when the (run-unique) source is gone. */
  | { readonly kind: 'publish'; readonly from: string; readonly to: string };

export interface CatalogUpdate {
  readonly table: TableDefinition;
  readonly partitions: readonly PartitionDefinition[];
  /** true: the partitions replace the table's list (overwrite); false: they are upserted. */
  readonly replacePartitions: boolean;
  /** Partitions the run removed (a slice's partitions it produced no rows for), by values. */
  readonly droppedPartitions?: readonly (readonly (string | null)[])[];
}

export interface Journal {
  readonly runId: string;
  readonly createdAt: string;
  readonly moves: readonly Move[];
  readonly successMarker: string | null;
  readonly catalog: CatalogUpdate;
}

export interface RunDirs {
  readonly runId: string;
  readonly staging: string;
  readonly trash: string;
}

/** A run id that sorts by time and names its process, so stale staging can be recognized. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export function runDirs(warehouse: string, runId: string): RunDirs {
  return { runId, staging: path.join(warehouse, STAGING_DIR, runId), trash: path.join(warehouse, TRASH_DIR, runId) };
}

function journalPath(warehouse: string, runId: string): string {
  return path.join(warehouse, JOURNAL_DIR, `${runId}.json`);
}

/**
 * Commits: the journal write is the point of no return; the rest is `applyJournal`. A retire of
 * a folder that does not exist (a partition the run creates) is left out of the journal: its
 * only sign of being done would be a trash folder that never appears, so a replay after the
 * publish that follows it would retire the new data. The caller holds the table's lock, so what
 * exists now is what the moves find.
 */
export async function commit(warehouse: string, journal: Journal, metastore: Metastore, hooks: CommitHooks = {}): Promise<void> {
  const committed = { ...journal, moves: journal.moves.filter((m) => m.kind !== 'retire' || existsSync(m.from)) };
  await writeFileAtomic(journalPath(warehouse, committed.runId), JSON.stringify(committed, null, 2));
  await hooks.afterJournal?.();
  await applyJournal(warehouse, committed, metastore);
}

export interface CommitHooks {
  /** Test seam: runs right after the commit point. */
  readonly afterJournal?: () => Promise<void> | void;
}

export async function applyJournal(warehouse: string, journal: Journal, metastore: Metastore): Promise<void> {
  for (const move of journal.moves) {
    const done = move.kind === 'retire' ? existsSync(move.to) : !existsSync(move.from);
    if (done) continue;
    if (move.kind === 'retire' && !existsSync(move.from)) continue;
    await fs.mkdir(path.dirname(move.to), { recursive: true });
    await fs.rename(move.from, move.to);
  }
  if (journal.successMarker) await writeFileAtomic(journal.successMarker, '');
  const { table, partitions, replacePartitions, droppedPartitions } = journal.catalog;
  await metastore.ensureDatabase(table.database);
  await metastore.putTable(table);
  if (table.partitionKeys.length) {
    if (replacePartitions) await metastore.replacePartitions(table.database, table.name, partitions);
    else await metastore.upsertPartitions(table.database, table.name, partitions);
    await metastore.dropPartitions(table.database, table.name, droppedPartitions ?? []);
    await alignPartitions(metastore, table);
  }
  // The journal goes first: a 'retire' is known done only while its trash exists, so the trash
  // must outlive the journal. Leftover trash and staging without a journal are swept by recover().
  await fs.rm(journalPath(warehouse, journal.runId), { force: true });
  await fs.rm(path.join(warehouse, TRASH_DIR, journal.runId), { recursive: true, force: true });
  await fs.rm(path.join(warehouse, STAGING_DIR, journal.runId), { recursive: true, force: true });
}

export interface RecoveryReport {
  readonly rolledForward: string[];
  readonly sweptStaging: string[];
}

/**
 * Finishes commits interrupted after their commit point and removes staging left by runs that
 * died before theirs. Call it (under the table lock) before reading or writing the warehouse.
 */
export async function recover(warehouse: string, metastore: Metastore): Promise<RecoveryReport> {
  const rolledForward: string[] = [];
  const sweptStaging: string[] = [];
  const journals = listDir(path.join(warehouse, JOURNAL_DIR)).filter((f) => f.endsWith('.json')).sort();
  for (const f of journals) {
    const file = path.join(warehouse, JOURNAL_DIR, f);
    let journal: Journal;
    try {
      journal = JSON.parse(await fs.readFile(file, 'utf8')) as Journal;
    } catch {
      // A journal is written by rename, so an unreadable one is a leftover temp name; ignore it.
      continue;
    }
    // A live owner is still applying its own journal.
    if (ownerAlive(journal.runId)) continue;
    await applyJournal(warehouse, journal, metastore);
    rolledForward.push(journal.runId);
  }
  for (const runId of listDir(path.join(warehouse, STAGING_DIR))) {
    if (ownerAlive(runId)) continue;
    await fs.rm(path.join(warehouse, STAGING_DIR, runId), { recursive: true, force: true });
    sweptStaging.push(runId);
  }
  for (const runId of listDir(path.join(warehouse, TRASH_DIR))) {
    if (!journals.includes(`${runId}.json`)) await fs.rm(path.join(warehouse, TRASH_DIR, runId), { recursive: true, force: true });
  }
  return { rolledForward, sweptStaging };
}

function ownerAlive(runId: string): boolean {
  const pid = Number(runId.split('-')[1]);
  return Number.isInteger(pid) && pid > 0 && (pid === process.pid || processAlive(pid));
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

