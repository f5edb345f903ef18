/**
 * CSV reader on csv-parse: the header maps columns to the schema by name (case-insensitive),
 * quoted fields may hold delimiters and newlines, and a record that does not fit (wrong
 * number of fields, a value of the wrong type, an unclosed quote, a quote inside an unquoted
 * field or text after a closing quote) is a bad record with the line where it starts; the rest
 * of the file is read on. Line endings are LF, CRLF or CR alone, whichever the file uses first
 * (csv-parse's discovery; the Spark driver's reader does the same).
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Options } from 'csv-parse';
import { ColumnBuilder, type Batch } from '../columnar/column.ts';
import { BadRecordError, InputFileError, sourceName, type BadRecord, type ReadOptions, type ReadSource } from './types.ts';
import { escapeControlCharacters } from '../errors/index.ts';
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
  const bad = (found: BadRecord) => {
    const record = { ...found, reason: escapeControlCharacters(found.reason) };
    if (opts.mode === 'failfast') throw new BadRecordError(record);
    opts.onBadRecord(record);
  };

  const enums = fields.map((f) => (f.enumValues ? new Set(f.enumValues) : undefined));
  const values: unknown[] = new Array(fields.length).fill(null);
  /** Lenient columns whose value in the current record did not fit (read as null). */
  const nulled: string[] = [];
  const nullValue = opts.nullValue ?? '';
  const { parse } = await import('csv-parse');
  for (const input of files) {
    const file = sourceName(input);
    const delimiter = opts.delimiter ?? ',';
    const quote = opts.quote ?? '"';
    const parserOptions: Options = {
      delimiter,
      quote,
      escape: opts.escape ?? quote,
      bom: true,
      relax_column_count: true,
      // A stray quote is kept in the field's text (and the record found bad below), instead of
      // csv-parse failing the whole file on it.
      relax_quotes: true,
      // Empty lines come through as records and are skipped below, so every line is counted.
      skip_empty_lines: false,
      raw: true,
      // A record csv-parse cannot parse is handed to on_skip instead of failing the stream: a
      // failed stream drops the records it had parsed but not yet delivered (for a file under
      // 64 KB, every record before an unclosed quote at its end). Handled after the records.
      skip_records_with_error: true,
      on_skip: (err: Error | undefined) => {
        if (err) skipped.push(err as Error & { code?: string });
      },
    };
    const skipped: (Error & { code?: string })[] = [];
    const source = typeof input === 'string' ? createReadStream(input) : Readable.from([Buffer.from(input.bytes)]);
    source.on('data', (c) => opts.onProgress?.((c as Buffer).length));
    const parser = source.pipe(parse(parserOptions));
    let mapping: number[] | null = opts.header === false ? fields.map((_, i) => i) : null;
    // Lines are counted from each record's raw text (its newlines, embedded ones included), and
    // which fields were quoted is read from it too: csv-parse's per-field and per-record info
    // objects cost 0.7 s on a 40,000-row file, more than the parsing itself.
    let lastLine = 0;
    try {
      for await (const item of parser as AsyncIterable<{ record: string[]; raw: string }>) {
        const startLine = lastLine + 1;
        lastLine += linesOf(item.raw);
        if (item.record.length === 1 && item.record[0] === '' && isBlank(item.raw)) continue;
        const { cells, problem: quoting } = cellsOf(item.record, item.raw, quote, delimiter);
        if (mapping === null) {
          mapping = headerMapping(file, cells.map((c) => c.text), fields.map((f) => ({ name: f.name, nullable: f.nullable })));
          continue;
        }
        if (quoting) {
          bad({ file, line: startLine, reason: quoting, raw: rawText(item.raw) });
          continue;
        }
        const expected = mapping.length;
        if (cells.length !== expected) {
          bad({ file, line: startLine, reason: `expected ${expected} fields, found ${cells.length}`, raw: rawText(item.raw) });
          continue;
        }
        let problem: string | null = null;
        nulled.length = 0;
        for (let i = 0; i < values.length; i++) values[i] = null;
        for (let c = 0; c < cells.length; c++) {
          const fi = mapping[c];
          if (fi < 0) continue;
          const cell = cells[c];
          const f = fields[fi];
          if (!cell.quoted && (cell.text === '' || cell.text === nullValue)) continue;
          const v = fromText(cell.text, f.type, enums[fi]);
          if (v instanceof Problem) {
            if (f.lenient) {
              nulled.push(f.name);
              continue;
            }
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
        if (opts.onLenientNull) for (const column of nulled) opts.onLenientNull(column);
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (v === null) builders[i].pushNull();
          else builders[i].push(v);
        }
        if (++rows === batchSize) yield flush();
      }
    } catch (e) {
      if (e instanceof BadRecordError || e instanceof InputFileError) throw e;
      throw new InputFileError(file, `could not be parsed as CSV: ${(e as Error).message}`);
    }
    for (const err of skipped) {
      // An unclosed quote is found at the end of the input, after every record before it.
      if (err.code !== 'CSV_QUOTE_NOT_CLOSED') throw new InputFileError(file, `could not be parsed as CSV: ${err.message}`);
      bad({ file, line: lastLine + 1, reason: 'a quoted field is never closed (the rest of the file was swallowed into it)', raw: '' });
    }
    if (mapping === null) throw new InputFileError(file, 'is empty: it has no header row', 'a CSV input needs a header naming its columns (or header: false)');
  }
  if (rows > 0) yield flush();
}

/**
 * Lines a record takes: the newlines inside its raw text, plus its own line end, which csv-parse
 * leaves out of the raw text (all of it, or just the LF of a CRLF).
 */
function linesOf(raw: string): number {
  let n = 0;
  for (let i = raw.indexOf('\n'); i >= 0; i = raw.indexOf('\n', i + 1)) n++;
  return raw.endsWith('\n') ? n : n + 1;
}

/** An empty line: nothing but its line ending. */
const isBlank = (raw: string) => raw === '' || raw === '\n' || raw === '\r\n' || raw === '\r';

/**
 * The record's fields with whether each was quoted (a quoted "" is an empty string, an empty
 * unquoted field is null), and what is wrong with its quoting: csv-parse (relax_quotes) keeps a
 * quote inside an unquoted field, or text after a closing quote, in the field's text, where it
 * would be data nobody wrote; such a record is bad. A field is quoted exactly when it starts with
 * the quote character; a record without any quote has none.
 */
function cellsOf(values: readonly string[], raw: string, quote: string, delimiter: string): { cells: Cell[]; problem?: string } {
  if (raw.indexOf(quote) < 0) return { cells: values.map((text) => ({ text, quoted: false })) };
  const cells: Cell[] = [];
  const end = raw.length - (/\r?\n$|\r$/.exec(raw)?.[0].length ?? 0);
  let problem: string | undefined;
  let at = 0;
  for (const text of values) {
    const quoted = raw.startsWith(quote, at);
    cells.push({ text, quoted });
    if (!quoted && text.includes(quote)) problem ??= strayQuote(cells.length);
    if (quoted) {
      // skip the quoted part: a doubled quote is a quote inside it
      at += quote.length;
      for (;;) {
        const q = raw.indexOf(quote, at);
        if (q < 0) {
          at = raw.length;
          break;
        }
        at = q + quote.length;
        if (raw.startsWith(quote, at)) at += quote.length;
        else break;
      }
      if (at < end && !raw.startsWith(delimiter, at)) problem ??= textAfterQuote(cells.length);
    }
    const d = raw.indexOf(delimiter, at);
    at = d < 0 ? raw.length : d + delimiter.length;
  }
  return problem === undefined ? { cells } : { cells, problem };
}

// The same reasons as the Spark driver's csv_records.
const strayQuote = (field: number) => `field ${field} has a quote inside an unquoted value: quote the whole field and double the quotes in it`;
const textAfterQuote = (field: number) => `field ${field} has text after its closing quote: quote the whole field and double the quotes in it`;

const RAW_LIMIT = 4096;
const rawText = (raw: string) => {
  const t = raw.replace(/\r?\n$|\r$/, '');
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
