/**
 * A moto_server (Python moto, an AWS emulator) on a free loopback port for the duration of a
 * test file: `const moto = await startMoto()` ... `await moto.stop()`. Each server is empty
 * when it starts, so test files do not see each other's buckets or tables.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { GlueClient } from '@aws-sdk/client-glue';
import { EMRClient } from '@aws-sdk/client-emr';
import { EMRServerlessClient } from '@aws-sdk/client-emr-serverless';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { AwsClients } from '../../deploy/aws/clients.ts';

export interface Moto {
  readonly endpoint: string;
  /** Settings for SDK clients and for child processes (`etl ...`) that should talk to this server. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export const MOTO_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-west-1' } as const;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr.slice(-500)}; is moto installed? pip install 'moto[server]'`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start on ${endpoint} within 20 s: ${stderr.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    env: { ...MOTO_CREDENTIALS, AWS_ENDPOINT_URL: endpoint },
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * SDK clients for tests: every client of AwsClients against this moto server (or unconnected,
 * where `moto` is undefined, for clients a test mocks), with `overrides` for the mocked ones.
 */
export function testClients(moto: Moto | undefined, overrides: Partial<AwsClients> = {}): AwsClients {
  const common = { region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, ...(moto ? { endpoint: moto.endpoint } : {}) };
  return {
    region: 'eu-west-1',
    s3: new S3Client({ ...common, forcePathStyle: true }),
    glue: new GlueClient(common),
    glueSingleAttempt: new GlueClient({ ...common, maxAttempts: 1 }),
    emr: new EMRClient(common),
    emrSingleAttempt: new EMRClient({ ...common, maxAttempts: 1 }),
    serverless: new EMRServerlessClient(common),
    logs: new CloudWatchLogsClient(common),
    sfn: new SFNClient(common),
    scheduler: new SchedulerClient(common),
    ...overrides,
  };
}
