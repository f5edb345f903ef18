/** `etl preview`: the first rows of a job's output, computed like a run but written nowhere. */
import type { Batch } from '../columnar/column.ts';
import { execute } from '../engine/execute.ts';
import type { BoundPlan } from '../analyze/bound.ts';
import type { DatasetSchema } from '../schema/types.ts';
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
  let bad = 0;
  const readers = new Map(await Promise.all(prepared.inputs.map(async (i) => [i.name, await openInput(i)] as const)));
  const rows: Batch[] = [];
  for await (const b of execute(plan, {
    scan: (name, schema, used) => readers.get(name)!.open(schema, () => bad++, () => {}, used),
  })) {
    rows.push(b);
  }
  return { job: prepared.loaded.job.name, table: prepared.loaded.job.output.table, schema: plan.schema, rows, badRecords: bad };
}
