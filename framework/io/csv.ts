/**
 * CSV reader on csv-parse: the header maps columns to the schema by name (case-insensitive),
 * quoted fields may hold delimiters and newlines, and a record that does not fit (wrong
 * number of fields, a value of the wrong type, an unclosed quote) is a bad record with the
 * line where it starts.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Options } from 'csv-parse';
import { ColumnBuilder, type Batch } from '../columnar/column.ts';
import { BadRecordError, InputFileError, sourceName, type BadRecord, type ReadOptions, type ReadSource } from './types.ts';
import { Problem, fromText } from './values.ts';

export interface CsvOptions {
  readonly delimiter?: string;
  readonly header?: boolean;
  readonly quote?: string;
  readonly escape?: string;
  /** Text that means null, besides an empty unquoted field. */
  readonly nullValue?: string;
}

/** A field as parsed: its text and whether it was quoted (a quoted "" is an empty string, not null). */
interface Cell {
  readonly text: string;
  readonly quoted: boolean;
}

export async function* readCsv(files: readonly ReadSource[], opts: ReadOptions & CsvOptions): AsyncGenerator<Batch> {
  const fields = opts.schema.fields;
  const batchSize = opts.batchSize ?? 65_536;
  const builders = fields.map((f) => new ColumnBuilder(f.type, Math.min(batchSize, 4096)));
  let rows = 0;
  const flush = (): Batch => {
    const batch = { schema: opts.schema, length: rows, columns: builders.map((b) => b.finish()) };
    rows = 0;
    return batch;
  };
  const bad = (record: BadRecord) => {
    if (opts.mode === 'failfast') throw new BadRecordError(record);
    opts.onBadRecord(record);
  };

  const enums = fields.map((f) => (f.enumValues ? new Set(f.enumValues) : undefined));
  const values: unknown[] = new Array(fields.length).fill(null);
  const nullValue = opts.nullValue ?? '';
  const { parse } = await import('csv-parse');
  for (const input of files) {
    const file = sourceName(input);
    const parserOptions: Options = {
      delimiter: opts.delimiter ?? ',',
      quote: opts.quote ?? '"',
      escape: opts.escape ?? opts.quote ?? '"',
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      cast: (value, context) => ({ text: value, quoted: context.quoting }) as unknown as string,
    };
    const source = typeof input === 'string' ? createReadStream(input) : Readable.from([Buffer.from(input.bytes)]);
    source.on('data', (c) => opts.onProgress?.((c as Buffer).length));
    const parser = source.pipe(parse(parserOptions));
    let mapping: number[] | null = opts.header === false ? fields.map((_, i) => i) : null;
    let lastLine = 0;
    // csv-parse counts a CRLF inside a quoted field as two lines; this undoes its running excess.
    let excessLines = 0;
    try {
      for await (const item of parser as AsyncIterable<{ record: Cell[]; info: { lines: number }; raw: string }>) {
        const cells = item.record;
        let newlinesInside = 0;
        for (const cell of cells) {
          if (!cell.quoted) continue;
          newlinesInside += countOf(cell.text, '\n');
          excessLines += countOf(cell.text, '\r\n');
        }
        lastLine = item.info.lines - excessLines;
        // Where the record starts, also after skipped empty lines.
        const startLine = lastLine - newlinesInside;
        if (mapping === null) {
          mapping = headerMapping(file, cells.map((c) => c.text), fields.map((f) => ({ name: f.name, nullable: f.nullable })));
          continue;
        }
        const expected = mapping.length;
        if (cells.length !== expected) {
          bad({ file, line: startLine, reason: `expected ${expected} fields, found ${cells.length}`, raw: rawText(item.raw) });
          continue;
        }
        let problem: string | null = null;
        for (let i = 0; i < values.length; i++) values[i] = null;
        for (let c = 0; c < cells.length; c++) {
          const fi = mapping[c];
          if (fi < 0) continue;
          const cell = cells[c];
          const f = fields[fi];
          if (!cell.quoted && (cell.text === '' || cell.text === nullValue)) continue;
          const v = fromText(cell.text, f.type, enums[fi]);
          if (v instanceof Problem) {
            problem = `${f.name}: ${v.reason}`;
            break;
          }
          values[fi] = v;
        }
        if (problem === null) {
          for (let i = 0; i < fields.length; i++) {
            if (values[i] === null && !fields[i].nullable) {
              problem = `${fields[i].name}: required field is empty`;
              break;
            }
          }
        }
        if (problem !== null) {
          bad({ file, line: startLine, reason: problem, raw: rawText(item.raw) });
          continue;
        }
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (v === null) builders[i].pushNull();
          else builders[i].push(v);
        }
        if (++rows === batchSize) yield flush();
      }
    } catch (e) {
      if (e instanceof BadRecordError || e instanceof InputFileError) throw e;
      const err = e as Error & { code?: string; lines?: number };
      if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
        bad({ file, line: lastLine + 1, reason: 'a quoted field is never closed (the rest of the file was swallowed into it)', raw: '' });
        continue;
      }
      throw new InputFileError(file, `could not be parsed as CSV: ${err.message}`);
    }
    if (mapping === null) throw new InputFileError(file, 'is empty: it has no header row', 'a CSV input needs a header naming its columns (or header: false)');
  }
  if (rows > 0) yield flush();
}

function countOf(text: string, part: string): number {
  let n = 0;
  for (let i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length)) n++;
  return n;
}

const RAW_LIMIT = 4096;
const rawText = (raw: string) => {
  const t = raw.replace(/\r?\n$/, '');
  return t.length > RAW_LIMIT ? `${t.slice(0, RAW_LIMIT)}…` : t;
};

/** For each CSV column, the schema field it fills (-1: not in the schema). */
function headerMapping(file: string, header: readonly string[], fields: readonly { name: string; nullable: boolean }[]): number[] {
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    const key = h.trim().toLowerCase();
    if (seen.has(key)) throw new InputFileError(file, `the header names column '${h.trim()}' twice (columns ${seen.get(key)! + 1} and ${i + 1})`, 'rename one of them');
    seen.set(key, i);
  });
  const missing = fields.filter((f) => !seen.has(f.name.toLowerCase()) && !f.nullable).map((f) => f.name);
  if (missing.length) {
    throw new InputFileError(file, `the header lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header: ${header.join(', ')})`, 'add the column to the file, or make it .nullable() in the schema');
  }
  return header.map((h) => fields.findIndex((f) => f.name.toLowerCase() === h.trim().toLowerCase()));
}
