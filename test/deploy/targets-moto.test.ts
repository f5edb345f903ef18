/**
 * The Glue-job and EMR Serverless targets as a user runs them (the example project's `glue-dev`
 * and `serverless-dev` environments), through the real CLI and SDK against moto_server: deploy
 * creates what the target needs once, submit starts one run however often it is repeated,
 * `--wait` reaches the end and registers the partitions the driver reports, status lists runs.
 * (moto finishes Glue and EMR Serverless runs at once; the driver's summary is put where the
 * driver would write it.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetJobCommand, GetJobRunsCommand, GetPartitionsCommand, GlueClient } from '@aws-sdk/client-glue';
import { EMRServerlessClient, ListJobRunsCommand } from '@aws-sdk/client-emr-serverless';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startMoto, type Moto } from '../support/moto.ts';
import { copyOfTestProject, etlIn } from '../support/project.ts';

let moto: Moto;
let dir: string;
const etl = (...args: string[]) => etlIn(dir, args, { ...moto.env, ETL_POLL_INTERVAL_MS: '20' });
const json = (...args: string[]) => {
  const r = etl(...args, '--json');
  if (r.status !== 0) throw new Error(`etl ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
};
const client = <T>(C: new (config: object) => T) => new C({ region: moto.env.AWS_REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const DAY = ['--param', 'dt=2026-11-01'];

/** What the driver writes when its run ends: its summary at the run's result URI. */
async function driverSummary(env: string) {
  const plan = json('plan', 'events_clean', '--env', env, ...DAY);
  const summary = { status: 'succeeded', slice: 'dt=2026-11-01', rowsRead: 4188, output: { table: 'analytics_dev.events', location: plan.glue.tableInput.StorageDescriptor.Location, mode: 'overwrite-partitions', rowsWritten: 3861, partitions: [{ dt: '2026-11-01' }], partitionsRemoved: [] } };
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(plan.artifacts.resultUri)!;
  await client(S3Client).send(new PutObjectCommand({ Bucket: m[1], Key: m[2], Body: JSON.stringify(summary) }));
}

beforeAll(async () => {
  moto = await startMoto();
  dir = copyOfTestProject();
}, 30_000);
afterAll(() => moto?.stop());

describe('Glue jobs (glue-dev)', () => {
  it('deploy creates the Glue job once, with the driver as its script and bookmarks off; a second deploy changes nothing', async () => {
    json('bootstrap', '--env', 'glue-dev');
    const first = json('deploy', 'events_clean', '--env', 'glue-dev');
    expect(first.jobs[0].target).toEqual(['create Glue job lakeform-events_clean']);
    expect(first.jobs[0].uploaded).toContainEqual(expect.stringMatching(/^s3:\/\/acme-lake-dev\/etl\/drivers\/[0-9a-f]{16}\/driver\.py$/));
    const { Job } = await client(GlueClient).send(new GetJobCommand({ JobName: 'lakeform-events_clean' }));
    expect(Job?.Command?.ScriptLocation).toMatch(/\/etl\/drivers\/[0-9a-f]{16}\/driver\.py$/);
    expect(Job?.DefaultArguments).toMatchObject({ '--job-bookmark-option': 'job-bookmark-disable', '--enable-glue-datacatalog': 'true' });
    expect(Job?.GlueVersion).toBe('5.0');
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(Job!.Command!.ScriptLocation!)!;
    await client(S3Client).send(new HeadObjectCommand({ Bucket: m[1], Key: m[2] }));
    const second = json('deploy', 'events_clean', '--env', 'glue-dev');
    expect(second.changed).toBe(false);
    expect(second.jobs[0].target).toEqual([]);
  });

  it('submit starts one run however often it is repeated; --wait registers the partitions; status lists the run', async () => {
    const first = json('submit', 'events_clean', '--env', 'glue-dev', ...DAY);
    expect(first.run).toMatchObject({ target: 'glue', where: 'lakeform-events_clean', added: true, name: expect.stringMatching(/^etl:events_clean:[0-9a-f]{12}:dt=2026-11-01$/) });
    const second = json('submit', 'events_clean', '--env', 'glue-dev', ...DAY);
    expect(second.run).toMatchObject({ runId: first.run.runId, added: false, state: 'SUCCEEDED' });
    await driverSummary('glue-dev');
    const waited = json('submit', 'events_clean', '--env', 'glue-dev', ...DAY, '--wait');
    expect(waited.run.added).toBe(false);
    expect(waited.outcome).toMatchObject({ state: 'SUCCEEDED', partitionsRegistered: 1 });
    const runs = (await client(GlueClient).send(new GetJobRunsCommand({ JobName: 'lakeform-events_clean' }))).JobRuns!;
    expect(runs).toHaveLength(1);
    expect(runs[0].Arguments).toMatchObject({ '--etl-params': '{"dt":"2026-11-01"}', '--etl-run': first.run.name });
    const parts = (await client(GlueClient).send(new GetPartitionsCommand({ DatabaseName: 'analytics_dev', TableName: 'events' }))).Partitions!;
    expect(parts.map((p) => p.Values)).toEqual([['2026-11-01']]);
    const status = json('status', '--env', 'glue-dev');
    expect(status.runs).toEqual([expect.objectContaining({ job: 'events_clean', target: 'glue', runId: first.run.runId, state: 'SUCCEEDED' })]);
    // --force starts another run of the same identity, on purpose.
    expect(json('submit', 'events_clean', '--env', 'glue-dev', ...DAY, '--force').run.added).toBe(true);
  });
});

describe('EMR Serverless (serverless-dev)', () => {
  it('bootstrap creates the application once; submit starts one run however often it is repeated (moto ignores the client token: the check by name holds); --wait and status', async () => {
    const boot = json('bootstrap', '--env', 'serverless-dev');
    expect(boot.application).toMatchObject({ name: 'lakeform-dev', created: true });
    expect(json('bootstrap', '--env', 'serverless-dev').application).toMatchObject({ name: 'lakeform-dev', created: false, id: boot.application.id });
    json('deploy', 'events_clean', '--env', 'serverless-dev');
    const first = json('submit', 'events_clean', '--env', 'serverless-dev', ...DAY);
    expect(first.run).toMatchObject({ target: 'emrServerless', where: boot.application.id, added: true });
    expect(json('submit', 'events_clean', '--env', 'serverless-dev', ...DAY).run).toMatchObject({ runId: first.run.runId, added: false });
    await driverSummary('serverless-dev');
    expect(json('submit', 'events_clean', '--env', 'serverless-dev', ...DAY, '--wait').outcome).toMatchObject({ state: 'SUCCESS', partitionsRegistered: 1 });
    const runs = (await client(EMRServerlessClient).send(new ListJobRunsCommand({ applicationId: boot.application.id }))).jobRuns!;
    expect(runs.map((r) => r.name)).toEqual([first.run.name]);
    expect(json('status', '--env', 'serverless-dev').runs).toEqual([expect.objectContaining({ job: 'events_clean', target: 'emrServerless', runId: first.run.runId, state: 'SUCCESS' })]);
  });

  it('--cluster is refused on a target that is not EMR, saying why', () => {
    const r = etl('submit', 'events_clean', '--env', 'serverless-dev', '--cluster', 'j-ABC');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--cluster places EMR steps; environment serverless-dev runs jobs on emrServerless/);
  });
});
