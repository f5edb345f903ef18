/**
 * `etl deploy` over several jobs when the schema gate refuses one of them: the others are
 * deployed (or, with --atomic, none is), every job is summarized, and the exit code is 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startMoto, type Moto } from '../support/moto.ts';
import { ADD_NULLABLE_COLUMN, RENAME_COLUMN, applyEdits, copyOfTestProject, edit, etlIn } from '../support/project.ts';

let moto: Moto;
let dir: string;
const etl = (...args: string[]) => etlIn(dir, args, moto.env);
const planKeys = async () => {
  const s3 = new S3Client({ region: moto.env.AWS_REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'acme-lake-dev', Prefix: 'etl/artifacts/' }));
  return (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith('/plan.json')).sort();
};
const statuses = (out: { jobs: { job: string; status: string }[] }) => Object.fromEntries(out.jobs.map((j) => [j.job, j.status]));

beforeAll(async () => {
  moto = await startMoto();
  dir = copyOfTestProject();
  expect(etl('bootstrap', '--env', 'dev').status).toBe(0);
  expect(etl('deploy', '--env', 'dev').status).toBe(0);
  // events_clean (the second job of three) breaks its table's BACKWARD compatibility;
  // user_sessions (the third) changes its plan only.
  applyEdits(dir, ADD_NULLABLE_COLUMN);
  applyEdits(dir, RENAME_COLUMN);
  edit(dir, 'jobs/user_sessions.ts', [["rowCount({ min: 1 })", 'rowCount({ min: 2 })']]);
}, 60_000);
afterAll(() => moto?.stop());

describe('etl deploy of several jobs, one refused', () => {
  it('--atomic deploys nothing, and says why for every job', async () => {
    const before = await planKeys();
    const r = etl('deploy', '--env', 'dev', '--atomic', '--json');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(statuses(out)).toEqual({ daily_kpis: 'held back', events_clean: 'refused', user_sessions: 'held back' });
    expect(out.refused).toEqual(['analytics_dev.events']);
    expect(out.jobs[1].table.violations[0].change).toBe('column page renamed to page_path (string)');
    expect(out.pipelines).toEqual([]);
    expect(await planKeys()).toEqual(before);
  });

  it('without --atomic deploys the jobs the gate lets through, before and after the refused one', async () => {
    const before = await planKeys();
    const r = etl('deploy', '--env', 'dev', '--json');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    // daily_kpis reads analytics.events: its plan changed with that table's schema.
    expect(statuses(out)).toEqual({ daily_kpis: 'deployed', events_clean: 'refused', user_sessions: 'deployed' });
    const newPlans = out.jobs.flatMap((j: { uploaded?: string[] }) => (j.uploaded ?? []).filter((u) => u.endsWith('/plan.json')).map((u) => u.replace('s3://acme-lake-dev/', '')));
    expect(newPlans).toHaveLength(2);
    expect(await planKeys()).toEqual([...before, ...newPlans].sort());
  });

  it('prints a summary of every job and an error naming the refused change', () => {
    const r = etl('deploy', '--env', 'dev');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/events_clean\s*│\s*refused\s*│\s*analytics_dev\.events/);
    expect(r.stdout).toMatch(/user_sessions\s*│\s*unchanged/);
    expect(r.stderr).toContain('the schema gate refused 1 of 3 job(s); the other 2 went ahead');
    expect(r.stderr).toContain('column page renamed to page_path');
  });
});
