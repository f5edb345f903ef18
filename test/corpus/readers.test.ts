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
import { readCsv } from '../../framework/io/csv.ts';
import { readJsonLines } from '../../framework/io/jsonl.ts';
import { schemaOf, type Field } from '../../framework/schema/types.ts';
import { canonical, type Json } from './canonical.ts';
import { corpusCases, type CorpusCase } from './cases.ts';

const FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'readers.json');

interface Expected {
  readonly rows: Json[][];
  readonly bad: [number, string][];
  /** Values of lenient fields read as null, by field path; absent when there are none. */
  readonly lenientNulls?: Record<string, number>;
}

async function readLocally(c: CorpusCase): Promise<Expected> {
  const fields = c.fields as Field[];
  const schema = schemaOf(fields);
  const source = { name: 'corpus', bytes: new Uint8Array(Buffer.from(c.bytes, 'base64')) };
  const bad: [number, string][] = [];
  const nulls: Record<string, number> = {};
  const options = {
    schema,
    mode: 'permissive' as const,
    onBadRecord: (r: { line: number; reason: string }) => bad.push([r.line, r.reason]),
    onLenientNull: (column: string) => void (nulls[column] = (nulls[column] ?? 0) + 1),
  };
  const batches: AsyncIterable<Batch> = c.format === 'jsonl' ? readJsonLines([source], options) : readCsv([source], { ...options, ...(c.csv ?? {}) });
  const rows: Json[][] = [];
  for await (const b of batches) for (let i = 0; i < b.length; i++) rows.push(b.columns.map((col, k) => canonical(valueAt(col, i), fields[k].type)));
  return Object.keys(nulls).length ? { rows, bad, lenientNulls: nulls } : { rows, bad };
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
