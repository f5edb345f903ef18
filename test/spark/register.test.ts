/**
 * `--register-partitions` (what pipeline runs pass, since nobody waits on them to register
 * partitions): the driver adds the partitions it wrote to the table in the metastore, here the
 * local Spark's Hive metastore standing in for the Glue Data Catalog, and refuses to run when
 * the table is not there, before writing anything.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../run/helpers.ts';
import { generateLake } from '../fixtures/lake/generate.ts';
import { lakeProject } from '../support/lake.ts';
import { assertSparkInstalled, sparkSubmit } from './spark.ts';

beforeAll(() => assertSparkInstalled());

describe('the driver registers the partitions it writes', () => {
  it('adds the day to the table in the metastore; without the table it refuses and writes nothing', async () => {
    const p = lakeProject({ data: generateLake({ days: 2, users: 8 }) });
    const out = path.join(p.dir, 'plans', 'register');
    expect(p.etl(['plan', 'clean_events', '--env', 'spark', '--out', out]).status).toBe(0);
    const plan = path.join(out, 'plan.json');
    const hive = path.join(ROOT, 'test/spark/hive_table.py');
    const table = path.join(p.dir, '.lake/spark/local-lake/warehouse/lake/events');

    const refused = await sparkSubmit(path.join(out, 'driver.py'), plan, ['dt=2026-11-01', '--register-partitions']);
    expect(refused.status).toBe(2);
    expect(refused.result.error?.message).toMatch(/table lake\.events is not in the metastore, so its partitions cannot be registered; nothing was written/);
    expect(existsSync(table)).toBe(false);

    expect((await sparkSubmit(hive, plan, ['create'])).result).toMatchObject({ partitions: [] });
    const run = await sparkSubmit(path.join(out, 'driver.py'), plan, ['dt=2026-11-01', '--register-partitions']);
    expect(run.status, JSON.stringify(run.result)).toBe(0);
    expect((run.result as { partitionsRegistered?: number }).partitionsRegistered).toBe(1);
    expect((await sparkSubmit(hive, plan, ['partitions'])).result).toMatchObject({ partitions: ['dt=2026-11-01'] });
  }, 300_000);
});
