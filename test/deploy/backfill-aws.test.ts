/**
 * `etl backfill --env <aws>` (deploy/emr/backfill.ts) with S3 and Glue on moto_server and EMR
 * through aws-sdk-client-mock (moto's steps never finish). The driver's part (writing its
 * summary and the day's record after a completed step) is played by the mock: the driver itself
 * is proven on local Spark (test/spark/slices.test.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AddJobFlowStepsCommand, DescribeClusterCommand, DescribeStepCommand, EMRClient, ListClustersCommand, ListStepsCommand, RunJobFlowCommand } from '@aws-sdk/client-emr';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GlueClient } from '@aws-sdk/client-glue';
import type { AwsClients } from '../../deploy/aws/clients.ts';
import { backfillOnTarget, type TargetBackfillContext } from '../../deploy/targets/backfill.ts';
import { targetFor } from '../../deploy/targets/index.ts';
import { GlueMetastore } from '../../deploy/glue/metastore.ts';
import { inputFingerprintS3 } from '../../deploy/s3/run-state.ts';
import { parseS3Uri } from '../../deploy/s3/uri.ts';
import { compileJob, type CompiledJob } from '../../framework/compile/compile-job.ts';
import { loadEnvironment, type Environment } from '../../framework/config/config.ts';
import { findProject } from '../../framework/run/project.ts';
import { prepareJob } from '../../framework/run/run-job.ts';
import { inputFingerprint } from '../../framework/slices/state.ts';
import { generateLake } from '../fixtures/lake/generate.ts';
import { lakeProject, type LakeProject } from '../support/lake.ts';
import { startMoto, testClients, type Moto } from '../support/moto.ts';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const emr = new EMRClient({ region: 'eu-west-1', credentials });
const emrMock = mockClient(emr);
afterEach(() => emrMock.reset());

let moto: Moto;
let s3: S3Client;
let glue: GlueClient;
let project: LakeProject;
let env: Environment;
const data = generateLake({ days: 3, users: 10 });

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ region: 'eu-west-1', endpoint: moto.endpoint, forcePathStyle: true, credentials });
  glue = new GlueClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials });
  for (const Bucket of ['raw-bucket', 'lake-bucket']) await s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  for (const o of data.objects) await s3.send(new PutObjectCommand({ Bucket: 'raw-bucket', Key: `raw/events/${o.key}`, Body: o.bytes }));
  await s3.send(new PutObjectCommand({ Bucket: 'raw-bucket', Key: 'raw/events/_SUCCESS', Body: '' }));
  await new GlueMetastore(glue).ensureDatabase('lake');
  project = lakeProject({ data, importable: true, landAll: false });
  env = await loadEnvironment(project.dir, 'aws');
}, 60_000);
afterAll(() => moto?.stop());

const clients = (): AwsClients => testClients(moto, { emr, emrSingleAttempt: emr, s3, glue });
const compile = async (params: Record<string, string>): Promise<CompiledJob> => compileJob(await prepareJob(findProject(project.dir), 'clean_events', { params, resolveInputs: false }), env);
const context = (): TargetBackfillContext => ({ env, clients: clients(), target: targetFor(env, clients()), metastore: new GlueMetastore(glue), driverSource: '# driver', compile, pollMs: 1, maxPollMs: 1 });
const put = (uri: string, body: string) => s3.send(new PutObjectCommand({ Bucket: parseS3Uri(uri).bucket, Key: parseS3Uri(uri).key, Body: body }));

/** Plays the driver of a completed step: its summary, and the day's record with the inputs it read. */
async function driverRan(compiled: CompiledJob, removed: string[] = []) {
  const day = compiled.params.dt;
  const summary = { status: 'succeeded', slice: `dt=${day}`, rowsRead: 100, rowsOutsideSlice: 7, badRecords: 1, output: { table: 'lake.events', location: compiled.glue.table.location, mode: 'overwrite-partitions', rowsWritten: removed.length ? 0 : 90, partitions: removed.length ? [] : [{ dt: day }], partitionsRemoved: removed } };
  await put(compiled.artifacts.resultUri, JSON.stringify(summary));
  const record = { job: 'clean_events', slice: { dt: day }, planHash: compiled.planHash, inputFingerprint: await inputFingerprintS3(s3, compiled.artifact), runId: 'r', committedAt: '', rowsWritten: 90, partitions: [`dt=${day}`] };
  await put(`${compiled.artifact.state}slices/dt=${day}.json`, JSON.stringify(record));
}

/** An EMR whose steps complete at once, each played by the driver above. */
function completingEmr(): string[] {
  const added: string[] = [];
  emrMock.on(ListStepsCommand).resolves({ Steps: [] });
  emrMock.on(AddJobFlowStepsCommand).callsFake(async (input: { Steps: { Name: string }[] }) => {
    const name = input.Steps[0].Name;
    added.push(name);
    await driverRan(await compile({ dt: name.split('dt=')[1] }));
    return { StepIds: [`s-${added.length}`] };
  });
  emrMock.on(DescribeStepCommand).resolves({ Step: { Status: { State: 'COMPLETED' } } });
  return added;
}

describe('etl backfill on EMR', () => {
  it('fingerprints the objects a day reads from its S3 listing, by the rule the driver applies', async () => {
    const compiled = await compile({ dt: '2026-11-02' });
    const window = compiled.artifact.inputs[0].locations!;
    expect(window).toHaveLength(30);
    const inWindow = data.objects.filter((o) => window.some((l) => `s3://raw-bucket/raw/events/${o.key}`.startsWith(l)));
    expect(inWindow.length).toBeGreaterThan(10);
    const listed = await inputFingerprintS3(s3, compiled.artifact);
    // The same lines the local engine and the driver hash: key below the root, size, time (moto's LastModified).
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const objects = (await s3.send(new ListObjectsV2Command({ Bucket: 'raw-bucket', Prefix: 'raw/events/' }))).Contents ?? [];
    const lines = objects
      .filter((o) => inWindow.some((w) => `raw/events/${w.key}` === o.Key))
      .map((o) => ({ input: 'raw', key: o.Key!.slice('raw/events/'.length), size: o.Size!, mtimeMs: o.LastModified!.getTime() }));
    expect(lines).toHaveLength(inWindow.length);
    expect(listed).toBe(inputFingerprint(lines));
  });

  it('runs each day as a step in order, registers its partitions, then skips the days that are up to date and reruns one whose inputs changed', async () => {
    const added = completingEmr();
    const days = ['2026-11-01', '2026-11-02', '2026-11-03'];
    const first = await backfillOnTarget(context(), { job: 'clean_events', column: 'dt', days, params: {}, force: false });
    expect(first.status).toBe('succeeded');
    expect(first.slices.map((s) => [s.day, s.status, s.counts?.rowsOutsideSlice])).toEqual(days.map((d) => [d, 'ran', 7]));
    expect(added.map((n) => n.split('dt=')[1])).toEqual(days);
    expect((await new GlueMetastore(glue).getPartitions('lake', 'events')).map((p) => p.values[0]).sort()).toEqual(days);

    const second = await backfillOnTarget(context(), { job: 'clean_events', column: 'dt', days, params: {}, force: false });
    expect(second.slices.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(added).toHaveLength(3);

    // A redelivery lands in 11-03's 02:00 folder: 11-02 (its lateness window) and 11-03 change.
    await put('s3://raw-bucket/raw/events/2026/11/03/02/events-redelivered.gz', '{}\n');
    const third = await backfillOnTarget(context(), { job: 'clean_events', column: 'dt', days, params: {}, force: false });
    expect(third.slices.map((s) => s.status)).toEqual(['skipped', 'ran', 'ran']);
    // A completed step of the same name ran those days from older inputs: a new one is added (forced).
    expect(added.slice(3).map((n) => n.split('dt=')[1])).toEqual(['2026-11-02', '2026-11-03']);
  });

  it('follows a step of the day that is still running instead of adding another, and drops the partitions a day removed', async () => {
    const compiled = await compile({ dt: '2026-11-01' });
    emrMock.on(ListStepsCommand).resolves({ Steps: [{ Id: 's-LIVE', Name: compiled.emr.step.Name, Status: { State: 'RUNNING' } }] });
    emrMock.on(DescribeStepCommand).resolvesOnce({ Step: { Status: { State: 'RUNNING' } } }).resolves({ Step: { Status: { State: 'COMPLETED' } } });
    await put(`${compiled.artifact.state}slices/dt=2026-11-01.json`, '{"planHash":"old"}');
    await new GlueMetastore(glue).upsertPartitions('lake', 'events', [{ values: ['2026-11-01'], location: `${compiled.glue.table.location}dt=2026-11-01/` }]);
    await driverRan(compiled, ['dt=2026-11-01']);
    await put(`${compiled.artifact.state}slices/dt=2026-11-01.json`, '{"planHash":"old"}');
    const r = await backfillOnTarget(context(), { job: 'clean_events', column: 'dt', days: ['2026-11-01'], params: {}, force: false });
    expect(r.slices[0].status).toBe('ran');
    expect(emrMock.commandCalls(AddJobFlowStepsCommand)).toHaveLength(0);
    expect(emrMock.commandCalls(DescribeStepCommand).every((c) => c.args[0].input.StepId === 's-LIVE')).toBe(true);
    expect((await new GlueMetastore(glue).getPartitions('lake', 'events')).map((p) => p.values[0])).not.toContain('2026-11-01');
  });

  it('on a transient-cluster environment, starts one cluster that runs every day that is not up to date, in order', async () => {
    const transient: Environment = { ...env, emr: { transient: { releaseLabel: 'emr-7.5.0', instanceType: 'm5.xlarge', instanceCount: 2, serviceRole: 'EMR_DefaultRole', jobFlowRole: 'EMR_EC2_DefaultRole' } } };
    const compileOn = async (params: Record<string, string>) => compileJob(await prepareJob(findProject(project.dir), 'clean_events', { params, resolveInputs: false }), transient);
    const days = ['2026-11-01', '2026-11-02'];
    const names = await Promise.all(days.map(async (d) => (await compileOn({ dt: d })).emr.step.Name));
    emrMock.on(ListClustersCommand).resolves({ Clusters: [] });
    emrMock.on(RunJobFlowCommand).resolves({ JobFlowId: 'j-TRANSIENT' });
    emrMock.on(ListStepsCommand).resolves({ Steps: names.map((Name, i) => ({ Id: `s-${i}`, Name, Status: { State: 'PENDING' } })) });
    emrMock.on(DescribeStepCommand).callsFake(async (input: { StepId: string }) => {
      await driverRan(await compileOn({ dt: days[Number(input.StepId.slice(2))] }));
      return { Step: { Status: { State: 'COMPLETED' } } };
    });
    const r = await backfillOnTarget({ ...context(), env: transient, target: targetFor(transient, clients()), compile: compileOn }, { job: 'clean_events', column: 'dt', days, params: {}, force: true });
    expect(r.slices.map((s) => s.status)).toEqual(['ran', 'ran']);
    const request = emrMock.commandCalls(RunJobFlowCommand)[0].args[0].input;
    expect(request.Name).toMatch(/^etl-backfill-clean_events-[0-9a-f]{12}$/);
    expect(request.Steps?.map((s) => [s.Name, s.ActionOnFailure])).toEqual(names.map((n) => [n, 'TERMINATE_CLUSTER']));
    expect(emrMock.commandCalls(DescribeStepCommand).map((c) => c.args[0].input.StepId)).toEqual(['s-0', 's-1']);
  });

  it('stops at the first failed day, with EMR\'s reason, and leaves the later days not run', async () => {
    emrMock.on(ListStepsCommand).resolves({ Steps: [] });
    emrMock.on(AddJobFlowStepsCommand).resolves({ StepIds: ['s-FAIL'] });
    emrMock.on(DescribeStepCommand).resolves({ Step: { Status: { State: 'FAILED', FailureDetails: { Reason: 'Unknown Error.' } } } });
    emrMock.on(DescribeClusterCommand).resolves({ Cluster: {} });
    const r = await backfillOnTarget(context(), { job: 'clean_events', column: 'dt', days: ['2026-11-01', '2026-11-02'], params: {}, force: true });
    expect(r.status).toBe('failed');
    expect(r.slices.map((s) => s.status)).toEqual(['failed', 'not run']);
    expect(r.slices[0].error?.message).toMatch(/step s-FAIL on cluster j-LAKEFIXTURE1 ended FAILED: Unknown Error\./);
  });
});
