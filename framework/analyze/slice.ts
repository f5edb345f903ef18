/**
 * Binds a job's slice declaration (`slice: 'dt'`) to its output and parameters, and the time
 * windows of its inputs (`lateness`, a catalog table's `slice`), so a mistake is an analysis
 * error naming the job file before anything is read.
 */
import type { z } from 'zod';
import { sliceColumnsOf, type JobDefinition } from '../dsl/job.ts';
import type { InputSpec } from '../dsl/sources.ts';
import type { Step } from '../plan/nodes.ts';
import { fromZodType } from '../schema/zod.ts';
import { typeToString, type DatasetSchema, type Field } from '../schema/types.ts';
import { didYouMean } from '../errors/index.ts';
import { templateNames } from '../dsl/template.ts';
import { DURATION_HINT, parseDuration } from '../slices/duration.ts';
import type { BoundOutput } from './output.ts';
import { fail } from './expressions.ts';

export interface BoundSlice {
  /** The partition columns a run owns, in the table's partition order; each is also a parameter. */
  readonly columns: readonly Field[];
  /** What to do with output rows of partitions outside the slice. */
  readonly outside: 'drop' | 'fail';
  /** The date column whose day is the slice's time window (input lateness, table windows). */
  readonly timeColumn?: string;
}

/** How far around its slice a run reads each windowed input, in milliseconds. */
export interface InputWindow {
  /** Before the slice's start (a table's lookback). */
  readonly beforeMs: number;
  /** After the slice's end (a file input's lateness, a table's lookahead). */
  readonly afterMs: number;
  /** For a catalog table: its date partition column that the window selects on. */
  readonly column?: string;
}

export interface BoundSlicing {
  readonly slice?: BoundSlice;
  /** Inputs read through a window of the slice, by input name. */
  readonly windows: Readonly<Record<string, InputWindow>>;
}

const COMPATIBLE: Readonly<Record<string, readonly string[]>> = {
  date: ['date'],
  string: ['string'],
  int32: ['int32', 'int64'],
  int64: ['int32', 'int64'],
  boolean: ['boolean'],
};

export function bindSlicing(job: JobDefinition, output: BoundOutput, inputSchemas: Readonly<Record<string, DatasetSchema>>, ctx: { job: string; file?: string }): BoundSlicing {
  const at = (label: string): { job: string; file?: string; step: Step } => ({ job: ctx.job, ...(ctx.file ? { file: ctx.file } : {}), step: { label } });
  const slice = job.slice === undefined ? undefined : bindSlice(job, output, at('slice'));
  const windows: Record<string, InputWindow> = {};
  for (const [name, spec] of Object.entries(job.inputs)) {
    const window = bindWindow(name, spec, slice, inputSchemas[name], at(`input '${name}'`));
    if (window) windows[name] = window;
  }
  return { ...(slice ? { slice } : {}), windows };
}

function bindSlice(job: JobDefinition, output: BoundOutput, s: { job: string; file?: string; step: Step }): BoundSlice {
  const spec = job.slice!;
  const by = sliceColumnsOf(job);
  const outside = typeof spec === 'string' ? 'drop' : (spec.outside ?? 'drop');
  if (!by.length) fail(s, 'the slice names no column', "name the partition column a run owns, e.g. slice: 'dt'");
  const partitionNames = output.partitionColumns.map((f) => f.name);
  const params = ((job.params as z.ZodObject | undefined)?.shape ?? {}) as Record<string, z.ZodType>;
  for (const name of by) {
    if (!partitionNames.includes(name)) {
      fail(
        s,
        `slice column '${name}' is not a partition column of ${output.database}.${output.table}`,
        partitionNames.length ? (didYouMean(name, partitionNames) ?? `its partition columns: ${partitionNames.join(', ')}`) : `partition the table: table('${output.database}.${output.table}', Schema, { partitionBy: ['${name}'] })`,
        name,
      );
    }
    const param = params[name];
    if (!param) fail(s, `slice column '${name}' has no parameter of the same name`, `add it to the job's params, e.g. params: z.object({ ${name}: z.iso.date().optional() })`, name);
    const column = output.partitionColumns.find((f) => f.name === name)!;
    const kind = fromZodType(param).type.kind;
    if (!(COMPATIBLE[column.type.kind] ?? []).includes(kind)) {
      fail(s, `parameter '${name}' is ${kind} but partition column '${name}' is ${typeToString(column.type)}`, `declare the parameter with the column's type${column.type.kind === 'date' ? ': z.iso.date()' : ''}`, name);
    }
  }
  const columns = output.partitionColumns.filter((f) => by.includes(f.name));
  const dates = columns.filter((f) => f.type.kind === 'date');
  return { columns, outside, ...(dates.length === 1 ? { timeColumn: dates[0].name } : {}) };
}

function bindWindow(name: string, spec: InputSpec, slice: BoundSlice | undefined, schema: DatasetSchema | undefined, s: { job: string; file?: string; step: Step }): InputWindow | undefined {
  const duration = (text: string | undefined, what: string): number => {
    if (text === undefined) return 0;
    const ms = parseDuration(text);
    if (ms === undefined) fail(s, `${what} '${text}' is not a duration`, DURATION_HINT);
    return ms;
  };
  const needsTime = (what: string): string => {
    if (!slice?.timeColumn) {
      fail(s, `${what} needs a slice by a date column`, slice ? `slice by exactly one date column, e.g. slice: 'dt' with dt: z.iso.date()` : "declare the job's slice, e.g. slice: 'dt' with params: z.object({ dt: z.iso.date().optional() })");
    }
    return slice.timeColumn;
  };
  if (spec.format === 'table') {
    if (!spec.slice) return undefined;
    needsTime(`reading ${spec.table} by slice`);
    const column = schema?.fields.find((f) => f.name === spec.slice!.column);
    if (!column) fail(s, `${spec.table} has no column '${spec.slice.column}' to select the slice's partitions by`, didYouMean(spec.slice.column, schema?.fields.map((f) => f.name) ?? []), spec.slice.column);
    if (column.type.kind !== 'date') fail(s, `slice column '${column.name}' of ${spec.table} is ${typeToString(column.type)}; a window selects on a date partition column`, undefined, column.name);
    return { beforeMs: duration(spec.slice.lookback, 'lookback'), afterMs: duration(spec.slice.lookahead, 'lookahead'), column: column.name };
  }
  if (spec.lateness === undefined) return undefined;
  const param = needsTime('lateness');
  if (!templateNames(spec.path).includes(param)) {
    fail(s, `lateness needs the path to name the slice's folders, but '${spec.path}' does not use {${param}}`, `write the arrival folders into the path, e.g. 's3://{bucket}/raw/events/{${param}|yyyy/MM/dd/HH}/'`);
  }
  return { beforeMs: 0, afterMs: duration(spec.lateness, 'lateness') };
}
