/** etl sample: synthetic rows that fit their schema, deterministic by seed; the newest S3 objects copied from moto_server. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { syntheticRows } from '../../framework/testing/synthetic.ts';
import { RawEvent } from '../fixtures/project/schemas/events.ts';
import { Users } from '../fixtures/project/schemas/users.ts';
import { z } from 'zod';
import { startMoto, type Moto } from '../support/moto.ts';
import { copyOfTestProject, etlIn } from '../support/project.ts';

describe('synthetic samples', () => {
  it('generate rows that validate against their zod schema, the same for the same seed', () => {
    for (const schema of [RawEvent, Users]) {
      const rows = syntheticRows(schema, 300, 42);
      expect(rows).toHaveLength(300);
      for (const r of rows) expect(schema.safeParse(r).error).toBeUndefined();
      expect(syntheticRows(schema, 300, 42)).toEqual(rows);
      expect(syntheticRows(schema, 300, 43)).not.toEqual(rows);
    }
  });

  it('honour refinements the column types do not carry', () => {
    const Strict = z.object({ n: z.int32().min(10).max(20), code: z.string().regex(/^[A-Z]{2}$/), tag: z.enum(['a', 'b']).nullable() });
    for (const r of syntheticRows(Strict as unknown as z.ZodObject, 100, 1)) expect(Strict.safeParse(r).success).toBe(true);
  });

  it('etl sample --synthetic fills the sample folder and etl run reads it', () => {
    const dir = copyOfTestProject();
    expect(etlIn(dir, ['sample', 'events_clean', '--synthetic', '--rows', '50']).status).toBe(2);
    const r = etlIn(dir, ['sample', 'events_clean', '--synthetic', '--rows', '50', '--seed', '3', '--force']);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'sample/events'))).toEqual(['synthetic.jsonl']);
    const run = JSON.parse(etlIn(dir, ['run', 'events_clean', '--json']).stdout);
    expect(run.rowsRead).toBe(50);
    expect(run.badRecords).toBe(0);
  });
});

describe('etl sample --synthetic with a slice and --force', () => {
  const committedFiles = (dir: string, day: string) => readdirSync(path.join(dir, 'sample/events', day), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.gz'));

  it('lists what it would replace and replaces nothing without --force', () => {
    const dir = copyOfTestProject();
    const before = committedFiles(dir, '2026/11/01');
    expect(before.length).toBeGreaterThan(0);
    const r = etlIn(dir, ['sample', 'events_clean', '--synthetic', '--rows', '50', '--param', 'dt=2026-11-01']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`the sample of dt=2026-11-01 for input 'raw' holds ${before.length} file(s) that --synthetic would replace`);
    expect(r.stderr).toMatch(/sample\/events\/2026\/11\/01\/\d\d\/events-\d+\.gz/);
    expect(committedFiles(dir, '2026/11/01')).toEqual(before);
  });

  it("generates the day's rows in the day's folders, replacing only that day, and the next run writes only that day's partition from them", () => {
    const dir = copyOfTestProject();
    const day = committedFiles(dir, '2026/11/01');
    const otherDays = [...committedFiles(dir, '2026/10/31'), ...committedFiles(dir, '2026/11/02')];
    const r = etlIn(dir, ['sample', 'events_clean', '--synthetic', '--rows', '50', '--seed', '5', '--param', 'dt=2026-11-01', '--force', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout).inputs[0];
    expect(report.replaced).toHaveLength(day.length);
    expect(report.files).toEqual([path.join('sample/events/2026/11/01/00/synthetic.jsonl')].map((f) => expect.stringContaining(f)));
    expect([...committedFiles(dir, '2026/10/31'), ...committedFiles(dir, '2026/11/02')]).toEqual(otherDays);
    const written = readFileSync(path.join(dir, 'sample/events/2026/11/01/00/synthetic.jsonl'), 'utf8').trim().split('\n');
    expect(written).toHaveLength(50);
    for (const line of written) expect(JSON.parse(line).ts).toMatch(/^2026-11-01T/);

    // Before, the rows' timestamps spread over three years: the run wrote a partition for each day they hit.
    const run = JSON.parse(etlIn(dir, ['run', 'events_clean', '--json']).stdout);
    expect(run.output.partitions).toEqual(['dt=2026-10-31', 'dt=2026-11-01', 'dt=2026-11-02']);
  });

  it('says what --force deleted (the README command, without a slice)', () => {
    const dir = copyOfTestProject();
    const all = committedFiles(dir, '.');
    const r = etlIn(dir, ['sample', 'events_clean', '--synthetic', '--rows', '20', '--force']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`deleted ${all.length} file(s) the new sample replaces:`);
    expect(r.stdout).toMatch(/and \d+ more/);
  });
});

describe('etl sample --env (moto_server)', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 30_000);
  afterAll(() => moto?.stop());

  it('copies the newest objects under the input location, skipping the error prefix, keeping at most --rows rows', async () => {
    const s3 = new S3Client({ region: 'eu-west-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'acme-raw-dev', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    const line = (id: string) => JSON.stringify({ event_id: id, user_id: 1, event_type: 'view', ts: '2026-11-01T10:00:00Z', amount: null, currency: null, page: '/', device: null });
    const put = async (key: string, ids: string[]) => {
      await s3.send(new PutObjectCommand({ Bucket: 'acme-raw-dev', Key: key, Body: gzipSync(ids.map(line).join('\n') + '\n') }));
      await new Promise((r) => setTimeout(r, 1100)); // distinct LastModified seconds
    };
    await put('raw/events/2026/11/01/08/events-1.gz', ['a1', 'a2']);
    await put('raw/events/2026/11/01/09/events-2.gz', ['b1', 'b2', 'b3']);
    await put('raw/events/2026/11/01/processing-failed/events-x.gz', ['bad']);
    await put('raw/events/2026/11/01/10/events-3.gz', ['c1', 'c2']);
    await put('raw/events/2026/11/02/00/events-4.gz', ['other-day']);

    const dir = copyOfTestProject();
    const sample = path.join(dir, 'sample/events');
    const committed = (day: string) => (existsSync(path.join(sample, day)) ? readdirSync(path.join(sample, day), { recursive: true }).length : 0);
    const [before1031, before1102] = [committed('2026/10/31'), committed('2026/11/02')];
    expect(before1031 * before1102).toBeGreaterThan(0);
    // Without --force: refused, listing the day's files it would replace, and nothing deleted.
    const refused = etlIn(dir, ['sample', 'events_clean', '--env', 'dev', '--param', 'dt=2026-11-01', '--files', '2', '--rows', '4'], moto.env);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/of dt=2026-11-01 for input 'raw' holds \d+ file\(s\) that etl sample --env dev would replace:\n  sample\/events\/2026\/11\/01\//);
    expect(committed('2026/11/01')).toBeGreaterThan(0);

    const r = etlIn(dir, ['sample', 'events_clean', '--env', 'dev', '--param', 'dt=2026-11-01', '--files', '2', '--rows', '4', '--force', '--json'], moto.env);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.inputs[0].rows).toBe(4);
    // Only the day's folders were replaced, and the report names what went; the other days stay.
    expect(report.inputs[0].replaced.length).toBeGreaterThan(0);
    expect(report.inputs[0].replaced.every((f: string) => f.startsWith('sample/events/2026/11/01/'))).toBe(true);
    expect([committed('2026/10/31'), committed('2026/11/02')]).toEqual([before1031, before1102]);
    const read = (rel: string) => gunzipSync(readFileSync(path.join(sample, rel))).toString().trim().split('\n').map((l) => JSON.parse(l).event_id);
    // The Firehose layout below the input's fixed prefix (raw/events/) is kept, as in the committed sample.
    expect(read('2026/11/01/10/events-3.gz')).toEqual(['c1', 'c2']);
    expect(read('2026/11/01/09/events-2.gz')).toEqual(['b1', 'b2']);
    expect(existsSync(path.join(sample, '2026/11/01/08'))).toBe(false);
    expect(existsSync(path.join(sample, '2026/11/01/processing-failed'))).toBe(false);
  }, 60_000);

  it("masks the columns the input's schema declares masked (users.name: redact) on the way", async () => {
    const s3 = new S3Client({ region: 'eu-west-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'acme-raw-dev', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })).catch(() => {});
    const csv = 'user_id,name,country,signup_date,plan\n1,Ada Lovelace,GB,2025-01-02,pro\n2,,DE,2024-07-18,free\n3,"O\'Brien, Siobhán",IE,2024-07-18,free\n';
    await s3.send(new PutObjectCommand({ Bucket: 'acme-raw-dev', Key: 'dim/users/users-2026-11-01.csv', Body: csv }));
    const dir = copyOfTestProject();
    const r = etlIn(dir, ['sample', 'daily_kpis', '--env', 'dev', '--input', 'users', '--rows', '2', '--force', '--json'], moto.env);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).inputs[0]).toMatchObject({ rows: 2, masked: ['name'], dropped: 0 });
    expect(readFileSync(path.join(dir, 'sample/users/users.csv'), 'utf8')).toBe('user_id,name,country,signup_date,plan\n1,[redacted],GB,2025-01-02,pro\n2,,DE,2024-07-18,free\n');
  }, 60_000);

  it('cuts a CSV sample by records: a quoted field holding newlines stays whole', async () => {
    const s3 = new S3Client({ region: 'eu-west-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'acme-raw-dev', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })).catch(() => {});
    // The first record takes three lines: cut by lines, --rows 2 kept one and a half records.
    const csv = 'user_id,name,country,signup_date,plan\n1,Ada,GB,2025-01-02,"pro\nannual\nbilled in GBP"\n2,Bo,DE,2024-07-18,free\n3,Cy,IE,2024-07-18,free\n';
    await s3.send(new PutObjectCommand({ Bucket: 'acme-raw-dev', Key: 'dim/users/users-2026-11-02.csv', Body: csv }));
    const dir = copyOfTestProject();
    const r = etlIn(dir, ['sample', 'daily_kpis', '--env', 'dev', '--input', 'users', '--rows', '2', '--force', '--json'], moto.env);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).inputs[0]).toMatchObject({ rows: 2, dropped: 0 });
    expect(readFileSync(path.join(dir, 'sample/users/users.csv'), 'utf8')).toBe('user_id,name,country,signup_date,plan\n1,[redacted],GB,2025-01-02,"pro\nannual\nbilled in GBP"\n2,[redacted],DE,2024-07-18,free\n');
  }, 60_000);
});
