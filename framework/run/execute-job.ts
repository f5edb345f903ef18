/**
 * What every way of running a job shares (`etl run`, `etl preview`, `testJob`): the inputs
 * streamed through the engine, rows and bad records counted per input, the checks fed each
 * output batch, and each batch handed to a sink (the staged table writer, or memory).
 * Where the batches end up, and what a failed check means, is the caller's business.
 */
import type { BoundPlan } from '../analyze/bound.ts';
import type { Batch } from '../columnar/column.ts';
import { execute } from '../engine/execute.ts';
import { BadRecordError, type BadRecord } from '../io/types.ts';
import { lenientPaths, type DatasetSchema } from '../schema/types.ts';
import type { CheckResult, RunningCheck } from './checks.ts';
import type { InputReader } from './inputs.ts';
import { InputFailFastError } from './errors.ts';
import type { SpillSettings } from '../engine/spill/spill-file.ts';

export interface InputCounts {
  /** Rows the reader delivered (bad records not included). */
  rows: number;
  bad: number;
  /** Values of lenient fields read as null, by field path (in rows delivered). */
  readonly lenientNulls: Map<string, number>;
}

export interface InputBadRecord extends BadRecord {
  readonly input: string;
}

export interface ExecutedJob {
  readonly counts: ReadonlyMap<string, InputCounts>;
  readonly badRecords: readonly InputBadRecord[];
  readonly rowsFiltered: number;
  readonly checks: readonly CheckResult[];
}

export interface ExecuteJobOptions {
  readonly checks?: readonly RunningCheck[];
  /** Selects the output rows that are checked and written (a sliced run keeps its slice's rows). */
  readonly keep?: (batch: Batch) => Batch;
  readonly sink: (batch: Batch) => Promise<void> | void;
  /** Called as input bytes are consumed (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Where operators spill past the memory budget; without it they hold their input in memory. */
  readonly spill?: SpillSettings;
}

/** Runs the plan to its end. A bad record under 'failfast' becomes an InputFailFastError naming file and line. */
export async function executeJob(plan: BoundPlan, readers: ReadonlyMap<string, InputReader>, options: ExecuteJobOptions): Promise<ExecutedJob> {
  const totalBytes = [...readers.values()].reduce((s, r) => s + r.totalBytes, 0);
  let doneBytes = 0;
  const counts = new Map<string, InputCounts>([...readers.keys()].map((name) => [name, { rows: 0, bad: 0, lenientNulls: new Map<string, number>() }]));
  const badRecords: InputBadRecord[] = [];
  const checks = options.checks ?? [];
  let rowsFiltered = 0;
  try {
    const batches = execute(plan, {
      scan(inputName: string, schema: DatasetSchema, used: readonly boolean[]): AsyncIterable<Batch> {
        const reader = readers.get(inputName)!;
        const c = counts.get(inputName)!;
        // Every lenient field is reported, with 0 when all its values fit.
        for (const column of lenientPaths(schema.fields)) c.lenientNulls.set(column, 0);
        const source = reader.open(
          schema,
          {
            onBadRecord(r) {
              c.bad++;
              badRecords.push({ ...r, input: inputName });
            },
            onProgress(bytes) {
              doneBytes += bytes;
              options.onProgress?.(doneBytes, totalBytes);
            },
            onLenientNull(column) {
              c.lenientNulls.set(column, (c.lenientNulls.get(column) ?? 0) + 1);
            },
          },
          used,
        );
        return (async function* () {
          for await (const b of source) {
            c.rows += b.length;
            yield b;
          }
        })();
      },
      onRowsFiltered(n: number) {
        rowsFiltered += n;
      },
      ...(options.spill ? { spill: options.spill } : {}),
    });
    for await (const produced of batches) {
      const batch = options.keep ? options.keep(produced) : produced;
      if (batch.length === 0) continue;
      for (const ch of checks) ch.add(batch);
      await options.sink(batch);
    }
  } catch (e) {
    if (e instanceof BadRecordError) throw new InputFailFastError(e.record);
    throw e;
  }
  return { counts, badRecords, rowsFiltered, checks: checks.map((c) => c.result()) };
}
