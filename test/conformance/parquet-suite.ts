/**
 * One parquet-testing file through lakeform's Parquet reader and through a reference reader
 * (DuckDB; pyarrow for what DuckDB cannot read), and the outcome:
 * - `identical`: the same rows, value for value (canonical.ts), in the same order;
 * - `refused`: an InputFileError naming the file (and the column and its type when one column is
 *   at fault), the clear refusal the conformance README asks for;
 * - `crash`: any other error (an untyped failure: a bug);
 * - `wrong`: lakeform read values that differ from the reference's, or read a file no reference
 *   can read (values nobody vouches for).
 * Each column is declared as the type lakeform reads it as (describeParquet); a column with no
 * such type is declared string, so the refusal it must give is part of the outcome.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { valueAt } from '../../framework/columnar/column.ts';
import { describeParquet, readParquet } from '../../framework/io/parquet.ts';
import { InputFileError } from '../../framework/io/types.ts';
import { T, field, schemaOf, typeToString, type DataType, type Field } from '../../framework/schema/types.ts';
import { fromDuckDb, fromPyarrow, fromStorage, type Canon } from './canonical.ts';
import { PROJECT_ROOT } from './locate.ts';

export type OutcomeKind = 'identical' | 'refused' | 'crash' | 'wrong';
/** `documented`: the values the file's .md lists, written by Spark (checked on local Spark by test/spark/readers.test.ts). */
export type Reference = 'duckdb' | 'pyarrow' | 'documented' | 'none';

export interface Outcome {
  readonly file: string;
  readonly kind: OutcomeKind;
  readonly reference: Reference;
  readonly rows?: number;
  /** The refusal, the crash, or the first difference. */
  readonly detail?: string;
  /** How lakeform declared the columns (name: type). */
  readonly declared?: string;
}

const PYTHON = path.join(PROJECT_ROOT, '.venv', 'bin', 'python');

export function pyarrowAvailable(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing: run \`npm run setup:spark\` (it installs pyarrow, the suite's second reference reader)`;
  const r = spawnSync(PYTHON, ['-c', 'import pyarrow'], { encoding: 'utf8' });
  return r.status === 0 ? null : `pyarrow is not installed in .venv: run \`npm run setup:spark\` (${r.stderr.trim().split('\n').pop()})`;
}

let duck: Promise<DuckDBConnection> | undefined;
const duckdb = () => (duck ??= DuckDBInstance.create(':memory:').then((db) => db.connect()));

/**
 * The microseconds a file's .md documents for its one INT96 column ("As microseconds since the
 * epoch, they correspond to: ..."), or undefined. DuckDB and pyarrow (even with
 * coerce_int96_timestamp_unit='us') convert INT96 through 64-bit nanoseconds and wrap past 2262,
 * so for INT96 the reference is what Spark, which wrote the file, reads.
 */
export function documentedInt96(file: string): Canon[][] | undefined {
  const md = file.replace(/\.parquet$/, '.md');
  if (!existsSync(md)) return undefined;
  const m = /As microseconds since the epoch[^`]*```\s*\n([^`]*)```/.exec(readFileSync(md, 'utf8'));
  return m ? m[1].trim().split(/\s*,\s*/).map((v) => [v === 'null' ? null : v]) : undefined;
}

/** DuckDB's rows, else pyarrow's; for INT96 with documented values, those (see documentedInt96). */
async function referenceRows(file: string, fields: readonly Field[], int96: boolean): Promise<{ reference: Reference; rows?: Canon[][]; error?: string }> {
  const documented = int96 ? documentedInt96(file) : undefined;
  if (documented) return { reference: 'documented', rows: documented };
  let duckError = '';
  try {
    const con = await duckdb();
    const list = fields.map((f) => `"${f.name.replace(/"/g, '""')}"`).join(', ');
    const r = await con.runAndReadAll(`SELECT ${list} FROM read_parquet('${file.replace(/'/g, "''")}')`);
    return { reference: 'duckdb', rows: r.getRows().map((row) => row.map((v, i) => fromDuckDb(v, fields[i].type))) };
  } catch (e) {
    duckError = String((e as Error).message).split('\n')[0];
  }
  const py = spawnSync(PYTHON, [path.join(PROJECT_ROOT, 'test/conformance/read_pyarrow.py'), file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const out = py.status === 0 ? (JSON.parse(py.stdout) as { names?: string[]; rows?: unknown[][]; error?: string }) : { error: py.stderr.trim().split('\n').pop() };
  if (out.rows && out.names) {
    const at = fields.map((f) => out.names!.indexOf(f.name));
    return { reference: 'pyarrow', rows: out.rows.map((row) => at.map((i, k) => fromPyarrow(row[i] as never, fields[k].type))) };
  }
  return { reference: 'none', error: `DuckDB: ${duckError}; pyarrow: ${out.error}` };
}

/** The file's columns as lakeform declares them (one it has no type for is declared string), and whether any is INT96. */
async function declare(file: string): Promise<{ fields: Field[]; int96: boolean }> {
  const cols = await describeParquet(file);
  return {
    fields: cols.map((c) => field(c.name, 'unsupported' in c.type ? T.string : (c.type.kind === 'null' ? T.string : c.type) as DataType, true)),
    int96: cols.some((c) => c.physical === 'INT96'),
  };
}

export async function runParquetCase(file: string): Promise<Outcome> {
  const name = path.relative(path.dirname(path.dirname(file)), file);
  let fields: Field[] | undefined;
  let int96 = false;
  let rows: Canon[][] | undefined;
  let failure: unknown;
  try {
    ({ fields, int96 } = await declare(file));
    rows = [];
    for await (const b of readParquet([file], { schema: schemaOf(fields) })) {
      for (let i = 0; i < b.length; i++) rows.push(b.columns.map((c, k) => fromStorage(valueAt(c, i), fields![k].type)));
    }
  } catch (e) {
    failure = e;
  }
  const declared = fields?.map((f) => `${f.name}: ${typeToString(f.type)}`).join(', ');
  const ref = fields ? await referenceRows(file, fields, int96) : { reference: 'none' as const };
  if (failure !== undefined) {
    const msg = String((failure as Error).message ?? failure);
    const typed = failure instanceof InputFileError && msg.startsWith(file);
    return { file: name, kind: typed ? 'refused' : 'crash', reference: ref.reference, detail: (typed ? msg.slice(file.length + 2) : `${(failure as Error).name}: ${msg}`).split('\n')[0], ...(declared ? { declared } : {}) };
  }
  if (!ref.rows) return { file: name, kind: 'wrong', reference: 'none', rows: rows!.length, detail: `read ${rows!.length} rows that no reference reader can read (${ref.error})`, declared: declared! };
  const diff = firstDifference(rows!, ref.rows, fields!);
  return { file: name, kind: diff ? 'wrong' : 'identical', reference: ref.reference, rows: rows!.length, ...(diff ? { detail: diff } : {}), declared: declared! };
}

function firstDifference(got: Canon[][], want: Canon[][], fields: readonly Field[]): string | null {
  if (got.length !== want.length) return `${got.length} rows where the reference reads ${want.length}`;
  for (let r = 0; r < got.length; r++) {
    for (let c = 0; c < fields.length; c++) {
      const a = JSON.stringify(got[r][c]);
      const b = JSON.stringify(want[r][c]);
      if (a !== b) return `row ${r + 1}, column ${fields[c].name}: lakeform ${a.slice(0, 120)}, reference ${b.slice(0, 120)}`;
    }
  }
  return null;
}
