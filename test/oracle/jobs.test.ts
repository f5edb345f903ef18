import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { concatBatches, emptyBatch, type Batch } from '../../framework/columnar/column.ts';
import { findProject } from '../../framework/run/project.ts';
import { prepareJob, runJob } from '../../framework/run/run-job.ts';
import { openInput } from '../../framework/run/inputs.ts';
import { runBoth } from './oracle.ts';
import { PROJECT } from '../run/helpers.ts';

/** Every example job: the local engine and DuckDB (same plan, compiled to SQL) agree row for row. */
describe('DuckDB oracle on the example jobs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-oracle-jobs-'));
  process.env.ETL_WAREHOUSE = path.join(dir, 'warehouse');
  process.env.ETL_STATE_DIR = path.join(dir, 'state');
  const project = findProject(PROJECT);

  for (const job of ['events_clean', 'user_sessions', 'daily_kpis']) {
    it(job, async () => {
      if (job !== 'events_clean') await runJob(project, 'events_clean');
      const prepared = await prepareJob(project, job);
      const inputs: Record<string, Batch> = {};
      for (const input of prepared.inputs) {
        const reader = await openInput(input);
        const schema = findScan(prepared.plan, input.name);
        const parts: Batch[] = [];
        for await (const b of reader.open(schema, { onBadRecord: () => {} })) parts.push(b);
        inputs[input.name] = parts.length ? concatBatches(schema, parts) : emptyBatch(schema);
      }
      const r = await runBoth(prepared.plan, inputs);
      expect(r.engine.length).toBeGreaterThan(0);
      expect(r.engine).toEqual(r.duckdb);
    });
  }
});

function findScan(plan: import('../../framework/analyze/bound.ts').BoundPlan, name: string): import('../../framework/schema/types.ts').DatasetSchema {
  const stack = [plan];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === 'scan' && n.input === name) return n.schema;
    if (n.kind === 'join') stack.push(n.left, n.right);
    else if (n.kind === 'union') stack.push(...n.inputs);
    else if (n.kind !== 'scan') stack.push(n.input);
  }
  throw new Error(`no scan of ${name}`);
}
