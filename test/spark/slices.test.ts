/**
 * Runs over time on Spark: the compiled plans of the lake fixture, one per day, run by the Spark
 * driver on local Spark in the layout of a local environment (test/fixtures/lake, environment
 * `spark`), build the same tables as one run over everything on the local engine; incremental
 * runs of the driver as the objects arrive build the same table too; and the driver's input
 * fingerprint of a day is the local engine's, so a backfill recognises a day either one ran.
 * About 8 minutes: 25 Spark applications of 15 to 45 s each.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { generateLake, type LakeObject } from '../fixtures/lake/generate.ts';
import { LAKE_JOBS, LAKE_TABLES, lakeProject, sameRows, type LakeProject } from '../support/lake.ts';
import { assertSparkInstalled, sparkSubmit, type DriverRun } from './spark.ts';

const data = generateLake({ days: 7 });
let reference: LakeProject;

interface Summary {
  readonly rowsRead: number;
  readonly rowsOutsideSlice?: number;
  readonly inputFingerprint?: string;
  readonly incremental?: { readonly newFiles: number; readonly existingRows: number };
  readonly output: { readonly rowsWritten: number };
}

/** `etl plan <job> --env spark` for the day (or for everything), then the driver on local Spark. */
async function onSpark(p: LakeProject, job: string, params: Record<string, string>, extra: string[] = []): Promise<Summary> {
  const out = path.join(p.dir, 'plans', `${job}-${Object.values(params).join('-') || 'all'}`);
  const args = ['plan', job, '--env', 'spark', '--out', out, ...Object.entries(params).flatMap(([k, v]) => ['--param', `${k}=${v}`])];
  const planned = p.etl(args);
  if (planned.status !== 0) throw new Error(`etl ${args.join(' ')} failed:\n${planned.stderr}`);
  const run: DriverRun = await sparkSubmit(path.join(out, 'driver.py'), path.join(out, 'plan.json'), [...Object.entries(params).map(([k, v]) => `${k}=${v}`), ...extra]);
  if (run.status !== 0) throw new Error(`the driver failed on ${job} ${JSON.stringify(params)} (exit ${run.status}): ${JSON.stringify(run.result)}`);
  return run.result as unknown as Summary;
}

const sparkTable = (p: LakeProject, name: string) => path.join(p.dir, '.lake/spark/local-lake/warehouse/lake', name);

beforeAll(() => {
  assertSparkInstalled();
  reference = lakeProject({ data });
  for (const job of LAKE_JOBS) reference.etlJson(['run', job, '--env', 'local']);
});

describe('runs over time on Spark', () => {
  it('day by day, the three jobs build the tables one local run over everything builds; a day has the fingerprint the local engine gives it', async () => {
    const p = lakeProject({ data });
    for (const job of LAKE_JOBS) {
      for (const day of p.days) {
        const summary = await onSpark(p, job, { dt: day });
        if (job === 'clean_events' && day === p.days[2]) {
          const local = p.etlJson<{ inputFingerprint: string; rowsRead: number; rowsOutsideSlice: number; output: { rowsWritten: number } }>(['run', job, '--env', 'local', '--param', `dt=${day}`]);
          expect(summary.inputFingerprint).toBe(local.inputFingerprint);
          expect([summary.rowsRead, summary.output.rowsWritten, summary.rowsOutsideSlice]).toEqual([local.rowsRead, local.output.rowsWritten, local.rowsOutsideSlice]);
        }
      }
      const c = await sameRows(reference.table(LAKE_TABLES[job]), sparkTable(p, LAKE_TABLES[job]));
      expect({ job, ...c }).toEqual({ job, same: true, rows: [c.rows[0], c.rows[0]], onlyA: [], onlyB: [] });
    }
  }, 900_000);

  it('incremental runs of the driver as the objects arrive build the same events table', async () => {
    const p = lakeProject({ data, landAll: false });
    const batches = thirds(data.objects);
    for (const batch of batches) {
      p.land(batch);
      const summary = await onSpark(p, 'clean_events', {}, ['--incremental']);
      expect(summary.incremental?.newFiles).toBe(batch.length);
    }
    const again = await onSpark(p, 'clean_events', {}, ['--incremental']);
    expect(again.incremental?.newFiles).toBe(0);
    const c = await sameRows(reference.table('events'), sparkTable(p, 'events'));
    expect(c).toEqual({ same: true, rows: [c.rows[0], c.rows[0]], onlyA: [], onlyB: [] });
  }, 600_000);
});

describe('the driver under Glue\'s runner', () => {
  it('reads a Glue job run\'s arguments, ignores the ones Glue adds, and writes the day etl run writes', async () => {
    const p = lakeProject({ data });
    const day = p.days[3];
    const out = path.join(p.dir, 'plans', 'glue');
    const planned = p.etl(['plan', 'clean_events', '--env', 'spark', '--param', `dt=${day}`, '--out', out]);
    expect(planned.status, planned.stderr).toBe(0);
    // As Glue 5.0 starts a job run's script: its own arguments around the run's (framework/compile/glue-job.ts).
    const glueArgs = [
      '--JOB_ID', 'j_7b0f', '--JOB_RUN_ID', 'jr_5e1c', '--job-bookmark-option', 'job-bookmark-disable', '--JOB_NAME', 'lakeform-clean_events',
      '--TempDir', path.join(p.dir, 'glue-temp'), '--enable-glue-datacatalog', 'true', '--job-language', 'python',
      '--plan-uri', path.join(out, 'plan.json'), '--result-uri', path.join(p.dir, 'result.json'),
      '--etl-params', JSON.stringify({ dt: day }), '--etl-run', `etl:clean_events:x:dt=${day}`, '--enable-metrics', '--enable-continuous-cloudwatch-log', 'true',
    ];
    const run = await sparkSubmit(path.join(out, 'driver.py'), path.join(out, 'plan.json'), [], glueArgs);
    expect(run.status, JSON.stringify(run.result)).toBe(0);
    const c = await sameRows(path.join(reference.table('events'), `dt=${day}`), path.join(sparkTable(p, 'events'), `dt=${day}`));
    expect(c).toEqual({ same: true, rows: [c.rows[0], c.rows[0]], onlyA: [], onlyB: [] });
  }, 300_000);
});

function thirds(objects: readonly LakeObject[]): LakeObject[][] {
  const n = Math.ceil(objects.length / 3);
  return [objects.slice(0, n), objects.slice(n, 2 * n), objects.slice(2 * n)];
}
