/**
 * What moto cannot show: Glue enforcing VersionId (ConcurrentModificationException), paging
 * with MaxResults, BatchDeleteTableVersion, partial batch failures and account limits, with
 * aws-sdk-client-mock; and throttling through the SDK's real retry, against a local server
 * that answers like Glue.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BatchCreatePartitionCommand,
  BatchDeleteTableVersionCommand,
  BatchUpdatePartitionCommand,
  ConcurrentModificationException,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  GetTableVersionsCommand,
  GlueClient,
  ResourceNumberLimitExceededException,
  UpdateTableCommand,
  type Table,
} from '@aws-sdk/client-glue';
import { GlueMetastore } from '../../deploy/glue/metastore.ts';
import { MAX_ATTEMPTS, awsClients } from '../../deploy/aws/clients.ts';
import { AwsError } from '../../deploy/aws/errors.ts';
import { glueTableInput } from '../../framework/compile/glue.ts';
import { applyTableChange } from '../../framework/catalog/versioning.ts';
import { T } from '../../framework/schema/types.ts';
import type { CatalogColumn } from '../../framework/catalog/metastore.ts';
import { tableDef } from './contract.ts';

const id: CatalogColumn = { name: 'event_id', type: T.string, nullable: false };
const email: CatalogColumn = { name: 'email', type: T.string, nullable: true };
const glue = new GlueClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const mock = mockClient(glue);
afterEach(() => mock.reset());

/** A Glue Table as GetTable returns it, from our definition. */
function glueTable(columns: CatalogColumn[], versionId: number): Table {
  const input = glueTableInput(tableDef(columns));
  return { ...(input as unknown as Table), DatabaseName: 'analytics', VersionId: String(versionId), CreateTime: new Date(0), UpdateTime: new Date(versionId * 1000) };
}

const versionsOf = (...tables: Table[]) => tables.map((t) => ({ Table: t, VersionId: t.VersionId }));

describe('GlueMetastore against Glue behaviour moto does not emulate', () => {
  it('re-reads, re-checks and retries when UpdateTable meets a concurrent change', async () => {
    const v1 = glueTable([id], 1);
    const v2 = glueTable([id, { name: 'other', type: T.string, nullable: true }], 2);
    // First read sees v1; the update races with another writer who made v2; the retry reads v2.
    mock.on(GetTableCommand).resolvesOnce({ Table: v1 }).resolves({ Table: v2 });
    mock.on(GetTableVersionsCommand).resolvesOnce({ TableVersions: versionsOf(v1) }).resolves({ TableVersions: versionsOf(v1, v2) });
    mock.on(GetPartitionsCommand).resolves({ Partitions: [] });
    mock
      .on(UpdateTableCommand)
      .rejectsOnce(new ConcurrentModificationException({ message: 'Update table failed due to concurrent modifications.', $metadata: {} }))
      .resolves({});
    const retries: number[] = [];
    const result = await applyTableChange(new GlueMetastore(glue), tableDef([id, { name: 'other', type: T.string, nullable: true }, email]), 'BACKWARD', { onRetry: (n) => retries.push(n) });
    expect(retries).toEqual([1]);
    expect(result.retries).toBe(1);
    const updates = mock.commandCalls(UpdateTableCommand);
    expect(updates.map((c) => c.args[0].input.VersionId)).toEqual(['1', '2']);
    // The second attempt was checked against v2, the version it found.
    expect(result.changes.map((c) => c.kind)).toEqual(['column-added']);
  });

  it('re-checks compatibility after a conflict: a concurrent change can make ours breaking', async () => {
    const v1 = glueTable([id, email], 1);
    const v2 = glueTable([id, { ...email, type: T.int64 }], 2);
    mock.on(GetTableCommand).resolvesOnce({ Table: v1 }).resolves({ Table: v2 });
    mock.on(GetTableVersionsCommand).resolvesOnce({ TableVersions: versionsOf(v1) }).resolves({ TableVersions: versionsOf(v1, v2) });
    mock.on(GetPartitionsCommand).resolves({ Partitions: [] });
    mock.on(UpdateTableCommand).rejects(new ConcurrentModificationException({ message: 'concurrent', $metadata: {} }));
    await expect(applyTableChange(new GlueMetastore(glue), tableDef([id, email, { name: 'x', type: T.string, nullable: true }]), 'BACKWARD')).rejects.toThrow(/email changed type from bigint to string/);
    expect(mock.commandCalls(UpdateTableCommand)).toHaveLength(1);
  });

  it('gives up after a bounded number of conflicts', async () => {
    const v1 = glueTable([id], 1);
    mock.on(GetTableCommand).resolves({ Table: v1 });
    mock.on(GetTableVersionsCommand).resolves({ TableVersions: versionsOf(v1) });
    mock.on(GetPartitionsCommand).resolves({ Partitions: [] });
    mock.on(UpdateTableCommand).rejects(new ConcurrentModificationException({ message: 'concurrent', $metadata: {} }));
    await expect(applyTableChange(new GlueMetastore(glue), tableDef([id, email]), 'BACKWARD', { maxAttempts: 3 })).rejects.toThrow(/kept changing while it was being updated \(3 attempts\)/);
    expect(mock.commandCalls(UpdateTableCommand)).toHaveLength(3);
  });

  it('follows NextToken on every list call', async () => {
    mock.on(GetTablesCommand, { NextToken: undefined }).resolves({ TableList: [{ Name: 'b' }], NextToken: 't1' });
    mock.on(GetTablesCommand, { NextToken: 't1' }).resolves({ TableList: [{ Name: 'a' }], NextToken: 't2' });
    mock.on(GetTablesCommand, { NextToken: 't2' }).resolves({ TableList: [{ Name: 'c' }] });
    expect(await new GlueMetastore(glue).listTables('analytics')).toEqual(['a', 'b', 'c']);

    const v = (n: number) => glueTable([id, ...Array.from({ length: n }, (_, i) => ({ name: `c${i}`, type: T.string, nullable: true }))], n);
    mock.on(GetTableVersionsCommand, { NextToken: undefined }).resolves({ TableVersions: versionsOf(v(3), v(2)), NextToken: 'p2' });
    mock.on(GetTableVersionsCommand, { NextToken: 'p2' }).resolves({ TableVersions: versionsOf(v(1)) });
    expect((await new GlueMetastore(glue).getSchemaVersions('analytics', 'events')).map((s) => s.version)).toEqual([1, 2, 3]);

    const part = (day: string) => ({ Values: [day], StorageDescriptor: { Location: `s3://lake/dt=${day}/`, Columns: [{ Name: 'event_id', Type: 'string' }] } });
    mock.on(GetPartitionsCommand, { NextToken: undefined }).resolves({ Partitions: [part('2026-11-02')], NextToken: 'n' });
    mock.on(GetPartitionsCommand, { NextToken: 'n' }).resolves({ Partitions: [part('2026-11-01'), { ...part('x'), Values: ['__HIVE_DEFAULT_PARTITION__'] }] });
    expect((await new GlueMetastore(glue).getPartitions('analytics', 'events')).map((p) => p.values[0])).toEqual(['2026-11-01', '2026-11-02', null]);
  });

  it('collapses table versions that share a schema into one schema version', async () => {
    const a1 = glueTable([id], 1);
    const a2 = { ...glueTable([id], 2), Description: 'only the description changed' };
    const b3 = glueTable([id, email], 3);
    mock.on(GetTableVersionsCommand).resolves({ TableVersions: versionsOf(b3, a2, a1) });
    expect((await new GlueMetastore(glue).getSchemaVersions('analytics', 'events')).map((s) => s.version)).toEqual([1, 3]);
  });

  it('prunes table versions in batches of at most 100 and never the current one', async () => {
    const many = Array.from({ length: 250 }, (_, i) => glueTable(i < 200 ? [id] : [id, { name: `c${i}`, type: T.string, nullable: true }], i + 1));
    mock.on(GetTableVersionsCommand).resolves({ TableVersions: versionsOf(...many) });
    mock.on(BatchDeleteTableVersionCommand).resolves({ Errors: [] });
    // Schema versions: 1 (table versions 1-200), then 201..250 each a new schema.
    const deleted = await new GlueMetastore(glue).pruneSchemaVersions('analytics', 'events', 10);
    expect(deleted[0]).toBe(1);
    expect(deleted).toHaveLength(41);
    const calls = mock.commandCalls(BatchDeleteTableVersionCommand).map((c) => c.args[0].input.VersionIds!);
    expect(calls.every((ids) => ids.length <= 100)).toBe(true);
    const ids = calls.flat().map(Number);
    expect(ids).toHaveLength(240);
    expect(Math.max(...ids)).toBe(240);
    expect(ids).not.toContain(250);
  });

  it('reports the versions Glue could not delete', async () => {
    mock.on(GetTableVersionsCommand).resolves({ TableVersions: versionsOf(glueTable([id], 1), glueTable([id, email], 2)) });
    mock.on(BatchDeleteTableVersionCommand).resolves({ Errors: [{ VersionId: '1', ErrorDetail: { ErrorCode: 'InternalServiceException', ErrorMessage: 'try again' } }] });
    await expect(new GlueMetastore(glue).pruneSchemaVersions('analytics', 'events', 1)).rejects.toThrow(/could not delete 1 version\(s\).*1: InternalServiceException try again/);
  });

  it('writes partitions in batches of at most 100, retries a race as an update, and reports partial failures', async () => {
    mock.on(GetTableCommand).resolves({ Table: glueTable([id], 1) });
    mock.on(GetPartitionsCommand).resolves({ Partitions: [] });
    mock.on(BatchCreatePartitionCommand).callsFake((input: { PartitionInputList: { Values: string[] }[] }) => ({
      Errors: input.PartitionInputList.filter((p) => p.Values[0] === 'p7').map((p) => ({ PartitionValues: p.Values, ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'exists' } })),
    }));
    mock.on(BatchUpdatePartitionCommand).resolves({ Errors: [] });
    const partitions = Array.from({ length: 250 }, (_, i) => ({ values: [`p${i}`], location: `s3://lake/p${i}/` }));
    await new GlueMetastore(glue).upsertPartitions('analytics', 'events', partitions);
    expect(mock.commandCalls(BatchCreatePartitionCommand).map((c) => c.args[0].input.PartitionInputList!.length)).toEqual([100, 100, 50]);
    expect(mock.commandCalls(BatchUpdatePartitionCommand).flatMap((c) => c.args[0].input.Entries!.map((e) => e.PartitionValueList![0]))).toEqual(['p7']);

    mock.on(BatchCreatePartitionCommand).resolves({ Errors: [{ PartitionValues: ['p3'], ErrorDetail: { ErrorCode: 'InvalidInputException', ErrorMessage: 'bad location' } }] });
    await expect(new GlueMetastore(glue).upsertPartitions('analytics', 'events', partitions.slice(0, 5))).rejects.toThrow(/could not create 1 partition\(s\).*\(p3\): InvalidInputException bad location/);
  });

  it('names a column whose Glue type it cannot read', async () => {
    const table = glueTable([id], 1);
    mock.on(GetTableCommand).resolves({ Table: { ...table, StorageDescriptor: { ...table.StorageDescriptor, Columns: [{ Name: 'u', Type: 'uniontype<int,string>' }] } } });
    await expect(new GlueMetastore(glue).getTable('analytics', 'events')).rejects.toThrow(/column u of analytics.events has type uniontype<int,string>, which lakeform cannot read/);
  });

  it('names the limit and what to do when Glue has too many versions', async () => {
    mock.on(GetTableCommand).resolves({ Table: glueTable([id], 1) });
    mock.on(UpdateTableCommand).rejects(new ResourceNumberLimitExceededException({ message: 'Number of table versions exceeds the limit', $metadata: {} }));
    const error = await new GlueMetastore(glue).putTable(tableDef([id, email]), { expectedVersionId: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect(error.message).toContain('glue:UpdateTable on table analytics.events failed: ResourceNumberLimitExceededException');
    expect(error.hint).toContain('etl schema prune');
  });
});

describe('throttling, through the SDK retry', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  async function glueThatThrottles(times: number): Promise<{ endpoint: string; calls: () => number }> {
    let calls = 0;
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls++;
        if (calls <= times) {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ThrottlingException' });
          res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ TableList: [{ Name: 'events' }] }));
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    return { endpoint: `http://127.0.0.1:${port}`, calls: () => calls };
  }

  afterEach(() => {
    delete process.env.AWS_ENDPOINT_URL;
  });

  /** The clients `etl` builds, pointed at the server the way users point them at moto: AWS_ENDPOINT_URL. */
  function metastoreAt(endpoint: string): GlueMetastore {
    process.env.AWS_ENDPOINT_URL = endpoint;
    const clients = awsClients({ region: 'eu-west-1' });
    clients.glue.config.credentials = async () => ({ accessKeyId: 'x', secretAccessKey: 'y' });
    return new GlueMetastore(clients.glue);
  }

  it('retries throttled calls with backoff and succeeds', async () => {
    const glueServer = await glueThatThrottles(2);
    expect(await metastoreAt(glueServer.endpoint).listTables('analytics')).toEqual(['events']);
    expect(glueServer.calls()).toBe(3);
  }, 30_000);

  it(`gives up after ${MAX_ATTEMPTS} attempts with the code and a hint`, async () => {
    const glueServer = await glueThatThrottles(1000);
    const error = await metastoreAt(glueServer.endpoint).listTables('analytics').catch((e) => e);
    expect(glueServer.calls()).toBe(MAX_ATTEMPTS);
    expect(error).toBeInstanceOf(AwsError);
    expect(error.message).toMatch(/^glue:GetTables on database analytics failed: ThrottlingException/);
    expect(error.hint).toContain('throttling');
  }, 60_000);
});
