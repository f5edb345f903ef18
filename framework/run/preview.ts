/** `etl preview`: the first rows of a job's output, computed like a run but written nowhere. */
import type { Batch } from '../columnar/column.ts';
import type { BoundPlan } from '../analyze/bound.ts';
import type { DatasetSchema } from '../schema/types.ts';
import { executeJob } from './execute-job.ts';
import { openInput } from './inputs.ts';
import { prepareJob, type RunOptions } from './run-job.ts';
import type { Project } from './project.ts';

export interface PreviewResult {
  readonly job: string;
  readonly table: string;
  readonly schema: DatasetSchema;
  readonly rows: readonly Batch[];
  readonly badRecords: number;
}

export async function previewJob(project: Project, jobName: string, limit: number, options: RunOptions = {}): Promise<PreviewResult> {
  const prepared = await prepareJob(project, jobName, options);
  const plan: BoundPlan = { kind: 'limit', step: { label: 'preview' }, schema: prepared.plan.schema, input: prepared.plan, count: limit };
  const readers = new Map(await Promise.all(prepared.inputs.map(async (i) => [i.name, await openInput(i)] as const)));
  const rows: Batch[] = [];
  const run = await executeJob(plan, readers, { sink: (b) => void rows.push(b) });
  return { job: prepared.loaded.job.name, table: prepared.loaded.job.output.table, schema: plan.schema, rows, badRecords: run.badRecords.length };
}
