/**
 * `etl bootstrap`: what an environment needs before the first deploy, created if missing: the
 * bucket for artifacts and tables, the Glue databases the jobs write and read, and for an EMR
 * Serverless target without an application id, the application.
 */
import { CreateBucketCommand, HeadBucketCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import type { Environment } from '../framework/config/config.ts';
import type { Metastore } from '../framework/catalog/metastore.ts';
import type { AwsClients } from './aws/clients.ts';
import { awsErrorCode, fromAws } from './aws/errors.ts';
import { ensureApplication } from './emr-serverless/runs.ts';

export interface BootstrapReport {
  readonly bucket: { readonly name: string; readonly created: boolean };
  readonly databases: readonly { readonly name: string; readonly created: boolean }[];
  /** EMR Serverless environments that name no application: the one created (or found) by name. */
  readonly application?: { readonly name: string; readonly id?: string; readonly created: boolean };
}

export async function bootstrap(env: Environment, clients: AwsClients, metastore: Metastore, databases: readonly string[], options: { dryRun?: boolean } = {}): Promise<BootstrapReport> {
  const bucketExists = await headBucket(clients, env.bucket);
  if (!bucketExists && !options.dryRun) {
    try {
      await clients.s3.send(
        new CreateBucketCommand({
          Bucket: env.bucket,
          // us-east-1 is the one region that takes no location constraint.
          ...(clients.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: clients.region as BucketLocationConstraint } }),
        }),
      );
    } catch (e) {
      if (awsErrorCode(e) !== 'BucketAlreadyOwnedByYou') throw fromAws(e, 's3:CreateBucket', `bucket ${env.bucket}`);
    }
  }
  const existing = new Set(await metastore.listDatabases());
  const wanted = [...new Set(databases)].sort();
  if (!options.dryRun) for (const db of wanted) if (!existing.has(db)) await metastore.ensureDatabase(db);
  const application = await ensureApplication(clients, env, options);
  return { bucket: { name: env.bucket, created: !bucketExists }, databases: wanted.map((name) => ({ name, created: !existing.has(name) })), ...(application ? { application } : {}) };
}

async function headBucket(clients: AwsClients, bucket: string): Promise<boolean> {
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (e) {
    const code = awsErrorCode(e);
    if (code === 'NotFound' || code === 'NoSuchBucket') return false;
    if (code === 'Forbidden' || code === '403') {
      throw fromAws(Object.assign(e as Error, { name: 'AccessDenied' }), 's3:ListBucket (HeadBucket)', `bucket ${bucket}`);
    }
    throw fromAws(e, 's3:ListBucket (HeadBucket)', `bucket ${bucket}`);
  }
}
