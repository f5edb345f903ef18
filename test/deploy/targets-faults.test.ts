/**
 * What moto cannot show about the Glue and EMR Serverless targets (its runs always succeed at
 * once, its calls are never lost, it has no UpdateJob): through aws-sdk-client-mock, with S3 on
 * moto_server where logs are read from it.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CreateJobCommand, GetJobCommand, GetJobRunCommand, GetJobRunsCommand, GlueClient, StartJobRunCommand, UpdateJobCommand, type JobRunState } from '@aws-sdk/client-glue';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EMRServerlessClient, GetJobRunCommand as GetServerlessRunCommand } from '@aws-sdk/client-emr-serverless';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ensureGlueJob, glueFailure, startGlueRun, waitForGlueRun } from '../../deploy/glue/job-runs.ts';
import { serverlessFailure } from '../../deploy/emr-serverless/runs.ts';
import { compileJob, type CompiledJob } from '../../framework/compile/compile-job.ts';
import { loadEnvironment } from '../../framework/config/config.ts';
import { findProject } from '../../framework/run/project.ts';
import { prepareJob } from '../../framework/run/run-job.ts';
import { PROJECT } from '../run/helpers.ts';
import { startMoto, testClients, type Moto } from '../support/moto.ts';

const glue = new GlueClient({ region: 'eu-west-1' });
const glueOnce = new GlueClient({ region: 'eu-west-1', maxAttempts: 1 });
const logs = new CloudWatchLogsClient({ region: 'eu-west-1' });
const serverless = new EMRServerlessClient({ region: 'eu-west-1' });
const mocks = [mockClient(glue), mockClient(glueOnce), mockClient(logs), mockClient(serverless)] as const;
const [glueMock, glueOnceMock, logsMock, serverlessMock] = mocks;
afterEach(() => mocks.forEach((m) => m.reset()));

let moto: Moto;
let compiled: CompiledJob;
beforeAll(async () => {
  moto = await startMoto();
  await testClients(moto).s3.send(new CreateBucketCommand({ Bucket: 'acme-lake-dev', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  compiled = compileJob(await prepareJob(findProject(PROJECT), 'events_clean', { params: { dt: '2026-11-01' }, resolveInputs: false }), await loadEnvironment(PROJECT, 'glue-dev'));
}, 30_000);
afterAll(() => moto?.stop());

const clients = () => testClients(moto, { glue, glueSingleAttempt: glueOnce, logs, serverless });
const lost = () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $metadata: {} });
const runOf = (id: string, state: JobRunState) => ({ Id: id, JobRunState: state, Arguments: { '--etl-run': compiled.runName } });

describe('Glue job runs', () => {
  it('after a lost StartJobRun response, finds the run that started instead of starting a second', async () => {
    glueMock.on(GetJobRunsCommand).resolvesOnce({ JobRuns: [] }).resolves({ JobRuns: [runOf('jr_LANDED', 'STARTING')] });
    glueOnceMock.on(StartJobRunCommand).rejects(lost());
    const run = await startGlueRun(clients(), compiled, { backoffMs: 1 });
    expect(run).toMatchObject({ runId: 'jr_LANDED', added: true, target: 'glue' });
    expect(glueOnceMock.commandCalls(StartJobRunCommand)).toHaveLength(1);
  });

  it('retries a throttled StartJobRun that did not start, once it is sure, and starts one run', async () => {
    glueMock.on(GetJobRunsCommand).resolves({ JobRuns: [runOf('jr_OTHER_DAY', 'SUCCEEDED')].map((r) => ({ ...r, Arguments: { '--etl-run': 'etl:events_clean:x:dt=2026-10-31' } })) });
    glueOnceMock.on(StartJobRunCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })).resolves({ JobRunId: 'jr_NEW' });
    const run = await startGlueRun(clients(), compiled, { backoffMs: 1 });
    expect(run).toMatchObject({ runId: 'jr_NEW', added: true });
    expect(glueOnceMock.commandCalls(StartJobRunCommand)).toHaveLength(2);
    expect(glueOnceMock.commandCalls(StartJobRunCommand)[0].args[0].input.Arguments).toEqual(compiled.glue.startJobRun!.Arguments);
  });

  it('reports a run of the same identity that is running or done instead of starting another', async () => {
    glueMock.on(GetJobRunsCommand).resolves({ JobRuns: [runOf('jr_FAILED', 'FAILED'), runOf('jr_RUNNING', 'RUNNING')] });
    expect(await startGlueRun(clients(), compiled)).toMatchObject({ runId: 'jr_RUNNING', added: false, state: 'RUNNING' });
    expect(glueOnceMock.commandCalls(StartJobRunCommand)).toHaveLength(0);
  });

  it("follows a failed run to its end and gives Glue's error and the tail of its stderr log", async () => {
    glueMock.on(GetJobRunCommand).resolvesOnce({ JobRun: { JobRunState: 'RUNNING' } }).resolves({ JobRun: { JobRunState: 'FAILED', ErrorMessage: 'An error occurred while calling o91.save. arn:aws:iam::123456789012:role/x' } });
    logsMock.on(GetLogEventsCommand).resolves({ events: [{ message: 'log line 1' }, { message: 'error [checks]: unique(event_id) failed (3 rows)' }] });
    const run = { target: 'glue' as const, runId: 'jr_1', where: 'lakeform-events_clean', name: compiled.runName, added: true };
    const states: string[] = [];
    const end = await waitForGlueRun(clients(), run, { pollMs: 1, onState: (s) => states.push(s) });
    expect(states).toEqual(['RUNNING', 'FAILED']);
    const failure = await glueFailure(clients(), run, end.status);
    expect(failure).toEqual({
      reason: 'FAILED',
      message: 'An error occurred while calling o91.save. arn:aws:iam::<account>:role/x',
      logLocation: 'CloudWatch Logs /aws-glue/jobs/error / jr_1',
      stderrTail: 'log line 1\nerror [checks]: unique(event_id) failed (3 rows)',
    });
    expect(logsMock.commandCalls(GetLogEventsCommand)[0].args[0].input).toMatchObject({ logGroupName: '/aws-glue/jobs/error', logStreamName: 'jr_1', startFromHead: false });
  });

  it('deploy updates the Glue job only when its definition changed (moto has no UpdateJob)', async () => {
    const job = compiled.glue.job!;
    const { Name: _n, Tags: _t, ...same } = job;
    glueMock.on(GetJobCommand).resolves({ Job: { Name: job.Name, ...same, DefaultArguments: { ...job.DefaultArguments }, ExecutionClass: 'STANDARD' } as never });
    expect(await ensureGlueJob(clients(), compiled, { dryRun: false })).toEqual([]);
    expect(glueMock.commandCalls(UpdateJobCommand)).toHaveLength(0);
    glueMock.on(GetJobCommand).resolves({ Job: { Name: job.Name, ...same, NumberOfWorkers: 10 } as never });
    expect(await ensureGlueJob(clients(), compiled, { dryRun: false })).toEqual(['update Glue job lakeform-events_clean (NumberOfWorkers)']);
    expect(glueMock.commandCalls(UpdateJobCommand)[0].args[0].input).toMatchObject({ JobName: job.Name, JobUpdate: { NumberOfWorkers: 2, Command: job.Command } });
    expect(glueMock.commandCalls(CreateJobCommand)).toHaveLength(0);
  });
});

describe('EMR Serverless job runs', () => {
  it("a failed run gives its state details and the tail of the driver's stderr from the monitoring location", async () => {
    const stderr = Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n') + '\nerror [input]: s3://raw/x.gz: not gzip\n';
    await testClients(moto).s3.send(new PutObjectCommand({ Bucket: 'acme-lake-dev', Key: 'logs/applications/app-1/jobs/run-1/SPARK_DRIVER/stderr.gz', Body: gzipSync(stderr) }));
    serverlessMock.on(GetServerlessRunCommand).resolves({ jobRun: { state: 'FAILED', stateDetails: 'Job failed, please check complete logs in configured logging destination.' } as never });
    const env = await loadEnvironment(PROJECT, 'serverless-dev');
    const failure = await serverlessFailure(clients(), { ...env.emrServerless!, logUri: 's3://acme-lake-dev/logs' }, { target: 'emrServerless', runId: 'run-1', where: 'app-1', name: 'n', added: true }, { state: 'FAILED', stateDetails: 'Job failed' } as never);
    expect(failure.reason).toBe('FAILED');
    expect(failure.message).toBe('Job failed');
    expect(failure.logLocation).toBe('s3://acme-lake-dev/logs/applications/app-1/jobs/run-1/SPARK_DRIVER/');
    expect(failure.stderrTail?.split('\n')).toHaveLength(40);
    expect(failure.stderrTail).toMatch(/error \[input\]: s3:\/\/raw\/x\.gz: not gzip$/);
  });
});
