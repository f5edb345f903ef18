/**
 * Applies column masks (framework/schema/mask.ts) to JSON-lines and CSV text, changing only
 * the masked values: every other byte of a JSON line stays as it was (integers beyond 2^53
 * keep their digits), and nulls stay null. A JSON line that cannot be parsed is dropped, since
 * its masked fields cannot be found in it; the count is reported.
 */
import type { Options } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { maskValue, type MaskRule } from '../schema/mask.ts';

export interface MaskedText {
  readonly text: string;
  /** Records dropped because they could not be parsed (and so not masked). */
  readonly dropped: number;
}

export function maskJsonLines(text: string, rules: ReadonlyMap<string, MaskRule>): MaskedText {
  if (!rules.size) return { text, dropped: 0 };
  let dropped = 0;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      out.push(line);
      continue;
    }
    const masked = maskJsonLine(line, rules);
    if (masked === null) dropped++;
    else out.push(masked);
  }
  return { text: out.join('\n'), dropped };
}

class Unparseable extends Error {}

/** The line with the masked top-level fields' values replaced, or null when it is not a JSON object. */
export function maskJsonLine(line: string, rules: ReadonlyMap<string, MaskRule>): string | null {
  let p = 0;
  const ws = () => {
    while (p < line.length && ' \t\r\n'.includes(line[p])) p++;
  };
  const expect = (c: string) => {
    if (line[p] !== c) throw new Unparseable();
    p++;
  };
  const stringEnd = (start: number): number => {
    let i = start + 1;
    for (; i < line.length; i++) {
      if (line[i] === '\\') i++;
      else if (line[i] === '"') return i + 1;
    }
    throw new Unparseable();
  };
  /** Skips one JSON value (its syntax is the reader's business); returns its end. */
  const valueEnd = (start: number): number => {
    if (line[start] === '"') return stringEnd(start);
    if (line[start] === '{' || line[start] === '[') {
      let depth = 0;
      for (let i = start; i < line.length; i++) {
        const c = line[i];
        if (c === '"') i = stringEnd(i) - 1;
        else if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') {
          if (--depth === 0) return i + 1;
        }
      }
      throw new Unparseable();
    }
    let i = start;
    while (i < line.length && !',}] \t\r'.includes(line[i])) i++;
    if (i === start) throw new Unparseable();
    return i;
  };
  const edits: { start: number; end: number; text: string }[] = [];
  try {
    ws();
    expect('{');
    ws();
    if (line[p] === '}') return line;
    for (;;) {
      ws();
      const keyEnd = stringEnd(p);
      const key = JSON.parse(line.slice(p, keyEnd)) as string;
      p = keyEnd;
      ws();
      expect(':');
      ws();
      const start = p;
      p = valueEnd(p);
      const rule = rules.get(key);
      const raw = line.slice(start, p);
      if (rule && raw !== 'null') {
        const text = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
        edits.push({ start, end: p, text: JSON.stringify(maskValue(text, rule)) });
      }
      ws();
      if (line[p] === ',') {
        p++;
        continue;
      }
      expect('}');
      break;
    }
  } catch (e) {
    if (e instanceof Unparseable || e instanceof SyntaxError) return null;
    throw e;
  }
  let result = line;
  for (const e of edits.reverse()) result = result.slice(0, e.start) + e.text + result.slice(e.end);
  return result;
}

export interface CsvDialect {
  readonly delimiter: string;
  readonly quote: string;
  /** Unquoted text that means null (besides an empty field): not masked. */
  readonly nullValue?: string;
}

/**
 * Masks CSV columns named in the header (case-insensitive, as the reader maps them). Records are
 * written back with the same delimiter and quote; a quoted field stays quoted (a quoted "" is an
 * empty string, an unquoted empty field is null, and that difference survives).
 */
export function maskCsv(text: string, rules: ReadonlyMap<string, MaskRule>, dialect: CsvDialect): MaskedText {
  if (!rules.size || text.trim() === '') return { text, dropped: 0 };
  const options: Options = {
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    escape: dialect.quote,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    cast: (value, context) => ({ text: value, quoted: context.quoting }) as unknown as string,
  };
  const records = parse(text, options) as unknown as { text: string; quoted: boolean }[][];
  const [header, ...body] = records;
  const byIndex = header.map((h) => [...rules].find(([name]) => name.toLowerCase() === h.text.trim().toLowerCase())?.[1]);
  const q = dialect.quote;
  const needsQuotes = (s: string) => s === '' || s.includes(dialect.delimiter) || s.includes(q) || /[\r\n]/.test(s);
  const field = (f: { text: string; quoted: boolean }) => (f.quoted || needsQuotes(f.text) && f.text !== '' ? `${q}${f.text.split(q).join(q + q)}${q}` : f.text);
  const lines = [header.map(field).join(dialect.delimiter)];
  for (const record of body) {
    lines.push(
      record
        .map((f, i) => {
          const rule = byIndex[i];
          if (!rule || (!f.quoted && (f.text === '' || f.text === dialect.nullValue))) return field(f);
          return field({ text: maskValue(f.text, rule), quoted: f.quoted });
        })
        .join(dialect.delimiter),
    );
  }
  return { text: lines.join('\n') + '\n', dropped: 0 };
}
