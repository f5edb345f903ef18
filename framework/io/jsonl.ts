/**
 * JSON lines reader: plain or gzip (by magic bytes; multi-member gzip as Firehose writes it),
 * streamed line by line into column builders of the declared schema. A line that is not
 * valid JSON or does not fit the schema is a bad record with its file, line and reason.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { ColumnBuilder, type Batch } from '../columnar/column.ts';
import type { Field } from '../schema/types.ts';
import { JsonSyntaxError, parseJsonLine } from './json-line.ts';
import { BadRecordError, InputFileError, type BadRecord, type ReadOptions } from './types.ts';
import { JsonNumber, Problem, describeJson, fromJson, type JsonValue } from './values.ts';

const RAW_LIMIT = 4096;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

async function isGzip(file: string): Promise<boolean> {
  const h = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await h.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await h.close();
  }
}

/** Files up to this size are read in one call: many small files (Firehose) make streams' overhead dominate. */
const WHOLE_FILE_LIMIT = 8 << 20;

/** Lines of a file as Buffers (without the newline), with 1-based numbers. */
async function* lines(file: string, onBytes: (n: number) => void): AsyncGenerator<{ bytes: Buffer; line: number }> {
  const size = (await stat(file)).size;
  if (size <= WHOLE_FILE_LIMIT) {
    yield* splitLines(await readSmallFile(file));
    onBytes(size);
    return;
  }
  const gz = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  raw.on('data', (c) => onBytes((c as Buffer).length));
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  let carry: Buffer | null = null;
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
        yield { bytes: buf.subarray(start, nl), line: ++line };
        start = nl + 1;
      }
      carry = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (gz && (err.code === 'Z_BUF_ERROR' || err.code === 'Z_DATA_ERROR' || /unexpected end/i.test(err.message))) {
      throw new InputFileError(file, `is a damaged gzip file (${err.message}) after line ${line}`, 'the file was cut short or corrupted: re-download it, or remove it from the input');
    }
    throw new InputFileError(file, `could not be read: ${err.message}`);
  }
  if (carry && carry.length) yield { bytes: carry, line: ++line };
}

async function readSmallFile(file: string): Promise<Buffer> {
  const raw = await readFile(file);
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw);
  } catch (e) {
    const err = e as Error;
    throw new InputFileError(file, `is a damaged gzip file (${err.message})`, 'the file was cut short or corrupted: re-download it, or remove it from the input');
  }
}

function* splitLines(buf: Buffer): Generator<{ bytes: Buffer; line: number }> {
  let line = 0;
  let start = 0;
  for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
    yield { bytes: buf.subarray(start, nl), line: ++line };
    start = nl + 1;
  }
  if (start < buf.length) yield { bytes: buf.subarray(start), line: ++line };
}

export async function* readJsonLines(files: readonly string[], opts: ReadOptions): AsyncGenerator<Batch> {
  const fields = opts.schema.fields;
  const batchSize = opts.batchSize ?? 65_536;
  const builders = fields.map((f) => new ColumnBuilder(f.type, Math.min(batchSize, 4096)));
  const index = new Map(fields.map((f, i) => [f.name, i]));
  let rows = 0;

  const bad = (file: string, line: number, reason: string, raw: string) => {
    const record: BadRecord = { file, line, reason, raw: raw.length > RAW_LIMIT ? `${raw.slice(0, RAW_LIMIT)}…` : raw };
    if (opts.mode === 'failfast') throw new BadRecordError(record);
    opts.onBadRecord(record);
  };
  const flush = (): Batch => {
    const columns = builders.map((b) => b.finish());
    const batch = { schema: opts.schema, length: rows, columns };
    rows = 0;
    return batch;
  };

  for (const file of files) {
    for await (const { bytes, line } of lines(file, (n) => opts.onProgress?.(n))) {
      let text = bytes.toString('utf8');
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim() === '') continue;
      if (text.includes('\uFFFD')) {
        try {
          strictUtf8.decode(bytes);
        } catch {
          bad(file, line, 'the line is not valid UTF-8', text);
          continue;
        }
      }
      let record: JsonValue;
      try {
        record = parseJsonLine(text);
      } catch (e) {
        if (e instanceof JsonSyntaxError) {
          bad(file, line, e.message, text);
          continue;
        }
        throw e;
      }
      if (record === null || typeof record !== 'object' || Array.isArray(record) || record instanceof JsonNumber) {
        bad(file, line, `expected a JSON object, got ${describeJson(record)}`, text);
        continue;
      }
      const problem = appendRecord(record as Record<string, JsonValue>, fields, index, builders);
      if (problem) {
        bad(file, line, problem, text);
        continue;
      }
      if (++rows === batchSize) yield flush();
    }
  }
  if (rows > 0) yield flush();
}

/** Appends one record to the builders, or returns why it does not fit (leaving the builders unchanged). */
function appendRecord(record: Record<string, JsonValue>, fields: readonly Field[], index: Map<string, number>, builders: ColumnBuilder[]): string | null {
  const values: unknown[] = new Array(fields.length).fill(undefined);
  for (const key in record) {
    const i = index.get(key);
    if (i === undefined) continue;
    const v = record[key];
    if (v === null) continue;
    const f = fields[i];
    const r = fromJson(v, f.type, f.enumValues);
    if (r instanceof Problem) return `${f.name}: ${r.reason}`;
    values[i] = r;
  }
  for (let i = 0; i < fields.length; i++) {
    if (values[i] === undefined && !fields[i].nullable) {
      return `${fields[i].name}: required field is ${fields[i].name in record ? 'null' : 'missing'}`;
    }
  }
  for (let i = 0; i < fields.length; i++) {
    if (values[i] === undefined) builders[i].pushNull();
    else builders[i].push(values[i]);
  }
  return null;
}
