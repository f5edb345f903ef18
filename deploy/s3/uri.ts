/** s3://bucket/key URIs. */
import { UsageError } from '../../framework/errors/index.ts';

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

export function parseS3Uri(uri: string): S3Location {
  const m = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new UsageError(`'${uri}' is not an S3 location`, 'write it as s3://bucket/prefix/');
  return { bucket: m[1], key: m[2] };
}
