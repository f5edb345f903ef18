/**
 * What a table remembers of the runs that wrote it, next to the table (`<warehouse>/_etl_state/
 * <db>.<table>/`, and the same layout in S3 on the cluster), written by the run's own commit:
 *
 * - `slices/<slice>.json`: the last committed run of each slice, with its plan hash and input
 *   fingerprint, so a backfill skips a slice whose plan and inputs have not changed;
 * - `ledger/<run>.json`: the input objects each incremental run processed and the partitions it
 *   changed, so the next incremental run reads only new objects, exactly once.
 *
 * Readers of the table (Spark, Athena, DuckDB) never see these files: `_etl_state` is beside the
 * table's folder, not in it.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CommitError } from '../errors/index.ts';

export const STATE_DIR = '_etl_state';

export interface SliceRecord {
  readonly job: string;
  readonly slice: Readonly<Record<string, string>>;
  readonly planHash: string;
  readonly inputFingerprint: string;
  readonly runId: string;
  readonly committedAt: string;
  readonly rowsWritten: number;
  readonly partitions: readonly string[];
}

/** An input object as the ledger knows it: its key below the input's root location. */
export interface LedgerObject {
  readonly key: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface LedgerSegment {
  readonly job: string;
  readonly runId: string;
  readonly committedAt: string;
  readonly input: string;
  /** The input's root location the keys are relative to. */
  readonly root: string;
  readonly objects: readonly LedgerObject[];
  /** Partitions the run rewrote, as Hive paths (dt=2026-11-01). */
  readonly partitions: readonly string[];
}

export function tableStateDir(warehouse: string, database: string, table: string): string {
  return path.join(warehouse, STATE_DIR, `${database}.${table}`);
}

/** The file of a slice's record: `dt=2026-11-01.json` (several columns: `dt=2026-11-01,region=eu.json`). */
export function sliceRecordPath(stateDir: string, sliceKey: string): string {
  return path.join(stateDir, 'slices', `${sliceKey.replaceAll('/', ',')}.json`);
}

export function ledgerSegmentPath(stateDir: string, runId: string): string {
  return path.join(stateDir, 'ledger', `${runId}.json`);
}

export async function readSliceRecord(stateDir: string, sliceKey: string): Promise<SliceRecord | undefined> {
  return readJson<SliceRecord>(sliceRecordPath(stateDir, sliceKey));
}

/** Every committed segment of the ledger, oldest first. */
export async function readLedger(stateDir: string): Promise<LedgerSegment[]> {
  const dir = path.join(stateDir, 'ledger');
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const out: LedgerSegment[] = [];
  for (const n of names) {
    const segment = await readJson<LedgerSegment>(path.join(dir, n));
    if (segment) out.push(segment);
  }
  return out;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    // Written by rename as part of a commit, so a damaged file was edited by hand or by another tool.
    throw new CommitError(`${file} is not valid JSON (${(e as Error).message})`, 'restore it from a backup, or delete it: a backfill then reruns that slice, an incremental run re-reads those objects');
  }
}

/**
 * A digest of the input files a run reads, order-independent: per file its input, its key below
 * the input's root, size and modification time. The Spark driver computes the same digest
 * (deploy/spark/driver.py, input_fingerprint), and so does `etl backfill` from an S3 listing.
 */
export function inputFingerprint(files: readonly { readonly input: string; readonly key: string; readonly size: number; readonly mtimeMs: number }[]): string {
  const lines = files.map((f) => `${f.input}\t${f.key}\t${f.size}\t${f.mtimeMs}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
