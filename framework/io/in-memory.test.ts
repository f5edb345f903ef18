/** Bytes in memory (testJob's rows) read exactly as a file with the same bytes: rows, bad records and their lines. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { fromZod } from '../schema/zod.ts';
import { valueAt, type Batch } from '../columnar/column.ts';
import { readJsonLines } from './jsonl.ts';
import { readCsv } from './csv.ts';
import type { BadRecord, ReadSource } from './types.ts';

const schema = fromZod(z.object({ id: z.int64(), kind: z.enum(['a', 'b']), note: z.string().nullable() }));
const dir = mkdtempSync(path.join(tmpdir(), 'etl-in-memory-'));

async function collect(batches: AsyncIterable<Batch>, bad: BadRecord[]) {
  const rows: unknown[][] = [];
  for await (const b of batches) for (let i = 0; i < b.length; i++) rows.push(b.columns.map((c) => valueAt(c, i)));
  return { rows, bad: bad.map((r) => ({ line: r.line, reason: r.reason, raw: r.raw })) };
}

const both = (bytes: Buffer, ext: string): [ReadSource, ReadSource] => {
  const file = path.join(dir, `data-${Math.random().toString(36).slice(2)}.${ext}`);
  writeFileSync(file, bytes);
  return [file, { name: 'rows', bytes: new Uint8Array(bytes) }];
};

describe('in-memory sources', () => {
  const jsonl = '{"id": 9007199254740993, "kind": "a", "note": null}\n{"id": 2, "kind": "z"}\nnot json\n{"id": 3, "kind": "b", "note": "x"}';
  for (const [label, bytes] of [['plain', Buffer.from(jsonl)], ['gzip', gzipSync(jsonl)]] as const) {
    it(`JSON lines (${label}): same rows and bad records as the file`, async () => {
      const [file, memory] = both(bytes, 'jsonl');
      const read = async (s: ReadSource) => {
        const bad: BadRecord[] = [];
        return collect(readJsonLines([s], { schema, mode: 'permissive', onBadRecord: (r) => bad.push(r) }), bad);
      };
      const fromMemory = await read(memory);
      expect(fromMemory).toEqual(await read(file));
      expect(fromMemory.rows).toEqual([[9007199254740993n, 'a', null], [3n, 'b', 'x']]);
      expect(fromMemory.bad.map((b) => b.line)).toEqual([2, 3]);
    });
  }

  it('CSV: same rows and bad records as the file, and the source name in bad records', async () => {
    const [file, memory] = both(Buffer.from('id,kind,note\n1,a,"x, y"\n2,q,\n3,b,\n'), 'csv');
    const read = async (s: ReadSource) => {
      const bad: BadRecord[] = [];
      const out = await collect(readCsv([s], { schema, mode: 'permissive', onBadRecord: (r) => bad.push(r) }), bad);
      return { ...out, files: bad.map((b) => b.file) };
    };
    const fromMemory = await read(memory);
    expect({ rows: fromMemory.rows, bad: fromMemory.bad }).toEqual({ rows: (await read(file)).rows, bad: (await read(file)).bad });
    expect(fromMemory.rows).toEqual([[1n, 'a', 'x, y'], [3n, 'b', null]]);
    expect(fromMemory.files).toEqual(['rows']);
  });
});
