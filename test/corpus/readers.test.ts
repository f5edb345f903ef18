/**
 * The shared reader corpus (cases.ts, readers.json) through the local readers: rows and bad
 * records must be what readers.json records. deploy/spark/tests/test_corpus.py holds the Spark
 * driver's readers to the same file, so the two implementations cannot drift apart.
 * `UPDATE_CORPUS=1 npx vitest run test/corpus` rewrites readers.json from the local readers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { valueAt, type Batch } from '../../framework/columnar/column.ts';
import { formatDate } from '../../framework/columnar/calendar.ts';
import { decimalText } from '../../framework/functions/cast.ts';
import { readCsv } from '../../framework/io/csv.ts';
import { readJsonLines } from '../../framework/io/jsonl.ts';
import { schemaOf, type DataType, type Field } from '../../framework/schema/types.ts';
import { corpusCases, type CorpusCase } from './cases.ts';

const FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'readers.json');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A stored value in the corpus's JSON form (test_corpus.py's `canonical` is its mirror). */
function canonical(v: unknown, t: DataType): Json {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'int64':
    case 'timestamp':
      return String(v);
    case 'float32':
    case 'float64': {
      const x = v as number;
      return Number.isFinite(x) ? (Object.is(x, -0) ? '-0' : x) : String(x);
    }
    case 'boolean':
      return v === true || v === 1;
    case 'decimal':
      return decimalText(v as bigint, t.scale);
    case 'date':
      return formatDate(v as number);
    case 'binary':
      return Buffer.from(v as Uint8Array).toString('base64');
    case 'struct':
      return Object.fromEntries(t.fields.map((x) => [x.name, canonical((v as Record<string, unknown>)[x.name], x.type)]));
    case 'array':
      return (v as unknown[]).map((x) => canonical(x, t.element));
    case 'map':
      return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, canonical(x, t.value)]);
    default:
      return v as Json;
  }
}

interface Expected {
  readonly rows: Json[][];
  readonly bad: [number, string][];
}

async function readLocally(c: CorpusCase): Promise<Expected> {
  const fields = c.fields as Field[];
  const schema = schemaOf(fields);
  const source = { name: 'corpus', bytes: new Uint8Array(Buffer.from(c.bytes, 'base64')) };
  const bad: [number, string][] = [];
  const options = { schema, mode: 'permissive' as const, onBadRecord: (r: { line: number; reason: string }) => bad.push([r.line, r.reason]) };
  const batches: AsyncIterable<Batch> = c.format === 'jsonl' ? readJsonLines([source], options) : readCsv([source], { ...options, ...(c.csv ?? {}) });
  const rows: Json[][] = [];
  for await (const b of batches) for (let i = 0; i < b.length; i++) rows.push(b.columns.map((col, k) => canonical(valueAt(col, i), fields[k].type)));
  return { rows, bad };
}

describe('the shared reader corpus', () => {
  it('the local readers read every case as readers.json records', async () => {
    const cases = corpusCases();
    const read = await Promise.all(cases.map(readLocally));
    if (process.env.UPDATE_CORPUS) {
      writeFileSync(FILE, `${JSON.stringify({ cases: cases.map((c, i) => ({ ...c, expect: read[i] })) }, null, 1)}\n`);
    }
    const corpus = JSON.parse(readFileSync(FILE, 'utf8')) as { cases: (CorpusCase & { expect: Expected })[] };
    // The committed inputs are the ones cases.ts defines: the corpus cannot go stale.
    expect(corpus.cases.map(({ expect: _, ...c }) => c)).toEqual(JSON.parse(JSON.stringify(cases)));
    corpus.cases.forEach((c, i) => expect(read[i], c.name).toEqual(c.expect));
    // Each case exercises rows and bad records, or it proves little.
    for (const c of corpus.cases.slice(0, 6)) expect(c.expect.rows.length > 0 && c.expect.bad.length > 0, c.name).toBe(true);
  });
});
