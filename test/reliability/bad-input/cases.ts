/**
 * The bad-input matrix: each case is a small generated input with its expected outcome. In
 * permissive and dropmalformed mode a case writes `written` rows and counts `bad` records (each
 * with its line and reason); in failfast mode the first bad record stops the run, naming its
 * file and line, with nothing written. A `fileError` is the same in every mode: the file cannot
 * be read at all (as in Spark, a damaged file is not a bad record).
 */
import { gzipSync } from 'node:zlib';
import type { Format } from './harness.ts';

export interface BadInputCase {
  readonly name: string;
  readonly format: Format;
  /** File name -> content, or a function that writes the files itself (Parquet). */
  readonly files: Readonly<Record<string, string | Uint8Array>> | ((dir: string) => Promise<void>);
  readonly expect:
    | { readonly written: number; readonly bad?: readonly (readonly [line: number, reason: RegExp])[]; readonly rows?: readonly Record<string, unknown>[] }
    | { readonly fileError: RegExp };
  /** What a reader of docs/reliability.md should know about the outcome. */
  readonly note: string;
}

const lines = (...records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

export const JSONL_CASES: readonly BadInputCase[] = [
  { name: 'valid records', format: 'jsonl', files: { 'a.jsonl': lines({ id: 1, name: 'x' }, { id: 2 }) }, expect: { written: 2 }, note: 'the baseline' },
  {
    name: 'truncated JSON line',
    format: 'jsonl',
    files: { 'a.jsonl': '{"id":1}\n{"id":2,"name":"a"\n{"id":3}\n' },
    expect: { written: 2, bad: [[2, /invalid JSON: unexpected end of line \(truncated record\?\)/]] },
    note: 'one bad record; the lines around it are read',
  },
  { name: 'last line without newline', format: 'jsonl', files: { 'a.jsonl': '{"id":1}\n{"id":2}' }, expect: { written: 2 }, note: 'read like any other line' },
  { name: 'blank and whitespace lines', format: 'jsonl', files: { 'a.jsonl': '{"id":1}\n\n   \n\t\n{"id":2}\n' }, expect: { written: 2 }, note: 'skipped, as Spark skips them; line numbers still count them' },
  { name: 'CRLF line ends', format: 'jsonl', files: { 'a.jsonl': '{"id":1}\r\n{"id":2}\r\n' }, expect: { written: 2 }, note: 'read as LF' },
  { name: 'UTF-8 byte order mark', format: 'jsonl', files: { 'a.jsonl': '\uFEFF{"id":1}\n{"id":2}\n' }, expect: { written: 2 }, note: 'the BOM is skipped' },
  {
    name: 'invalid UTF-8',
    format: 'jsonl',
    files: { 'a.jsonl': Buffer.concat([Buffer.from('{"id":1,"name":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}\n{"id":2}\n')]) },
    expect: { written: 1, bad: [[1, /not valid UTF-8/]] },
    note: 'a bad record rather than replacement characters in the data',
  },
  {
    name: 'NaN and Infinity literals',
    format: 'jsonl',
    files: { 'a.jsonl': '{"id":1,"amount":NaN}\n{"id":2,"amount":Infinity}\n{"id":3,"amount":-Infinity}\n{"id":4,"amount":1.5}\n' },
    expect: { written: 1, bad: [[1, /NaN and Infinity are not JSON numbers/], [2, /NaN and Infinity/], [3, /NaN and Infinity/]] },
    note: 'not JSON; bad records (Spark would accept them with allowNonNumericNumbers)',
  },
  {
    name: 'int64 overflow',
    format: 'jsonl',
    files: { 'a.jsonl': '{"id":9223372036854775808}\n{"id":-9223372036854775808}\n' },
    expect: { written: 1, bad: [[1, /id: 9223372036854775808 is out of the bigint range/]] },
    note: 'out of range is a bad record, never a wrapped or rounded value',
  },
  {
    name: 'integers beyond 2^53',
    format: 'jsonl',
    files: { 'a.jsonl': '{"id":9007199254740993}\n' },
    expect: { written: 1, rows: [{ id: '9007199254740993' }] },
    note: 'exact (JSON.parse would round it to ...992)',
  },
  {
    name: 'float where an int is expected',
    format: 'jsonl',
    files: { 'a.jsonl': '{"id":1,"n":1.5}\n{"id":2,"n":3.0}\n{"id":3,"n":7}\n' },
    expect: { written: 1, bad: [[1, /n: expected int, got a fractional number 1\.5/], [2, /fractional number 3\.0/]] },
    note: 'as Spark: a number with a fraction or exponent is not an int',
  },
  {
    name: 'deep nesting',
    format: 'jsonl',
    files: { 'a.jsonl': `{"id":1,"x":${'['.repeat(40)}${']'.repeat(40)}}\n{"id":2,"x":${'['.repeat(200)}${']'.repeat(200)}}\n` },
    expect: { written: 1, bad: [[2, /nesting deeper than 64 levels/]] },
    note: 'up to 64 levels are read (skipped when unknown); deeper is a bad record, bounding the parser',
  },
  { name: '10 MB string', format: 'jsonl', files: { 'a.jsonl': `{"id":1,"name":"${'x'.repeat(10_000_000)}"}\n` }, expect: { written: 1 }, note: 'read whole' },
  {
    name: 'duplicate keys',
    format: 'jsonl',
    files: { 'a.jsonl': '{"id":1,"id":2}\n{"id":3,"name":"a","name":"b"}\n' },
    expect: { written: 2, rows: [{ id: '2' }, { id: '3', name: 'b' }] },
    note: 'the last value wins, as in Spark (Jackson)',
  },
  { name: 'unknown fields', format: 'jsonl', files: { 'a.jsonl': '{"id":1,"zzz":{"a":[1,2]},"yy":null}\n' }, expect: { written: 1 }, note: 'ignored' },
  { name: 'missing optional fields', format: 'jsonl', files: { 'a.jsonl': '{"id":1}\n' }, expect: { written: 1, rows: [{ id: '1', name: null, n: null }] }, note: 'null' },
  {
    name: 'missing or null required field',
    format: 'jsonl',
    files: { 'a.jsonl': '{"name":"a"}\n{"id":null}\n{"id":2}\n' },
    expect: { written: 1, bad: [[1, /missing required field id/], [2, /id: required field is null/]] },
    note: 'bad records naming the field',
  },
  {
    name: 'enum violation',
    format: 'jsonl',
    files: { 'a.jsonl': '{"id":1,"kind":"c"}\n{"id":2,"kind":"a"}\n' },
    expect: { written: 1, bad: [[1, /kind: "c" is not one of a, b/]] },
    note: 'a bad record naming the allowed values',
  },
  {
    name: 'timestamp with an offset',
    format: 'jsonl',
    files: { 'a.jsonl': '{"id":1,"ts":"2026-11-01T10:00:00+02:00"}\n' },
    expect: { written: 1, rows: [{ ts: '2026-11-01 08:00:00+00' }] },
    note: 'converted to UTC',
  },
  { name: 'timestamp without a zone', format: 'jsonl', files: { 'a.jsonl': '{"id":1,"ts":"2026-11-01T10:00:00"}\n' }, expect: { written: 1, rows: [{ ts: '2026-11-01 10:00:00+00' }] }, note: 'read as UTC, the session time zone' },
  {
    name: 'timestamp with nanoseconds',
    format: 'jsonl',
    files: { 'a.jsonl': '{"id":1,"ts":"2026-11-01T10:00:00.123456789Z"}\n' },
    expect: { written: 1, rows: [{ ts: '2026-11-01 10:00:00.123456+00' }] },
    note: 'truncated to microseconds, as Spark does',
  },
  {
    name: 'impossible dates',
    format: 'jsonl',
    files: { 'a.jsonl': '{"id":1,"d":"2026-02-30"}\n{"id":2,"ts":"2026-13-01T00:00:00Z"}\n{"id":3,"d":"2028-02-29"}\n' },
    expect: { written: 1, bad: [[1, /February 2026 has no day 30/], [2, /month 13 does not exist/]] },
    note: 'bad records saying what is impossible',
  },
  { name: 'truncated gzip', format: 'jsonl', files: { 'a.jsonl.gz': gzipSync(lines({ id: 1 }, { id: 2 }, { id: 3 })).subarray(0, 20) }, expect: { fileError: /a\.jsonl\.gz: is a damaged gzip file/ }, note: 'the run fails naming the file; nothing is written' },
  { name: 'multi-member gzip', format: 'jsonl', files: { 'a.jsonl.gz': Buffer.concat([gzipSync(lines({ id: 1 })), gzipSync(lines({ id: 2 }))]) }, expect: { written: 2 }, note: 'every member is read (Firehose concatenates members)' },
  { name: 'empty gzip', format: 'jsonl', files: { 'a.jsonl.gz': gzipSync('') }, expect: { written: 0 }, note: 'no rows' },
  { name: 'a plain file named .gz', format: 'jsonl', files: { 'a.jsonl.gz': lines({ id: 1 }) }, expect: { written: 1 }, note: 'recognised by content (no gzip magic) and read as text' },
  { name: 'zero input files', format: 'jsonl', files: {}, expect: { fileError: /contains no JSON lines files/ }, note: 'an error naming the folder, not an empty table' },
];

export const CSV_CASES: readonly BadInputCase[] = [
  { name: 'CSV valid, empty field', format: 'csv', files: { 'a.csv': 'id,name\n1,x\n2,\n' }, expect: { written: 2, rows: [{ id: '1', name: 'x' }, { id: '2', name: null }] }, note: 'an empty unquoted field is null' },
  {
    name: 'CSV ragged rows',
    format: 'csv',
    files: { 'a.csv': 'id,name,n\n1,x\n2,y,3,extra\n3,z,4\n' },
    expect: { written: 1, bad: [[2, /expected 3 fields, found 2/], [3, /expected 3 fields, found 4/]] },
    note: 'bad records (stricter than Spark, which pads or drops fields silently)',
  },
  {
    name: 'CSV unclosed quote',
    format: 'csv',
    files: { 'a.csv': 'id,name\n1,"abc\n2,x\n' },
    expect: { written: 0, bad: [[2, /a quoted field is never closed/]] },
    note: 'one bad record from the opening quote to the end of the file',
  },
  {
    name: 'CSV embedded newline',
    format: 'csv',
    files: { 'a.csv': 'id,name\n1,"a\nb"\nx,y\n3,c\n' },
    expect: { written: 2, bad: [[4, /id: expected bigint, got "x"/]], rows: [{ id: '1', name: 'a\nb' }, { id: '3', name: 'c' }] },
    note: 'a quoted newline stays in the value; later line numbers stay right',
  },
  { name: 'CSV header in another case', format: 'csv', files: { 'a.csv': 'ID,Name\n1,x\n' }, expect: { written: 1, rows: [{ id: '1', name: 'x' }] }, note: 'header names match case-insensitively, as Spark does' },
  { name: 'CSV duplicate header', format: 'csv', files: { 'a.csv': 'id,name,name\n1,x,y\n' }, expect: { fileError: /the header names column 'name' twice \(columns 2 and 3\)/ }, note: 'an error naming the columns' },
  { name: 'CSV with a byte order mark', format: 'csv', files: { 'a.csv': '\uFEFFid,name\n1,x\n' }, expect: { written: 1 }, note: 'the BOM is skipped' },
];

/** Parquet files written by DuckDB, an independent writer. */
async function duckdbParquet(dir: string, file: string, select: string, corrupt?: (bytes: Buffer) => Buffer): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const { readFileSync, writeFileSync } = await import('node:fs');
  const path = (await import('node:path')).default;
  const target = path.join(dir, file);
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    await conn.run(`COPY (${select}) TO '${target}' (FORMAT parquet)`);
  } finally {
    conn.closeSync();
  }
  if (corrupt) writeFileSync(target, corrupt(readFileSync(target)));
}

export const PARQUET_CASES: readonly BadInputCase[] = [
  { name: 'Parquet valid', format: 'parquet', files: (dir) => duckdbParquet(dir, 'a.parquet', "SELECT 1::BIGINT AS id, 'x' AS name"), expect: { written: 1, rows: [{ id: '1', name: 'x' }] }, note: 'the baseline; absent optional columns are null' },
  { name: 'Parquet with no rows', format: 'parquet', files: (dir) => duckdbParquet(dir, 'a.parquet', 'SELECT 1::BIGINT AS id WHERE false'), expect: { written: 0 }, note: 'no rows, no error' },
  {
    name: 'Parquet with a damaged footer',
    format: 'parquet',
    files: (dir) => duckdbParquet(dir, 'a.parquet', 'SELECT 1::BIGINT AS id', (b) => b.subarray(0, b.length - 12)),
    expect: { fileError: /a\.parquet/ },
    note: 'the run fails naming the file',
  },
  {
    name: 'Parquet column of another type',
    format: 'parquet',
    files: (dir) => duckdbParquet(dir, 'a.parquet', "SELECT 'one' AS id"),
    expect: { fileError: /a\.parquet.*\bid\b/s },
    note: 'the run fails naming the file and the column',
  },
];
