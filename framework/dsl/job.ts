/** `defineJob`: the single source of truth for a job. */
import type { z } from 'zod';
import { fromZod } from '../schema/zod.ts';
import { withoutLenient, type DatasetSchema } from '../schema/types.ts';
import { Plan, type PlanNode } from '../plan/nodes.ts';
import type { Check } from './checks.ts';
import { Dataset, PlanContext, type Names } from './dataset.ts';
import type { InputSpec } from './sources.ts';
import type { TableOutput } from './sinks.ts';
import type { OutputMismatch } from './output-type.ts';
import { UsageError } from '../errors/index.ts';

// `schema?`: a catalog-table input may be typed by its schema's type alone (catalogTable<typeof S>).
type RowOf<I extends InputSpec> = I extends { readonly schema?: infer S extends z.ZodObject } ? z.output<S> : Record<string, unknown>;

export type InputDatasets<I extends Record<string, InputSpec>> = { [K in keyof I]: Dataset<RowOf<I[K]> & object> };

/**
 * The output partitions a run owns, named by the job parameters of the same name. With
 * `slice: 'dt'`, a run given `--param dt=2026-11-01` replaces partition dt=2026-11-01, whatever
 * rows it produces for it (none: the partition is removed), and writes nothing else: rows that
 * belong to other partitions are counted as outside the slice and dropped (`outside: 'drop'`,
 * the default) or fail the run before anything is written (`outside: 'fail'`). A run without
 * the slice's parameters owns every partition: a run over all the data.
 */
export type SliceSpec<K extends string = string> = K | { readonly by: K | readonly K[]; readonly outside?: 'drop' | 'fail' };

/**
 * P: the parameters, I: the inputs, O: the declared output schema (checks and partition columns
 * are typed by it), R: the rows the transform returns (checked against O by defineJob).
 */
export interface JobSpec<P extends z.ZodObject, I extends Record<string, InputSpec>, O extends z.ZodObject = z.ZodObject, R extends object = object> {
  /** Lowercase identifier, unique in the project; also the file name under jobs/. */
  readonly name: string;
  readonly description?: string;
  /** Run parameters, given as `--param k=v`. Give them `.default()` values that fit the sample data. */
  readonly params?: P;
  /** Which output partitions a run owns, by parameter (see SliceSpec). */
  readonly slice?: SliceSpec<keyof z.output<P> & string>;
  readonly inputs: I;
  // Method syntax (bivariant parameters), so a specific JobDefinition<P, I> is assignable to JobDefinition.
  transform(inputs: InputDatasets<I>, params: z.output<P>): Dataset<R>;
  readonly output: TableOutput<O>;
  readonly checks?: readonly Check<Names<z.output<O>>>[];
}

export interface JobDefinition<
  P extends z.ZodObject = z.ZodObject,
  I extends Record<string, InputSpec> = Record<string, InputSpec>,
  O extends z.ZodObject = z.ZodObject,
  R extends object = object,
> extends JobSpec<P, I, O, R> {
  readonly __kind: 'etl.job';
}

/**
 * Where the transform's result type can tell that it does not fit the declared output schema (a
 * missing or extra column, text where a number is declared), the transform's return type gets a
 * property named after the problem, so the compiler reports it on the transform (see OutputMismatch).
 * The check sits in the transform's own return type, under NoInfer: anywhere else in `spec` it
 * would make TypeScript settle R before the transform is read.
 */
export function defineJob<P extends z.ZodObject, I extends Record<string, InputSpec>, O extends z.ZodObject, R extends object>(
  spec: JobSpec<P, I, O, R> & { transform(inputs: InputDatasets<I>, params: z.output<P>): Dataset<R> & NoInfer<OutputMismatch<R, z.output<O>>> },
): JobDefinition<P, I, O, R> {
  return Object.freeze({ __kind: 'etl.job' as const, ...spec });
}

/** The partition columns (and parameters) a job's slice is by; none for a job without a slice. */
export function sliceColumnsOf(job: Pick<JobDefinition, 'slice'>): string[] {
  const spec = job.slice;
  if (spec === undefined) return [];
  if (typeof spec === 'string') return [spec];
  return typeof spec.by === 'string' ? [spec.by] : [...spec.by];
}

export function isJobDefinition(x: unknown): x is JobDefinition {
  return typeof x === 'object' && x !== null && (x as { __kind?: unknown }).__kind === 'etl.job';
}

/** The logical plan of a job for given (already validated) params, with each input's schema. */
export interface JobPlan {
  readonly root: PlanNode;
  readonly inputSchemas: Readonly<Record<string, DatasetSchema>>;
}

/**
 * Builds the plan by calling the transform on scan datasets. `schemaOfTable` gives the schema
 * of catalog-table inputs that do not declare one (the producing job's output).
 */
export function buildPlan(job: JobDefinition, params: Record<string, unknown>, schemaOfTable: (table: string) => DatasetSchema): JobPlan {
  const context = new PlanContext();
  const inputSchemas: Record<string, DatasetSchema> = {};
  const datasets: Record<string, Dataset> = {};
  for (const [name, spec] of Object.entries(job.inputs)) {
    // Input names become Spark temporary view names (input_<name>), which must be identifiers.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UsageError(`job '${job.name}': input name '${name}' is not an identifier`, 'name inputs with letters, digits and underscores, e.g. raw_events');
    }
    const declared = spec.schema ? fromZod(spec.schema) : spec.format === 'table' ? schemaOfTable(spec.table) : fromZod(spec.schema!);
    const schema = spec.format === 'jsonl' || spec.format === 'csv' ? declared : withoutLenient(declared);
    inputSchemas[name] = schema;
    datasets[name] = new Dataset(Plan.scan({ step: { label: `input '${name}'` }, input: name, schema }), context);
  }
  const result = job.transform(datasets as never, params as never);
  if (!(result instanceof Dataset)) {
    throw new TypeError(`job '${job.name}': transform must return a Dataset (got ${result === null ? 'null' : typeof result})`);
  }
  return { root: result.plan, inputSchemas };
}
