/**
 * Throttling on S3 and EMR calls, through the clients `etl` builds (their SDK retry with
 * backoff), against a local server that answers as the service does when it throttles.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, awsClients, type AwsClients } from '../../deploy/aws/clients.ts';
import { AwsError } from '../../deploy/aws/errors.ts';
import { readS3Text } from '../../deploy/emr/wait.ts';
import { findStep } from '../../deploy/emr/steps.ts';

let server: Server | undefined;
afterEach(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** Answers `throttled` requests with the service's throttling error, then `ok`. */
async function throttlingService(throttled: number, error: { status: number; headers: Record<string, string>; body: string }, ok: { headers: Record<string, string>; body: string }) {
  let calls = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      const r = calls <= throttled ? error : { status: 200, ...ok };
      res.writeHead(r.status, r.headers);
      res.end(r.body);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const clients: AwsClients = awsClients({ region: 'eu-west-1' });
  for (const c of [clients.s3, clients.emr]) c.config.credentials = async () => ({ accessKeyId: 'x', secretAccessKey: 'y' });
  return { clients, calls: () => calls };
}

const s3SlowDown = { status: 503, headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>' };
const emrThrottled = { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ThrottlingException' }, body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }) };

describe('throttling on S3 and EMR', () => {
  it('S3: retried until it succeeds', async () => {
    const s = await throttlingService(2, s3SlowDown, { headers: { 'content-type': 'text/plain' }, body: 'hello\n' });
    expect(await readS3Text(s.clients.s3, 's3://lake/runs/x/result.json')).toBe('hello\n');
    expect(s.calls()).toBe(3);
  }, 60_000);

  it(`S3: after ${MAX_ATTEMPTS} attempts, the code, the object and a hint`, async () => {
    const s = await throttlingService(1000, s3SlowDown, { headers: {}, body: '' });
    const error = await readS3Text(s.clients.s3, 's3://lake/runs/x/result.json').catch((e) => e);
    expect(s.calls()).toBe(MAX_ATTEMPTS);
    expect(error).toBeInstanceOf(AwsError);
    expect(error.message).toMatch(/^s3:GetObject on s3:\/\/lake\/runs\/x\/result\.json failed: SlowDown/);
    expect(error.hint).toContain('slow down');
  }, 60_000);

  it('EMR: retried until it succeeds, then bounded with the code and a hint', async () => {
    const ok = { headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ Steps: [{ Id: 's-1', Name: 'etl:job:abc', Status: { State: 'RUNNING' } }] }) };
    const s = await throttlingService(3, emrThrottled, ok);
    expect((await findStep(s.clients.emr, 'j-1', 'etl:job:abc'))?.Id).toBe('s-1');
    expect(s.calls()).toBe(4);

    await new Promise<void>((r) => server!.close(() => r()));
    const always = await throttlingService(1000, emrThrottled, ok);
    const error = await findStep(always.clients.emr, 'j-1', 'etl:job:abc').catch((e) => e);
    expect(always.calls()).toBe(MAX_ATTEMPTS);
    expect(error.message).toMatch(/^elasticmapreduce:ListSteps on cluster j-1 failed: ThrottlingException/);
    expect(error.hint).toContain('throttling');
  }, 120_000);
});
