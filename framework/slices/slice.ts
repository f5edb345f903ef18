/**
 * The slice a run owns, resolved from its parameters: which output partitions it may replace,
 * and the time window its inputs are read over. A run given no slice parameter owns every
 * partition (a run over all the data).
 */
import type { BoundSlice, InputWindow } from '../analyze/slice.ts';
import { isValid, takeBatch, type Batch } from '../columnar/column.ts';
import { EtlError, ParamError, type Phase } from '../errors/index.ts';
import { partitionPath } from '../io/hive.ts';
import { partitionValueString } from '../io/table-writer.ts';
import type { DatasetSchema } from '../schema/types.ts';
import { DAY_MS } from './duration.ts';

export interface SliceRun {
  /** Partition values the run owns, by slice column, as Hive writes them ('2026-11-01'). */
  readonly values: Readonly<Record<string, string>>;
  /** `dt=2026-11-01`: the slice as a Hive path of its columns, in partition order. */
  readonly key: string;
  /** The day of the slice's date column, [startMs, endMs). */
  readonly period?: { readonly param: string; readonly startMs: number; readonly endMs: number };
}

/** The slice of a run with these (validated) params; undefined for a run over everything. */
export function resolveSlice(slice: BoundSlice | undefined, params: Readonly<Record<string, unknown>>, job: string): SliceRun | undefined {
  if (!slice) return undefined;
  const given = slice.columns.filter((c) => params[c.name] !== undefined);
  if (!given.length) return undefined;
  if (given.length < slice.columns.length) {
    const missing = slice.columns.filter((c) => params[c.name] === undefined).map((c) => c.name);
    throw new ParamError(
      `job '${job}' is sliced by ${slice.columns.map((c) => c.name).join(', ')}: give all of them or none (missing ${missing.join(', ')})`,
      `e.g. ${slice.columns.map((c) => `--param ${c.name}=...`).join(' ')}; without them the run reads and owns everything`,
    );
  }
  const values = Object.fromEntries(slice.columns.map((c) => [c.name, String(params[c.name])]));
  const key = partitionPath(slice.columns.map((c) => ({ name: c.name, value: values[c.name] })));
  if (!slice.timeColumn) return { values, key };
  const day = values[slice.timeColumn];
  const startMs = Date.parse(`${day}T00:00:00Z`);
  return { values, key, period: { param: slice.timeColumn, startMs, endMs: startMs + DAY_MS } };
}

/** The time span an input is read over for a slice: its period widened by the input's window. */
export function windowSpan(slice: SliceRun, window: InputWindow): { startMs: number; endMs: number } {
  const period = slice.period!;
  return { startMs: period.startMs - window.beforeMs, endMs: period.endMs + window.afterMs };
}

/** The date partitions [from, to) (yyyy-MM-dd, `to` exclusive) whose day overlaps the span. */
export function partitionDays(span: { startMs: number; endMs: number }): { from: string; to: string } {
  const floor = Math.floor(span.startMs / DAY_MS) * DAY_MS;
  const ceil = Math.ceil(span.endMs / DAY_MS) * DAY_MS;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(floor), to: day(ceil) };
}

/** Whether a partition (values in the table's partition order) belongs to the slice. */
export function ownsPartition(slice: SliceRun | undefined, partitionColumns: readonly string[], values: readonly (string | null)[]): boolean {
  if (!slice) return true;
  return partitionColumns.every((c, i) => !(c in slice.values) || slice.values[c] === values[i]);
}

/** A run's output would write a partition outside its slice (with `outside: 'fail'`). */
export class SliceOwnershipError extends EtlError {
  override readonly name: string = 'SliceOwnershipError';
  readonly phase: Phase = 'execution';
  constructor(
    readonly job: string,
    readonly slice: string,
    readonly partition: string,
  ) {
    super(
      `job '${job}' owns slice ${slice}, but its output has rows for partition ${partition}; nothing was written`,
      `a run replaces only its own slice: run the slice that owns ${partition} (--param ...), or set slice: { by: ..., outside: 'drop' } to count and drop such rows`,
    );
  }
}

/**
 * Keeps the output rows that belong to the run's slice and counts the others by partition
 * (they belong to other runs: late rows in a lateness window, neighbours read for context).
 */
export class SliceFilter {
  readonly outside = new Map<string, number>();
  private readonly partitionIndices: readonly number[];
  /** Per slice column: its index, the value the slice owns, and whether each raw value seen matches it. */
  private readonly tests: readonly { readonly index: number; readonly want: string; readonly seen: Map<unknown, boolean> }[];

  constructor(
    private readonly slice: SliceRun,
    private readonly schema: DatasetSchema,
    private readonly partitionColumns: readonly string[],
    private readonly onOutside: 'drop' | 'fail',
    private readonly job: string,
  ) {
    this.partitionIndices = partitionColumns.map((name) => schema.fields.findIndex((f) => f.name === name));
    this.tests = Object.entries(slice.values).map(([name, want]) => ({ index: schema.fields.findIndex((f) => f.name === name), want, seen: new Map() }));
  }

  get rowsOutside(): number {
    let n = 0;
    for (const c of this.outside.values()) n += c;
    return n;
  }

  keep(batch: Batch): Batch {
    const kept: number[] = [];
    for (let r = 0; r < batch.length; r++) {
      if (this.owns(batch, r)) {
        kept.push(r);
        continue;
      }
      const partition = partitionPath(this.partitionIndices.map((i, k) => ({ name: this.partitionColumns[k], value: partitionValueString(this.schema.fields[i], batch.columns[i], r) })));
      if (this.onOutside === 'fail') throw new SliceOwnershipError(this.job, this.slice.key, partition);
      this.outside.set(partition, (this.outside.get(partition) ?? 0) + 1);
    }
    return kept.length === batch.length ? batch : takeBatch(batch, kept);
  }

  /** Partition values are few: each distinct raw value is rendered and compared once. */
  private owns(batch: Batch, r: number): boolean {
    for (const t of this.tests) {
      const column = batch.columns[t.index];
      const raw = isValid(column, r) ? (column.data as ArrayLike<unknown>)[r] : NULL_KEY;
      let match = t.seen.get(raw);
      if (match === undefined) t.seen.set(raw, (match = partitionValueString(this.schema.fields[t.index], column, r) === t.want));
      if (!match) return false;
    }
    return true;
  }
}

const NULL_KEY = Symbol('null');
