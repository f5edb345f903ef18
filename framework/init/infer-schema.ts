/**
 * A first schema for `etl new job --input <sample>`, inferred from the sample's values: from
 * the Parquet footer (the types the framework's reader gives the file's columns), or from the
 * first lines of a JSON-lines or CSV file, as Spark infers them (integers are bigint, other
 * numbers double) and, unlike Spark, ISO-8601 dates and timestamps as such. It is a draft the
 * user reviews: a column whose values disagree becomes a string.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { describeParquet } from '../io/parquet.ts';
import { T, field, schemaOf, type DataType, type DatasetSchema, type Field } from '../schema/types.ts';
import { UsageError } from '../errors/index.ts';

export type SampleFormat = 'jsonl' | 'csv' | 'parquet';

/** How many records of a text sample the inference reads. */
const SAMPLE_RECORDS = 1000;

const EXTENSIONS: Record<SampleFormat, readonly string[]> = {
  jsonl: ['.jsonl', '.json', '.jsonl.gz', '.json.gz', '.gz'],
  csv: ['.csv', '.csv.gz'],
  parquet: ['.parquet'],
};

/** The sample files to infer from: the path itself, or the files of the format under a folder (sorted). */
export function sampleFiles(input: string, format: SampleFormat): string[] {
  if (!existsSync(input)) throw new UsageError(`--input ${input}: no such file or folder`, `give the path of a ${format} sample (a file, or a folder holding one), or leave --input out for a placeholder schema`);
  if (statSync(input).isFile()) return [input];
  const found = filesUnder(input).filter((f) => EXTENSIONS[format].some((ext) => f.endsWith(ext)));
  if (!found.length) throw new UsageError(`--input ${input}: no ${format} file in this folder`, `give a ${format} file (${EXTENSIONS[format].join(', ')}) or a folder holding one`);
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** From the first file of a Parquet sample; from the first records of a text sample, across its files. */
export async function inferSchema(files: readonly string[], format: SampleFormat): Promise<DatasetSchema> {
  if (format === 'parquet') return parquetSchema(files[0]);
  const records: Record<string, unknown>[] = [];
  for (const file of files) {
    if (records.length >= SAMPLE_RECORDS) break;
    records.push(...(format === 'jsonl' ? jsonRecords(file) : csvRecords(file)).slice(0, SAMPLE_RECORDS - records.length));
  }
  if (!records.length) throw new UsageError(`${files.join(', ')}: no records to infer a schema from`, 'give a sample with a few records, or leave --input out for a placeholder schema to fill in');
  return schemaOf(objectFields(records, format === 'csv' ? textType : jsonType));
}

async function parquetSchema(file: string): Promise<DatasetSchema> {
  const fields: Field[] = [];
  for (const c of await describeParquet(file)) {
    if ('unsupported' in c.type) throw new UsageError(`${file}: column '${c.name}' has a type lakeform cannot read (${c.type.unsupported})`, 'write the sample without this column, or convert it (e.g. cast it to a supported type)');
    fields.push(field(c.name, c.type, c.nullable));
  }
  return schemaOf(fields);
}

/** A text sample's content, gunzipped when it ends in .gz. */
export function textOf(file: string): string {
  const bytes = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

function jsonRecords(file: string): Record<string, unknown>[] {
  const lines = textOf(file).split('\n').filter((l) => l.trim()).slice(0, SAMPLE_RECORDS);
  return lines.map((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new UsageError(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`, 'a JSON-lines sample holds one JSON object per line');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${file}:${i + 1}: not a JSON object`, 'a JSON-lines sample holds one JSON object per line');
    return value as Record<string, unknown>;
  });
}

function csvRecords(file: string): Record<string, unknown>[] {
  // Empty fields are null, as the CSV reader reads them.
  return (parseCsv(textOf(file), { columns: true, to: SAMPLE_RECORDS, skip_empty_lines: true }) as Record<string, string>[]).map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : v])),
  );
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

function stringType(s: string): DataType {
  return DATE.test(s) ? T.date : TIMESTAMP.test(s) ? T.timestamp : T.string;
}

function jsonType(v: unknown): DataType {
  if (v === null || v === undefined) return T.null;
  if (typeof v === 'boolean') return T.boolean;
  if (typeof v === 'number') return Number.isInteger(v) ? T.int64 : T.float64;
  if (typeof v === 'string') return stringType(v);
  if (Array.isArray(v)) {
    const element = v.map(jsonType).reduce(unify, T.null);
    return { kind: 'array', element, containsNull: v.some((x) => x === null) };
  }
  return { kind: 'struct', fields: objectFields([v as Record<string, unknown>], jsonType) };
}

function textType(v: unknown): DataType {
  if (v === null || v === undefined) return T.null;
  const s = String(v);
  if (/^-?\d{1,18}$/.test(s)) return T.int64;
  if (/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return T.float64;
  if (s === 'true' || s === 'false') return T.boolean;
  return stringType(s);
}

/** The fields of a set of records, in order of first appearance; a field some records lack, or hold null, is nullable. */
function objectFields(records: readonly Record<string, unknown>[], typeOf: (v: unknown) => DataType): Field[] {
  const names = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return names.map((name) => {
    const values = records.map((r) => r[name]);
    return field(name, values.map(typeOf).reduce(unify, T.null), values.some((v) => v === null || v === undefined));
  });
}

/** The type that holds values of both: null gives way, bigint widens to double, structs merge, anything else disagreeing is a string. */
function unify(a: DataType, b: DataType): DataType {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (a.kind === 'struct' && b.kind === 'struct') {
    const names = [...new Set([...a.fields, ...b.fields].map((f) => f.name))];
    return {
      kind: 'struct',
      fields: names.map((name) => {
        const fa = a.fields.find((f) => f.name === name);
        const fb = b.fields.find((f) => f.name === name);
        return field(name, unify(fa?.type ?? T.null, fb?.type ?? T.null), !fa || !fb || fa.nullable || fb.nullable);
      }),
    };
  }
  if (a.kind === 'array' && b.kind === 'array') return { kind: 'array', element: unify(a.element, b.element), containsNull: a.containsNull || b.containsNull };
  if (a.kind === b.kind) return a;
  const numbers = new Set([a.kind, b.kind]);
  if (numbers.has('int64') && numbers.has('float64')) return T.float64;
  return T.string;
}
