/**
 * Incremental runs: a job over an input that only grows (Kinesis Firehose objects) runs on the
 * objects its table's ledger does not list yet, and merges the rows they give into the
 * partitions those rows belong to: each affected partition becomes its existing rows plus the
 * new ones, deduplicated by the job's own dropDuplicates (framework/analyze/merge.ts). The
 * ledger segment that lists the objects is committed by the same journal as the partitions, so
 * a killed or failed run changes neither, and no object is processed twice or skipped.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { BoundPlan } from '../analyze/bound.ts';
import { mergeRuleOf, type MergeRule } from '../analyze/merge.ts';
import type { Batch } from '../columnar/column.ts';
import { UsageError, displayPath } from '../errors/index.ts';
import { listInputFiles, type InputFile } from '../io/files.ts';
import { partitionValueString } from '../io/table-writer.ts';
import type { DatasetSchema } from '../schema/types.ts';
import { readLedger, type LedgerObject, type LedgerSegment } from '../slices/state.ts';
import { listInput, type InputReader, type ResolvedInput } from './inputs.ts';
import { relPathOf } from './table-changes.ts';
import type { PreparedJob } from './run-job.ts';

export interface IncrementalPlan {
  readonly input: ResolvedInput;
  /** The input's root folder; ledger keys are relative to it. */
  readonly root: string;
  /** Objects not processed yet, in listing order. */
  readonly newFiles: readonly InputFile[];
  /** Objects the ledger already lists. */
  readonly knownFiles: number;
  readonly rule: MergeRule;
}

/** Checks that the job can run incrementally and finds the objects not processed yet. */
export async function planIncremental(prepared: PreparedJob, stateDir: string): Promise<IncrementalPlan> {
  const { job } = prepared.loaded;
  function refuse(problem: string, hint: string): never {
    throw new UsageError(`job '${job.name}' cannot run incrementally: ${problem}`, hint);
  }
  if (prepared.slice) refuse(`--incremental processes every new object, whichever partition its rows belong to, so it takes no slice (--param ${Object.keys(prepared.slice.values).join(', --param ')})`, 'leave the slice parameters out');
  const fileInputs = prepared.inputs.filter((i) => i.spec.format !== 'table');
  if (fileInputs.length !== 1 || prepared.inputs.length !== 1) refuse('it must read exactly one input, of files', 'incremental runs suit jobs that clean one growing input (Firehose objects); run the others per slice');
  if (!prepared.output.partitionColumns.length || job.output.mode !== 'overwrite-partitions') refuse(`its output must be partitioned and written with mode 'overwrite-partitions' (it is ${job.output.mode})`, "new rows are merged into the partitions they belong to, which are then replaced");
  const merge = mergeRuleOf(prepared.plan);
  if (!merge.ok) refuse(merge.problem, 'an incremental run merges new rows by the job\'s dropDuplicates(keys, { orderBy }); run this job per slice instead (etl backfill)');

  const input = fileInputs[0];
  const root = input.root;
  const listed = await listInput(input);
  const known = ledgerObjects(await readLedger(stateDir), input.name);
  const newFiles: InputFile[] = [];
  let knownFiles = 0;
  for (const f of listed.files) {
    const key = keyOf(root, f.path);
    const seen = known.get(key);
    if (!seen) newFiles.push(f);
    else if (seen.size !== f.size) {
      throw new UsageError(
        `${displayPath(f.path)} changed since an incremental run processed it (${seen.size} bytes then, ${f.size} now)`,
        'incremental runs assume objects are never rewritten (as Firehose writes them); rebuild the affected days with etl backfill, or the table with a run over everything',
      );
    } else knownFiles++;
  }
  return { input, root, newFiles, knownFiles, rule: merge.rule };
}

/** The key of a file in the ledger: its path below the input's root, with '/' separators. */
export function keyOf(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

function ledgerObjects(segments: readonly LedgerSegment[], input: string): Map<string, LedgerObject> {
  const out = new Map<string, LedgerObject>();
  for (const s of segments) if (s.input === input) for (const o of s.objects) out.set(o.key, o);
  return out;
}

/**
 * Objects an incremental run merged into a slice's partitions that the slice's window does not
 * cover (rows that arrived later than the lateness): a rerun of the slice reads them too, so it
 * does not drop rows the table already has.
 */
export async function lateObjectsOf(stateDir: string, input: ResolvedInput, root: string, owned: (relPath: string) => boolean, listed: readonly InputFile[]): Promise<InputFile[]> {
  const have = new Set(listed.map((f) => keyOf(root, f.path)));
  const out = new Map<string, InputFile>();
  for (const segment of await readLedger(stateDir)) {
    if (segment.input !== input.name || !segment.partitions.some(owned)) continue;
    for (const o of segment.objects) {
      const file = path.join(root, ...o.key.split('/'));
      if (!have.has(o.key) && !out.has(o.key) && existsSync(file)) out.set(o.key, { path: file, size: o.size, mtimeMs: o.mtimeMs, partition: {} });
    }
  }
  return [...out.values()];
}

/** The partitions (Hive paths and values) that rows fall into. */
export function partitionsOf(batches: readonly Batch[], schema: DatasetSchema, partitionColumns: readonly string[]): Map<string, (string | null)[]> {
  const indices = partitionColumns.map((c) => schema.fields.findIndex((f) => f.name === c));
  const out = new Map<string, (string | null)[]>();
  for (const b of batches) {
    for (let r = 0; r < b.length; r++) {
      const values = indices.map((i) => partitionValueString(schema.fields[i], b.columns[i], r));
      const rel = relPathOf(partitionColumns, values);
      if (!out.has(rel)) out.set(rel, values);
    }
  }
  return out;
}

export const EXISTING = '__existing';
export const NEW_ROWS = '__new';

/** existing rows ∪ new rows, deduplicated by the job's rule: the merge of the affected partitions. */
export function mergePlan(schema: DatasetSchema, rule: MergeRule): BoundPlan {
  const column = (index: number) => ({ kind: 'column' as const, index, name: schema.fields[index].name, type: schema.fields[index].type });
  const identity = schema.fields.map((_, i) => i);
  const step = { label: `merge by ${rule.step}` };
  return {
    kind: 'deduplicate',
    step,
    schema,
    input: {
      kind: 'union',
      step,
      schema,
      inputs: [
        { kind: 'scan', step: { label: 'the partitions as they are' }, schema, input: EXISTING },
        { kind: 'scan', step: { label: 'the new rows' }, schema, input: NEW_ROWS },
      ],
      columnMaps: [identity, identity],
    },
    keys: rule.keys.map(column),
    orderBy: rule.orderBy.map((o) => ({ expr: column(o.index), ascending: o.ascending, nullsFirst: o.nullsFirst })),
  };
}

/** The existing files of the affected partitions of a table folder. */
export async function existingFiles(tableDir: string, partitionColumns: readonly string[], affected: ReadonlySet<string>): Promise<{ files: InputFile[]; partitionColumns: readonly string[] }> {
  if (!existsSync(tableDir)) return { files: [], partitionColumns };
  let listed;
  try {
    listed = await listInputFiles(tableDir, 'parquet');
  } catch {
    return { files: [], partitionColumns };
  }
  const files = listed.files.filter((f) => affected.has(relPathOf(partitionColumns, partitionColumns.map((c) => f.partition[c] ?? null))));
  return { files, partitionColumns };
}

/** Batches already in memory, as an input. */
export function batchesInput(batches: readonly Batch[]): InputReader {
  return {
    files: [],
    totalBytes: 0,
    open: () =>
      (async function* () {
        yield* batches;
      })(),
  };
}

