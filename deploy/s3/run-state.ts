/**
 * A table's run state in S3 (framework/slices/state.ts has the layout), as `etl backfill`
 * reads it to skip days that are up to date: the slice records the driver writes after each
 * committed run, and the fingerprint of the input objects a slice's run would read, computed
 * from a listing by the rule the driver applies to what it reads.
 */
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { PlanArtifact } from '../../framework/compile/compile-job.ts';
import { isDataFile } from '../../framework/io/files.ts';
import { parsePartitionPath } from '../../framework/io/hive.ts';
import { inputFingerprint, type SliceRecord } from '../../framework/slices/state.ts';
import { fromAws } from '../aws/errors.ts';
import { readS3Text } from '../emr/wait.ts';
import { parseS3Uri } from './uri.ts';

export async function readSliceRecordS3(s3: S3Client, artifact: PlanArtifact): Promise<SliceRecord | undefined> {
  const slice = artifact.output.slice;
  if (!slice) return undefined;
  const text = await readS3Text(s3, `${artifact.state}slices/${slice.key.replaceAll('/', ',')}.json`);
  return text === undefined ? undefined : (JSON.parse(text) as SliceRecord);
}

interface Listed {
  readonly key: string;
  readonly size: number;
  readonly mtimeMs: number;
}

async function listUnder(s3: S3Client, uri: string): Promise<Listed[]> {
  const { bucket, key } = parseS3Uri(uri);
  const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
  const out: Listed[] = [];
  try {
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
      for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith('/')) out.push({ key: `s3://${bucket}/${o.Key}`, size: o.Size ?? 0, mtimeMs: o.LastModified?.getTime() ?? 0 });
    }
  } catch (e) {
    throw fromAws(e, 's3:ListBucket', uri);
  }
  return out;
}

const below = (root: string, uri: string) => uri.slice(root.replace(/\/?$/, '/').length);

/** The fingerprint of the objects the plan's run would read (what the driver records after it). */
export async function inputFingerprintS3(s3: S3Client, artifact: PlanArtifact): Promise<string> {
  const lines: { input: string; key: string; size: number; mtimeMs: number }[] = [];
  for (const input of artifact.inputs) {
    const root = input.root ?? input.location ?? input.locations?.[0];
    if (!root) continue;
    const format = input.format === 'table' ? 'parquet' : input.format;
    const locations = input.format === 'table' ? [input.location!] : input.locations!;
    for (const location of locations) {
      for (const o of await listUnder(s3, location)) {
        if (!isDataFile(below(location, o.key), format)) continue;
        const key = below(root, o.key);
        const range = input.partitionRange;
        if (range) {
          const value = parsePartitionPath(key).find((p) => p.name === range.column)?.value;
          if (value === null || value === undefined || value < range.from || value >= range.to) continue;
        }
        lines.push({ input: input.name, key, size: o.size, mtimeMs: o.mtimeMs });
      }
    }
  }
  return inputFingerprint(lines);
}
