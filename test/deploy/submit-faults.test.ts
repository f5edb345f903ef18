/**
 * What moto cannot show about submitting (its steps never finish, its calls never get lost):
 * EMR through aws-sdk-client-mock, S3 and Glue on moto_server where they take part.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AddJobFlowStepsCommand, DescribeClusterCommand, DescribeStepCommand, EMRClient, ListStepsCommand } from '@aws-sdk/client-emr';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GlueClient } from '@aws-sdk/client-glue';
import type { AwsClients } from '../../deploy/aws/clients.ts';
import { AwsError, redact } from '../../deploy/aws/errors.ts';
import { submitToCluster } from '../../deploy/emr/steps.ts';
import { describeFailure, readDriverSummary, waitForStep } from '../../deploy/emr/wait.ts';
import { registerPartitions } from '../../deploy/glue/register-partitions.ts';
import { GlueMetastore } from '../../deploy/glue/metastore.ts';
import { artifactUploads, uploadArtifacts } from '../../deploy/s3/artifacts.ts';
import { compileJob } from '../../framework/compile/compile-job.ts';
import { loadEnvironment } from '../../framework/config/config.ts';
import { findProject } from '../../framework/run/project.ts';
import { prepareJob } from '../../framework/run/run-job.ts';
import { PROJECT } from '../run/helpers.ts';
import { startMoto, testClients, type Moto } from '../support/moto.ts';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const emr = new EMRClient({ region: 'eu-west-1', credentials });
const emrSingleAttempt = new EMRClient({ region: 'eu-west-1', credentials, maxAttempts: 1 });
const emrMock = mockClient(emr);
const addMock = mockClient(emrSingleAttempt);
afterEach(() => {
  emrMock.reset();
  addMock.reset();
});

let moto: Moto;
let s3: S3Client;
let glue: GlueClient;
beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ region: 'eu-west-1', endpoint: moto.endpoint, forcePathStyle: true, credentials });
  glue = new GlueClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials });
  await s3.send(new CreateBucketCommand({ Bucket: 'lake', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
}, 30_000);
afterAll(() => moto?.stop());

const clients = (): AwsClients => testClients(moto, { emr, emrSingleAttempt, s3, glue });
const step = { Name: 'etl:events_clean:abc:dt=2026-11-01', ActionOnFailure: 'CONTINUE' as const, HadoopJarStep: { Jar: 'command-runner.jar' as const, Args: ['spark-submit'] } };
const lost = () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $metadata: {} });

describe('adding a step exactly once', () => {
  it('reuses a step with the same name that is pending, running or completed', async () => {
    emrMock.on(ListStepsCommand).resolves({ Steps: [{ Id: 's-OLD', Name: step.Name, Status: { State: 'COMPLETED' } }] });
    const r = await submitToCluster(clients(), 'j-1', step);
    expect(r).toMatchObject({ stepId: 's-OLD', added: false, state: 'COMPLETED' });
    expect(addMock.commandCalls(AddJobFlowStepsCommand)).toHaveLength(0);
  });

  it('after a lost AddJobFlowSteps response, finds the step that landed instead of adding a second', async () => {
    // Not there before; there after the call whose response was lost.
    emrMock.on(ListStepsCommand).resolvesOnce({ Steps: [] }).resolves({ Steps: [{ Id: 's-LANDED', Name: step.Name, Status: { State: 'PENDING' } }] });
    addMock.on(AddJobFlowStepsCommand).rejects(lost());
    const r = await submitToCluster(clients(), 'j-1', step, { backoffMs: 1 });
    expect(r).toMatchObject({ stepId: 's-LANDED', added: true });
    expect(addMock.commandCalls(AddJobFlowStepsCommand)).toHaveLength(1);
  });

  it('retries a call that did not land, and adds the step once', async () => {
    emrMock.on(ListStepsCommand).resolves({ Steps: [] });
    addMock.on(AddJobFlowStepsCommand).rejectsOnce(lost()).resolves({ StepIds: ['s-NEW'] });
    const r = await submitToCluster(clients(), 'j-1', step, { backoffMs: 1, executionRoleArn: 'arn:aws:iam::123456789012:role/etl-jobs' });
    expect(r).toMatchObject({ stepId: 's-NEW', added: true });
    expect(addMock.commandCalls(AddJobFlowStepsCommand)).toHaveLength(2);
    expect(addMock.commandCalls(AddJobFlowStepsCommand)[1].args[0].input.ExecutionRoleArn).toBe('arn:aws:iam::123456789012:role/etl-jobs');
  });

  it('does not retry what cannot succeed, and says what failed where', async () => {
    emrMock.on(ListStepsCommand).resolves({ Steps: [] });
    addMock.on(AddJobFlowStepsCommand).rejects(Object.assign(new Error('Cluster j-1 is terminated'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }));
    const error = await submitToCluster(clients(), 'j-1', step, { backoffMs: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect(error.message).toBe('elasticmapreduce:AddJobFlowSteps on cluster j-1 failed: ValidationException: Cluster j-1 is terminated');
    expect(addMock.commandCalls(AddJobFlowStepsCommand)).toHaveLength(1);
  });
});

describe('following a step', () => {
  it('reports each state change once and ends on a terminal state', async () => {
    emrMock
      .on(DescribeStepCommand)
      .resolvesOnce({ Step: { Status: { State: 'PENDING' } } })
      .resolvesOnce({ Step: { Status: { State: 'PENDING' } } })
      .resolvesOnce({ Step: { Status: { State: 'RUNNING' } } })
      .resolves({ Step: { Status: { State: 'COMPLETED' } } });
    const states: string[] = [];
    const outcome = await waitForStep(emr, 'j-1', 's-1', { pollMs: 1, onState: (s) => states.push(s) });
    expect(states).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
    expect(outcome).toMatchObject({ state: 'COMPLETED', detached: false });
    expect(emrMock.commandCalls(DescribeStepCommand)).toHaveLength(4);
  });

  it('on failure, gives EMR\'s reason and the tail of the gzipped stderr from the LogUri', async () => {
    const stderr = Array.from({ length: 100 }, (_, i) => `log line ${i}`).join('\n') + '\nerror [check]: unique(event_id) failed: 3 duplicate values\n';
    await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: 'emr-logs/j-1/steps/s-1/stderr.gz', Body: gzipSync(stderr) }));
    emrMock.on(DescribeClusterCommand).resolves({ Cluster: { LogUri: 's3n://lake/emr-logs/' } });
    const failure = await describeFailure(clients(), 'j-1', 's-1', { State: 'FAILED', FailureDetails: { Reason: 'Unknown Error.', LogFile: 's3://lake/emr-logs/j-1/steps/s-1/stderr.gz' } });
    expect(failure.reason).toBe('Unknown Error.');
    expect(failure.logLocation).toBe('s3://lake/emr-logs/j-1/steps/s-1/');
    expect(failure.stderrTail?.split('\n')).toHaveLength(40);
    expect(failure.stderrTail).toMatch(/error \[check\]: unique\(event_id\) failed: 3 duplicate values$/);
  });

  it('when the logs are not on S3 yet, says where they will be', async () => {
    emrMock.on(DescribeClusterCommand).resolves({ Cluster: { LogUri: 's3://lake/emr-logs/' } });
    const failure = await describeFailure(clients(), 'j-1', 's-2', { State: 'FAILED' });
    expect(failure).toEqual({ logLocation: 's3://lake/emr-logs/j-1/steps/s-2/' });
  });
});

describe('after a completed step', () => {
  it('reads the driver summary and registers the written partitions in Glue, with Hive escaping and the default partition', async () => {
    const project = findProject(PROJECT);
    const env = { ...(await loadEnvironment(project.root, 'dev')), bucket: 'lake' };
    const compiled = compileJob(await prepareJob(project, 'events_clean', { params: {}, resolveInputs: false }), env);
    const metastore = new GlueMetastore(glue);
    await metastore.ensureDatabase('analytics_dev');
    await metastore.putTable(compiled.glue.table);
    const summary = {
      status: 'succeeded',
      output: { table: 'analytics_dev.events', location: compiled.glue.table.location, mode: 'overwrite-partitions', rowsWritten: 10, partitions: [{ dt: '2026-11-01' }, { dt: null }] },
    };
    const { bucket, key } = { bucket: 'lake', key: compiled.artifacts.resultUri.replace('s3://lake/', '') };
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(summary) + '\n' }));
    const read = await readDriverSummary(s3, compiled.artifacts.resultUri);
    expect(read).toEqual(summary);
    await registerPartitions(metastore, compiled, read!);
    const partitions = await metastore.getPartitions('analytics_dev', 'events');
    expect(partitions.map((p) => [p.values[0], p.location])).toEqual([
      ['2026-11-01', `${compiled.glue.table.location}dt=2026-11-01/`],
      [null, `${compiled.glue.table.location}dt=__HIVE_DEFAULT_PARTITION__/`],
    ]);
    expect(partitions[0].columns).toEqual(compiled.glue.table.columns);
  });
});

describe('artifacts', () => {
  it('an interrupted upload leaves no plan.json, so nothing refers to half an upload, and the next deploy uploads again', async () => {
    const project = findProject(PROJECT);
    const env = { ...(await loadEnvironment(project.root, 'dev')), bucket: 'lake' };
    const compiled = compileJob(await prepareJob(project, 'daily_kpis', { params: {}, resolveInputs: false }), env);
    const uploads = artifactUploads(compiled, '# driver');
    expect(uploads.driver.uri).toMatch(/^s3:\/\/lake\/.*\/drivers\/[0-9a-f]+\/driver\.py$/);
    expect(uploads.folder.map((u) => u.uri.split('/').pop())).toEqual(['job.sql', 'plan.json']);

    const flaky = new S3Client({ region: 'eu-west-1', credentials });
    const s3Mock = mockClient(flaky);
    s3Mock.on(HeadObjectCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }));
    s3Mock.on(PutObjectCommand).resolvesOnce({}).rejects(Object.assign(new Error('connection reset'), { name: 'RequestTimeout', $metadata: { httpStatusCode: 400 } }));
    await expect(uploadArtifacts(flaky, uploads)).rejects.toThrow(/s3:PutObject on .*job\.sql failed: RequestTimeout/);
    expect(s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key!.split('/').pop())).toEqual(['driver.py', 'job.sql']);

    // Against a real store: the first upload puts all three, the second finds them and skips.
    expect((await uploadArtifacts(s3, uploads)).uploaded).toHaveLength(3);
    expect(await uploadArtifacts(s3, uploads)).toEqual({ uploaded: [], present: true });
  });

  it('a new driver (an upgrade) is uploaded to its own location although the plan is unchanged, and the step runs it', async () => {
    const project = findProject(PROJECT);
    const env = { ...(await loadEnvironment(project.root, 'dev')), bucket: 'lake' };
    const compiled = compileJob(await prepareJob(project, 'daily_kpis', { params: {}, resolveInputs: false }), env);
    await uploadArtifacts(s3, artifactUploads(compiled, '# driver'));
    // The same plan with another driver: only the driver goes up, and the step names it.
    const upgraded = { ...compiled, artifacts: { ...compiled.artifacts, driverUri: compiled.artifacts.driverUri.replace(/drivers\/[0-9a-f]+\//, 'drivers/0123456789ab/') } };
    expect((await uploadArtifacts(s3, artifactUploads(upgraded, '# driver 2'))).uploaded).toEqual([upgraded.artifacts.driverUri]);
    expect(compiled.emr.step.HadoopJarStep.Args).toContain(compiled.artifacts.driverUri);
  });
});

describe('credentials', () => {
  it('expired or missing credentials say how to sign in again, and print no secret', async () => {
    const expiredS3 = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'ASIAZ7EXAMPLEKEY4ETL', secretAccessKey: 'verysecret/EXAMPLE', sessionToken: 'tokenEXAMPLE' } });
    const s3Mock = mockClient(expiredS3);
    s3Mock.on(HeadObjectCommand).rejects(Object.assign(new Error('The provided token has expired.'), { name: 'ExpiredToken', $metadata: { httpStatusCode: 400 } }));
    const upload = { uri: 's3://lake/etl/artifacts/x/plan.json', body: '{}', contentType: 'application/json' };
    const error = await uploadArtifacts(expiredS3, { driver: upload, folder: [upload] }).catch((e) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect(error.message).toContain('ExpiredToken');
    expect(error.hint).toContain('sign in again');
    expect(`${error.message} ${error.hint}`).not.toMatch(/ASIAZ7|verysecret|tokenEXAMPLE/);

    const none = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    s3Mock.on(HeadObjectCommand).rejects(none);
    const missing = await uploadArtifacts(expiredS3, { driver: upload, folder: [upload] }).catch((e) => e);
    expect(missing).toBeInstanceOf(AwsError);
    expect(missing.hint).toMatch(/AWS_PROFILE|aws sso login/);
  });
});

describe('secrets', () => {
  it('never prints account ids, signatures or access keys from AWS messages', () => {
    const text =
      'User: arn:aws:iam::123456789012:user/ci is not authorized; see https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAABCDEFGHIJKLMNOP%2F20261125&X-Amz-Signature=deadbeef key ASIAABCDEFGHIJKLMNOP';
    const clean = redact(text);
    expect(clean).toBe('User: arn:aws:iam::<account>:user/ci is not authorized; see https://b.s3.amazonaws.com/k?X-Amz-Credential=<redacted>&X-Amz-Signature=<redacted> key <access-key>');
  });
});
