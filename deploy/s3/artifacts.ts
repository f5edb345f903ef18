/**
 * Content-addressed artifacts: plan.json, job.sql and driver.py under
 * s3://<bucket>/<prefix>/artifacts/<planHash>/. A plan hash names its content, so present
 * artifacts are never uploaded again. plan.json goes last: a folder whose plan.json exists is
 * complete, and an interrupted upload leaves nothing a step would run.
 */
import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CompiledJob } from '../../framework/compile/compile-job.ts';
import { stableJson } from '../../framework/compile/compile-job.ts';
import { awsErrorCode, fromAws } from '../aws/errors.ts';
import { parseS3Uri } from './uri.ts';

export interface ArtifactUpload {
  readonly uri: string;
  readonly body: string;
  readonly contentType: string;
}

export function artifactUploads(compiled: CompiledJob, driverSource: string): ArtifactUpload[] {
  return [
    { uri: compiled.artifacts.driverUri, body: driverSource, contentType: 'text/x-python' },
    { uri: compiled.artifacts.sqlUri, body: compiled.spark.sql + '\n', contentType: 'application/sql' },
    { uri: compiled.artifacts.planUri, body: stableJson(compiled.artifact) + '\n', contentType: 'application/json' },
  ];
}

export async function objectExists(s3: S3Client, uri: string): Promise<boolean> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    const code = awsErrorCode(e);
    if (code === 'NotFound' || code === 'NoSuchKey') return false;
    throw fromAws(e, 's3:GetObject (HeadObject)', `s3://${bucket}/${key}`);
  }
}

/** Uploads the artifacts unless plan.json is already there; returns the URIs uploaded. */
export async function uploadArtifacts(s3: S3Client, uploads: readonly ArtifactUpload[], options: { dryRun?: boolean } = {}): Promise<{ readonly uploaded: string[]; readonly present: boolean }> {
  const plan = uploads[uploads.length - 1];
  if (await objectExists(s3, plan.uri)) return { uploaded: [], present: true };
  if (options.dryRun) return { uploaded: uploads.map((u) => u.uri), present: false };
  for (const u of uploads) await uploadObject(s3, u);
  return { uploaded: uploads.map((u) => u.uri), present: false };
}

/** One object, with its SHA-256 checked by S3 on arrival. */
export async function uploadObject(s3: S3Client, u: ArtifactUpload): Promise<void> {
  const { bucket, key } = parseS3Uri(u.uri);
  const body = Buffer.from(u.body, 'utf8');
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: u.contentType, ChecksumSHA256: createHash('sha256').update(body).digest('base64') }));
  } catch (e) {
    throw fromAws(e, 's3:PutObject', `s3://${bucket}/${key}`);
  }
}
