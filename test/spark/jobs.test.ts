/**
 * The proof that offline equals cluster: every job of the test project (test/fixtures/project, a
 * copy of the examples) is compiled with `etl plan --out`
 * and run by the Spark driver on real local Spark (as its EMR step would, inputs from local
 * paths), and its Parquet output must equal `etl run`'s row for row, compared through DuckDB.
 * Downstream jobs read the upstream table each engine wrote itself.
 *
 *   scripts/setup-spark.sh && npm run test:spark
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { etl, etlJson, sandbox, PROJECT } from '../run/helpers.ts';
import { assertSparkInstalled, compareTables, sparkSubmit, type DriverRun } from './spark.ts';

interface LocalRun {
  readonly rowsRead: number;
  readonly badRecords: number;
  readonly output: { readonly location: string; readonly rowsWritten: number; readonly partitions: string[] };
}

interface PlanFile {
  readonly params: Readonly<Record<string, string>>;
  readonly inputs: readonly { readonly name: string; readonly format: string; readonly table?: string }[];
  readonly output: { readonly table: string };
}

const box = sandbox();
const sparkWarehouse = path.join(box.dir, 'spark-warehouse');
const local: Record<string, LocalRun> = {};
const spark: Record<string, DriverRun> = {};

function compile(job: string): { dir: string; plan: PlanFile } {
  const dir = path.join(box.dir, 'plans', job);
  const r = etl(box, ['plan', job, '--out', dir]);
  if (r.status !== 0) throw new Error(`etl plan ${job} failed:\n${r.stderr}`);
  return { dir, plan: JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as PlanFile };
}

/** Runs a job on Spark with its file inputs from the sample and its catalog tables from Spark's own earlier outputs. */
async function runOnSpark(job: string, files: Record<string, string>): Promise<DriverRun> {
  const { dir, plan } = compile(job);
  // The step passes the parameters the plan was compiled for (defaults here), as `etl plan` writes them.
  const params = Object.entries(plan.params).map(([k, v]) => `${k}=${v}`);
  const args = [...params, '--output-location', path.join(sparkWarehouse, job), '--quarantine-location', path.join(box.dir, 'spark-quarantine', job)];
  for (const input of plan.inputs) {
    if (input.format === 'table') args.push('--table', `${input.table}=${path.join(sparkWarehouse, 'events_clean')}`);
    else args.push('--input', `${input.name}=${path.join(PROJECT, files[input.name])}`);
  }
  const run = await sparkSubmit(path.join(dir, 'driver.py'), path.join(dir, 'plan.json'), args);
  if (run.status !== 0) throw new Error(`the driver failed on ${job} (exit ${run.status}): ${JSON.stringify(run.result)}`);
  return run;
}

describe('compiled plans on local Spark = the local engine', () => {
  beforeAll(() => {
    assertSparkInstalled();
    for (const job of ['events_clean', 'user_sessions', 'daily_kpis']) local[job] = etlJson<LocalRun>(box, ['run', job]);
  });

  it('events_clean: same rows, same bad records, same partitions', async () => {
    spark.events_clean = await runOnSpark('events_clean', { raw: 'sample/events' });
    const r = spark.events_clean.result;
    expect(r.status).toBe('succeeded');
    expect(r.badRecords).toBe(local.events_clean.badRecords);
    expect(r.rowsRead).toBe(local.events_clean.rowsRead);
    expect(r.output?.rowsWritten).toBe(local.events_clean.output.rowsWritten);
    expect(r.output?.partitions.map((p) => `dt=${p.dt}`)).toEqual(local.events_clean.output.partitions);
    const c = await compareTables(local.events_clean.output.location, path.join(sparkWarehouse, 'events_clean'));
    expect(c.sparkTypes).toEqual(c.localTypes);
    expect({ onlyLocal: c.onlyLocal, onlySpark: c.onlySpark }).toEqual({ onlyLocal: [], onlySpark: [] });
    expect(c.sparkRows).toBe(c.localRows);
  });

  for (const job of ['user_sessions', 'daily_kpis']) {
    it(`${job}: same rows from the upstream table Spark wrote`, async () => {
      expect(spark.events_clean, 'events_clean must run on Spark first').toBeDefined();
      spark[job] = await runOnSpark(job, { users: 'sample/users/users.csv' });
      const r = spark[job].result;
      expect(r.status).toBe('succeeded');
      // Rows read from the catalog table (and the CSV), counted as etl run counts them.
      expect(r.rowsRead).toBe(local[job].rowsRead);
      expect(r.output?.rowsWritten).toBe(local[job].output.rowsWritten);
      const c = await compareTables(local[job].output.location, path.join(sparkWarehouse, job));
      expect(c.sparkTypes).toEqual(c.localTypes);
      expect({ onlyLocal: c.onlyLocal, onlySpark: c.onlySpark }).toEqual({ onlyLocal: [], onlySpark: [] });
      expect(c.sparkRows).toBe(c.localRows);
    });
  }
});
