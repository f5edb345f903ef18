/**
 * Content-addressed artifacts: the driver under s3://<bucket>/<prefix>/drivers/<driverHash>/,
 * plan.json and job.sql under s3://<bucket>/<prefix>/artifacts/<planHash>/. A hash names its
 * content, so present artifacts are never uploaded again. The driver goes first and plan.json
 * last: a folder whose plan.json exists is complete and finds its driver, and an interrupted
 * upload leaves nothing a step would run.
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

/** The driver, shared by every plan, and a plan's folder (plan.json last). */
export interface ArtifactUploads {
  readonly driver: ArtifactUpload;
  readonly folder: readonly ArtifactUpload[];
}

export function artifactUploads(compiled: CompiledJob, driverSource: string): ArtifactUploads {
  return {
    driver: { uri: compiled.artifacts.driverUri, body: driverSource, contentType: 'text/x-python' },
    folder: [
      { uri: compiled.artifacts.sqlUri, body: compiled.spark.sql + '\n', contentType: 'application/sql' },
      { uri: compiled.artifacts.planUri, body: stableJson(compiled.artifact) + '\n', contentType: 'application/json' },
    ],
  };
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

/** Uploads the driver unless it is there, then the plan's folder unless its plan.json is; returns the URIs uploaded. */
export async function uploadArtifacts(s3: S3Client, uploads: ArtifactUploads, options: { dryRun?: boolean } = {}): Promise<{ readonly uploaded: string[]; readonly present: boolean }> {
  const plan = uploads.folder[uploads.folder.length - 1];
  const pending = [...((await objectExists(s3, uploads.driver.uri)) ? [] : [uploads.driver]), ...((await objectExists(s3, plan.uri)) ? [] : uploads.folder)];
  if (!options.dryRun) for (const u of pending) await uploadObject(s3, u);
  return { uploaded: pending.map((u) => u.uri), present: pending.length === 0 };
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
