/**
 * The AWS commands as a user runs them, through the real CLI and SDK against moto_server:
 * bootstrap, deploy (idempotent), schema versioning on Glue, submit (idempotent), status.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetTableVersionsCommand, GlueClient } from '@aws-sdk/client-glue';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { BIN } from '../run/helpers.ts';
import { startMoto, type Moto } from '../support/moto.ts';
import { ADD_NULLABLE_COLUMN, RENAME_COLUMN, applyEdits, copyOfTestProject, etlIn } from '../support/project.ts';

let moto: Moto;
let dir: string;
// Credentials shaped like real ones, so that the scan at the end would find them if any output carried them.
const SECRETS = { AWS_ACCESS_KEY_ID: 'AKIAZ7EXAMPLEKEY4ETL', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY', AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCWV1LXdlc3QtMSJHMEUCIQ' };
const outputs: string[] = [];
const etl = (...args: string[]) => {
  // Node's warnings are shown, as users see them: no warning may reach them (the AWS SDK's Node-version one included).
  const r = etlIn(dir, args, { ...moto.env, ...SECRETS, ETL_POLL_INTERVAL_MS: '50' });
  outputs.push(r.stdout, r.stderr);
  return r;
};
const json = (...args: string[]) => {
  const r = etl(...args, '--json');
  if (r.status !== 0) throw new Error(`etl ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
};

const client = <T>(C: new (config: object) => T) =>
  new C({ region: moto.env.AWS_REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const tableVersions = async () => (await client(GlueClient).send(new GetTableVersionsCommand({ DatabaseName: 'analytics_dev', TableName: 'events' }))).TableVersions!.length;
const artifactKeys = async () => {
  const list = async (prefix: string) => ((await client(S3Client).send(new ListObjectsV2Command({ Bucket: 'acme-lake-dev', Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);
  return [...(await list('etl/artifacts/')), ...(await list('etl/drivers/'))].sort();
};

beforeAll(async () => {
  moto = await startMoto();
  dir = copyOfTestProject();
}, 30_000);
afterAll(() => moto?.stop());

describe('etl against AWS (moto_server)', () => {
  it('bootstrap creates the bucket and databases once, and says so', () => {
    const first = json('bootstrap', '--env', 'dev');
    expect(first.bucket).toEqual({ name: 'acme-lake-dev', created: true });
    expect(first.databases).toEqual([{ name: 'analytics_dev', created: true }]);
    const again = etl('bootstrap', '--env', 'dev');
    expect(again.stdout).toContain('nothing to do: dev is ready');
  });

  it('deploy without bootstrap names the fix', () => {
    const r = etl('deploy', '--env', 'prod');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/etl bootstrap --env prod/);
  });

  it('deploys every job, then a second deploy changes nothing and creates no table version', async () => {
    const dry = json('deploy', '--env', 'dev', '--dry-run');
    expect(dry.jobs.map((j: { table: { action: string } }) => j.table.action)).toEqual(['create', 'create', 'create']);
    expect(await artifactKeys()).toEqual([]);

    const first = json('deploy', '--env', 'dev');
    expect(first.changed).toBe(true);
    const keys = await artifactKeys();
    // Each plan's job.sql and plan.json, and one driver for every plan (named by its own hash).
    expect(keys).toHaveLength(7);
    expect(keys.filter((k) => k.endsWith('/plan.json'))).toHaveLength(3);
    expect(keys.filter((k) => /^etl\/drivers\/[0-9a-f]{16}\/driver\.py$/.test(k))).toHaveLength(1);
    const versions = await tableVersions();

    const second = etl('deploy', '--env', 'dev');
    expect(second.stdout).toContain('nothing changed: dev is up to date');
    expect(await tableVersions()).toBe(versions);
    expect(await artifactKeys()).toEqual(keys);
  });

  it('versions the Glue table: a nullable column passes, a rename is refused with the diff, rollback restores', async () => {
    expect(json('schema', 'history', 'analytics.events', '--env', 'dev').versions.map((v: { version: number }) => v.version)).toEqual([1]);
    applyEdits(dir, ADD_NULLABLE_COLUMN);
    expect(etl('schema', 'check', '--all', '--env', 'dev').status).toBe(0);
    const deployed = json('deploy', 'events_clean', '--env', 'dev');
    expect(deployed.jobs[0].table).toMatchObject({ action: 'update', changes: ['column page_len added (int, nullable)'] });
    const history = json('schema', 'history', 'analytics.events', '--env', 'dev');
    expect(history.table).toBe('analytics_dev.events');
    expect(history.versions.map((v: { columns: unknown[] }) => v.columns.length)).toEqual([9, 10]);

    applyEdits(dir, RENAME_COLUMN);
    const check = etl('schema', 'check', '--all', '--env', 'dev');
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('analytics_dev.events: column page renamed to page_path (string) breaks BACKWARD');
    const keys = await artifactKeys();
    const refused = etl('deploy', 'events_clean', '--env', 'dev');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('column page renamed to page_path');
    expect(await artifactKeys()).toEqual(keys);

    const rollback = json('schema', 'rollback', 'analytics.events', '--to', '1', '--env', 'dev');
    expect(rollback).toMatchObject({ table: 'analytics_dev.events', to: 1, from: 2, version: 3 });
    const after = json('schema', 'history', 'analytics.events', '--env', 'dev');
    expect(after.versions.map((v: { version: number }) => v.version)).toEqual([1, 2, 3]);
    expect(after.versions[2].columns).toEqual(after.versions[0].columns);
  });

  it('submits once: a second submit finds the step by name, --force adds another', () => {
    const dry = json('submit', 'user_sessions', '--env', 'dev', '--dry-run');
    expect(dry.request.runJobFlow.Steps[0].HadoopJarStep.Args.slice(0, 3)).toEqual(['spark-submit', '--deploy-mode', 'cluster']);

    const first = json('submit', 'user_sessions', '--env', 'dev');
    expect(first.run).toMatchObject({ target: 'emr', added: true, startedCluster: true });
    expect(first.run.where).toMatch(/^j-/);
    const second = json('submit', 'user_sessions', '--env', 'dev');
    expect(second.run).toMatchObject({ added: false, where: first.run.where, runId: first.run.runId });
    const forced = json('submit', 'user_sessions', '--env', 'dev', '--force');
    expect(forced.run.added).toBe(true);
    expect(forced.run.runId).not.toBe(first.run.runId);

    const status = json('status', 'user_sessions', '--env', 'dev');
    expect(status.runs.map((s: { runId: string }) => s.runId)).toContain(first.run.runId);
    const shown = status.runs.find((s: { runId: string }) => s.runId === first.run.runId);
    expect(shown).toMatchObject({ job: 'user_sessions', target: 'emr', where: first.run.where, logLocation: `s3://acme-lake-dev/emr-logs/${first.run.where}/steps/${first.run.runId}/` });
  });

  it('submits to a running cluster given with --cluster, and refuses --cluster with --transient', () => {
    // The transient cluster the test above started for user_sessions: its step is still running.
    const cluster = json('submit', 'user_sessions', '--env', 'dev').run.where;

    const dry = json('submit', 'daily_kpis', '--env', 'dev', '--cluster', cluster, '--dry-run');
    expect(dry.request).toMatchObject({ clusterId: cluster });
    expect(dry.request.step.HadoopJarStep.Args.slice(0, 3)).toEqual(['spark-submit', '--deploy-mode', 'cluster']);
    const onCluster = json('submit', 'daily_kpis', '--env', 'dev', '--cluster', cluster);
    expect(onCluster.run).toMatchObject({ target: 'emr', added: true, where: cluster });
    expect(onCluster.run.startedCluster).toBeFalsy();

    const both = etl('submit', 'daily_kpis', '--env', 'dev', '--cluster', cluster, '--transient');
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/cluster and transient are mutually exclusive/);
  });

  it('Ctrl-C while waiting leaves the step running and says how to follow or cancel it', async () => {
    const child = spawn(process.execPath, [BIN, 'submit', 'user_sessions', '--env', 'dev', '--wait'], {
      cwd: dir,
      env: { ...process.env, ...moto.env, ...SECRETS, NO_COLOR: '1', ETL_POLL_INTERVAL_MS: '200' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
      // The state line of the wait loop (not the "already submitted ... (RUNNING)" line before it).
      if (/\d+(\.\d)?s  RUNNING/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    outputs.push(stderr);
    expect(code).toBe(130);
    expect(stderr).toMatch(/stopped waiting; step s-\w+ on cluster j-\w+ goes on \(RUNNING\)/);
    expect(stderr).toMatch(/cancel it: aws emr cancel-steps --cluster-id j-\w+ --step-ids s-\w+/);
  }, 60_000);

  it('printed no credential, signed URL or account id in any of the above, errors with --debug included', () => {
    const failing = etl('deploy', 'no_such_job', '--env', 'dev', '--debug');
    expect(failing.status).not.toBe(0);
    const all = outputs.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    for (const secret of Object.values(SECRETS)) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/X-Amz-(Signature|Credential|Security-Token)=/);
    expect(all).not.toMatch(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/);
    expect(all).not.toMatch(/arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:/);
  });

  // On Node >= 22 the SDK has nothing to warn about, and this passes trivially.
  it('showed no Node warning, the AWS SDK\'s Node-version warning included', () => {
    const all = outputs.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toMatch(/NodeVersionSupportWarning|\(node:\d+\) Warning/);
  });
});
