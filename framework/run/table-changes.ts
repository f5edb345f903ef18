/**
 * What a committed run changes in its table: the folder moves that publish its staged
 * partitions and retire the ones they replace, and the catalog update. One function decides it
 * for every kind of run, and refuses, before anything moves, a change to a partition the run
 * does not own:
 *
 * - a run over everything: `overwrite` replaces the table, `overwrite-partitions` the partitions
 *   it produced, `append` adds files;
 * - a sliced run: `overwrite` and `overwrite-partitions` make the slice exactly the run's output
 *   (a partition of the slice it produced no rows for is removed), `append` adds files to it;
 * - an incremental run: each partition it merged is replaced by its merge.
 */
import path from 'node:path';
import type { WriteMode } from '../dsl/sinks.ts';
import type { Move } from '../io/commit.ts';
import { partitionPath } from '../io/hive.ts';
import type { WrittenPartition } from '../io/table-writer.ts';
import { ownsPartition, SliceOwnershipError, type SliceRun } from '../slices/slice.ts';

export interface TableChangeInput {
  readonly job: string;
  readonly mode: WriteMode;
  readonly partitionColumns: readonly string[];
  readonly slice: SliceRun | undefined;
  /** Replace each produced partition (an incremental run's merges), whatever the mode. */
  readonly merge: boolean;
  readonly written: readonly WrittenPartition[];
  /** The table's partitions before the run (from the catalog), by values. */
  readonly existing: readonly (readonly (string | null)[])[];
  readonly tableDir: string;
  readonly stagedTable: string;
  readonly trash: string;
}

export interface TableChange {
  readonly moves: Move[];
  /** true: the written partitions replace the catalog's list; false: they are upserted. */
  readonly replaceAll: boolean;
  /** Partitions of the slice the run produced no rows for: removed. */
  readonly dropped: readonly (readonly (string | null)[])[];
}

export function planTableChange(c: TableChangeInput): TableChange {
  const moves: Move[] = [];
  const publishFiles = (p: WrittenPartition) => {
    for (const f of p.files) moves.push({ kind: 'publish', from: path.join(c.stagedTable, p.relPath, f), to: path.join(c.tableDir, p.relPath, f) });
  };
  const replaceFolder = (relPath: string, n: number) => {
    moves.push({ kind: 'retire', from: path.join(c.tableDir, relPath), to: path.join(c.trash, String(n)) });
  };
  const partitioned = c.partitionColumns.length > 0;
  if (!partitioned || (!c.slice && !c.merge && c.mode === 'overwrite')) {
    if (c.mode === 'append') c.written.forEach(publishFiles);
    else {
      moves.push({ kind: 'retire', from: c.tableDir, to: path.join(c.trash, 'table') });
      moves.push({ kind: 'publish', from: c.stagedTable, to: c.tableDir });
    }
    return { moves, replaceAll: partitioned, dropped: [] };
  }

  // Whatever else happens, a run touches only partitions it owns: the last line of defence
  // behind the slice filter, checked before the first move.
  for (const p of c.written) {
    if (!ownsPartition(c.slice, c.partitionColumns, p.values)) throw new SliceOwnershipError(c.job, c.slice!.key, p.relPath);
  }
  if (c.mode === 'append' && !c.merge) {
    c.written.forEach(publishFiles);
    return { moves, replaceAll: false, dropped: [] };
  }
  const produced = new Set(c.written.map((p) => p.relPath));
  const dropped = c.slice ? c.existing.filter((v) => ownsPartition(c.slice, c.partitionColumns, v) && !produced.has(relPathOf(c.partitionColumns, v))) : [];
  let n = 0;
  for (const p of c.written) {
    replaceFolder(p.relPath, n++);
    moves.push({ kind: 'publish', from: path.join(c.stagedTable, p.relPath), to: path.join(c.tableDir, p.relPath) });
  }
  for (const v of dropped) replaceFolder(relPathOf(c.partitionColumns, v), n++);
  return { moves, replaceAll: false, dropped };
}

export function relPathOf(columns: readonly string[], values: readonly (string | null)[]): string {
  return partitionPath(columns.map((name, i) => ({ name, value: values[i] })));
}
