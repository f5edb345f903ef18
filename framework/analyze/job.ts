/**
 * A whole job analyzed for validated params: the bound plan in table column order, the output
 * table it binds to, its slicing and its checks. Every command consumes this one analysis, so
 * `etl plan` and `etl deploy` refuse exactly what `etl run` refuses.
 */
import { buildPlan, type JobDefinition } from '../dsl/job.ts';
import type { DatasetSchema } from '../schema/types.ts';
import { analyze } from './analyze.ts';
import type { BoundPlan } from './bound.ts';
import { bindChecks, type BoundCheck } from './checks.ts';
import { bindOutput, type BoundOutput } from './output.ts';
import { bindSlicing, type BoundSlicing } from './slice.ts';
import { SchemaDefinitionError } from '../schema/zod.ts';
import { JobLoadError } from '../errors/index.ts';

export interface AnalyzedJob {
  readonly plan: BoundPlan;
  readonly output: BoundOutput;
  readonly slicing: BoundSlicing;
  readonly checks: readonly BoundCheck[];
}

export function analyzeJob(job: JobDefinition, params: Record<string, unknown>, schemaOfTable: (table: string) => DatasetSchema, file?: string): AnalyzedJob {
  const ctx = { job: job.name, ...(file ? { file } : {}) };
  try {
    const built = buildPlan(job, params, schemaOfTable);
    const output = bindOutput(analyze(built.root, ctx), job.output, ctx);
    return { plan: output.plan, output, slicing: bindSlicing(job, output, built.inputSchemas, ctx), checks: bindChecks(job.checks ?? [], output, ctx) };
  } catch (e) {
    // A schema is mapped where it is used, far from the job: the message gets the job's file.
    if (e instanceof SchemaDefinitionError) throw new JobLoadError(file ?? `job '${job.name}'`, e.message, e.hint ?? "change the zod schema (the README's 'Schemas (zod 4 → columns)' lists the types a column can have)");
    throw e;
  }
}
