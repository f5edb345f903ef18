/**
 * `etl sample --env`: the newest objects under an input's S3 location (Firehose writes
 * prefix/YYYY/MM/DD/HH/<stream>-<n>-<date>-<uuid>.gz), copied into the job's local sample
 * folder with their relative paths, keeping at most a number of rows in all.
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { GetObjectCommand, paginateListObjectsV2, type _Object, type S3Client } from '@aws-sdk/client-s3';
import { InternalError, UsageError } from '../../framework/errors/index.ts';
import { fromAws } from '../aws/errors.ts';
import { parseS3Uri } from './uri.ts';

export interface CsvDialect {
  readonly delimiter: string;
  readonly quote: string;
}

export interface SampleOptions {
  readonly files: number;
  readonly rows: number;
  readonly format: 'jsonl' | 'csv' | 'parquet';
  /** CSV inputs: the input's delimiter and quote, to find where records end (default: `,` and `"`). */
  readonly csv?: CsvDialect;
  /** Local places to clear before the copy is written (the caller has listed them to the user): they go only once the objects to copy are known. */
  readonly replace: readonly string[];
  /**
   * The key prefix below which object paths are kept locally: the input location's fixed part,
   * so a Firehose object `raw/events/2026/11/01/10/x.gz` lands in `<sample>/2026/11/01/10/x.gz`
   * (default: the listed location itself).
   */
  readonly keepPathsBelow?: string;
  /** Masks the columns the input's schema declares masked (framework/io/mask-records.ts), before anything is written. */
  readonly mask?: (text: string) => { text: string; dropped: number };
}

/** A JSON lines file cut to its first `count` records (one a line; blank lines left out). */
function firstJsonLines(text: string, count: number): { cut: string; records: number } {
  const kept = text.split('\n').filter((l) => l.trim() !== '').slice(0, count);
  return { cut: kept.join('\n') + '\n', records: kept.length };
}

/**
 * A CSV file cut to its header and first `count` records, by records and not by lines: a quoted
 * field may hold newlines, and a cut inside it would leave an unclosed quote. csv-parse finds
 * where the last kept record ends; the text up to there is kept as it was written.
 */
function firstCsvRecords(text: string, count: number, dialect: CsvDialect): { cut: string; records: number } {
  const parsed = parseCsv(text, { ...dialect, info: true, to: count + 1, skip_empty_lines: true, relax_column_count: true, relax_quotes: true, skip_records_with_error: true }) as unknown as { info: { bytes: number } }[];
  if (!parsed.length) return { cut: '', records: 0 };
  const end = parsed[parsed.length - 1].info.bytes;
  const cut = Buffer.from(text, 'utf8').subarray(0, end).toString('utf8');
  return { cut: /[\r\n]$/.test(cut) ? cut : `${cut}\n`, records: parsed.length - 1 };
}

/** Firehose puts records it could not deliver under an error prefix; they are not sample data. */
const ERROR_PREFIX = /(^|\/)(processing-failed|errors?|format-conversion-failed)\//;

/**
 * The fixed part of an input location's key, up to the first templated segment:
 * `s3://{bucket}/raw/events/{dt|yyyy/MM/dd}/` -> `raw/events/`. Sample files keep their paths
 * below it, so the Firehose layout (YYYY/MM/DD/HH/) survives in the local sample.
 */
export function fixedKeyPrefix(pathTemplate: string): string {
  const afterScheme = pathTemplate.replace(/^s3a?:\/\//, '');
  const key = afterScheme.slice(afterScheme.indexOf('/') + 1);
  const brace = key.indexOf('{');
  if (brace < 0) return key;
  return key.slice(0, key.lastIndexOf('/', brace) + 1);
}

export async function listNewest(s3: S3Client, uri: string, count: number): Promise<_Object[]> {
  const { bucket, key: prefix } = parseS3Uri(uri);
  const objects: _Object[] = [];
  try {
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
      for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith('/') && (o.Size ?? 0) > 0 && !ERROR_PREFIX.test(o.Key.slice(prefix.length))) objects.push(o);
    }
  } catch (e) {
    throw fromAws(e, 's3:ListBucket', uri);
  }
  return objects.sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0) || (a.Key! < b.Key! ? 1 : -1)).slice(0, count);
}

/** Copies the newest objects under the locations (one, or the folders of a slice's window; one bucket). */
export async function copyNewestObjects(s3: S3Client, uris: readonly string[], local: string, options: SampleOptions): Promise<{ rows: number; files: string[]; dropped: number }> {
  if (options.format === 'parquet') throw new UsageError('etl sample --env copies JSON lines and CSV inputs', 'copy Parquet samples with aws s3 cp; a Parquet file cannot be cut to a number of rows without rewriting it');
  const { bucket, key: prefix } = parseS3Uri(uris[0]);
  const single = path.extname(local) !== '' && !(existsSync(local) && statSync(local).isDirectory());
  const count = single ? 1 : options.files;
  const listed = (await Promise.all(uris.map((uri) => listNewest(s3, uri, count)))).flat();
  const newest = listed.sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0) || (a.Key! < b.Key! ? 1 : -1)).slice(0, count);
  if (!newest.length) throw new UsageError(`no objects under ${uris.length === 1 ? uris[0] : `${uris[0]} … ${uris[uris.length - 1]} (${uris.length} folders)`}`, 'check the input location and the job parameters (--param), e.g. the day');

  for (const place of options.replace) rmSync(place, { recursive: true, force: true });

  const base = options.keepPathsBelow ?? prefix;
  if (!prefix.startsWith(base)) throw new InternalError(`keepPathsBelow '${base}' is not a prefix of '${prefix}'`);
  let left = options.rows;
  let dropped = 0;
  const written: string[] = [];
  for (const o of newest) {
    if (left <= 0) break;
    let bytes: Uint8Array;
    try {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
      bytes = await res.Body!.transformToByteArray();
    } catch (e) {
      throw fromAws(e, 's3:GetObject', `s3://${bucket}/${o.Key}`);
    }
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    const text = Buffer.from(gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
    const { cut, records } = options.format === 'csv' ? firstCsvRecords(text, left, options.csv ?? { delimiter: ',', quote: '"' }) : firstJsonLines(text, left);
    left -= records;
    const masked = options.mask ? options.mask(cut) : { text: cut, dropped: 0 };
    dropped += masked.dropped;
    const content = masked.text;
    const target = single ? local : path.join(local, o.Key!.slice(base.length).replace(/^\/+/, ''));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, gzipped ? gzipSync(content) : content);
    written.push(target);
  }
  return { rows: options.rows - left - dropped, files: written, dropped };
}
