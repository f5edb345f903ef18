import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { fromZod } from '../schema/zod.ts';
import { valueAt, type Batch } from '../columnar/column.ts';
import { readJsonLines } from './jsonl.ts';
import { BadRecordError, InputFileError, type BadRecord, type BadRecordMode } from './types.ts';

const schema = fromZod(
  z.object({
    id: z.int64(),
    kind: z.enum(['a', 'b']),
    ts: z.iso.datetime().nullable(),
    amount: z.float64().nullable(),
    tags: z.array(z.string()).optional(),
  }),
);

const dir = mkdtempSync(path.join(tmpdir(), 'etl-jsonl-'));
let n = 0;
function file(content: string | Buffer, gz = false): string {
  const f = path.join(dir, `f${n++}${gz ? '.gz' : '.jsonl'}`);
  writeFileSync(f, gz ? gzipSync(content) : content);
  return f;
}

async function read(files: string[], mode: BadRecordMode = 'permissive') {
  const bad: BadRecord[] = [];
  const rows: unknown[][] = [];
  for await (const b of readJsonLines(files, { schema, mode, onBadRecord: (r) => bad.push(r), batchSize: 2 }) as AsyncIterable<Batch>) {
    for (let i = 0; i < b.length; i++) rows.push(b.columns.map((c) => valueAt(c, i)));
  }
  return { rows, bad };
}

const good = '{"id": 1, "kind": "a", "ts": "2026-11-01T10:00:00Z", "amount": 1.5}';

describe('JSON lines reader', () => {
  it('reads plain and gzip files, CRLF, BOM, blank lines and a last line without newline', async () => {
    const { rows, bad } = await read([
      file(`\uFEFF${good}\r\n\n   \n{"id": 2, "kind": "b"}`),
      file(`${good}\n${good}\n`, true),
    ]);
    expect(bad).toEqual([]);
    expect(rows.map((r) => r[0])).toEqual([1n, 2n, 1n, 1n]);
  });

  it('reads multi-member gzip, as Firehose concatenates objects', async () => {
    const f = path.join(dir, 'multi.gz');
    writeFileSync(f, Buffer.concat([gzipSync(`${good}\n`), gzipSync('{"id": 9, "kind": "b"}\n')]));
    expect((await read([f])).rows.map((r) => r[0])).toEqual([1n, 9n]);
  });

  it('keeps integers beyond 2^53 exact and timestamps to the microsecond', async () => {
    const { rows } = await read([file('{"id": 9007199254740993, "kind": "a", "ts": "2026-11-01T00:00:00.123456789+02:00"}')]);
    expect(rows[0][0]).toBe(9007199254740993n);
    expect(rows[0][2]).toBe(BigInt(Date.UTC(2026, 9, 31, 22)) * 1000n + 123456n);
  });

  const cases: [string, string, RegExp][] = [
    ['truncated line', '{"id": 1, "kind": "a"', /unexpected end of line/],
    ['string in bigint', '{"id": "x1", "kind": "a"}', /id: expected bigint, got string "x1"/],
    ['fraction in bigint', '{"id": 1.5, "kind": "a"}', /id: expected a bigint, got a fractional number/],
    ['int64 overflow', '{"id": 9223372036854775808, "kind": "a"}', /out of the bigint range/],
    ['enum violation', '{"id": 1, "kind": "c"}', /kind: 'c' is not one of a, b/],
    ['impossible date', '{"id": 1, "kind": "a", "ts": "2026-11-31T00:00:00Z"}', /ts: "2026-11-31T00:00:00Z" is not a valid ISO-8601 timestamp/],
    ['missing required', '{"kind": "a"}', /id: required field is missing/],
    ['null required', '{"id": null, "kind": "a"}', /id: required field is null/],
    ['NaN literal', '{"id": 1, "kind": "a", "amount": NaN}', /NaN and Infinity/],
    ['single quotes', "{'id': 1}", /double quotes/],
    ['two records on a line', `${good}${good}`, /after the record/],
    ['array instead of object', '[1, 2]', /expected a JSON object/],
    ['wrong nested type', '{"id": 1, "kind": "a", "tags": "x"}', /tags: expected array<string>, got string "x"/],
  ];

  for (const [name, line, reason] of cases) {
    it(`bad record: ${name}`, async () => {
      const f = file(`${good}\n${line}\n${good}\n`);
      const { rows, bad } = await read([f]);
      expect(rows).toHaveLength(2);
      expect(bad).toHaveLength(1);
      expect(bad[0]).toMatchObject({ file: f, line: 2 });
      expect(bad[0].reason).toMatch(reason);
    });
  }

  it('unknown fields are ignored, duplicate keys keep the last value', async () => {
    const { rows, bad } = await read([file('{"id": 1, "kind": "a", "extra": {"deep": [1, 2]}, "id": 5}')]);
    expect(bad).toEqual([]);
    expect(rows[0][0]).toBe(5n);
  });

  it('invalid UTF-8 is a bad record', async () => {
    const { bad } = await read([file(Buffer.concat([Buffer.from('{"id": 1, "kind": "a", "x": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]))]);
    expect(bad[0].reason).toMatch(/not valid UTF-8/);
  });

  it('failfast stops at the first bad record, naming file and line', async () => {
    const f = file(`${good}\n{"id": "x", "kind": "a"}\n`);
    const err = await read([f], 'failfast').catch((e) => e);
    expect(err).toBeInstanceOf(BadRecordError);
    expect(err.message).toBe(`${f}:2: id: expected bigint, got string "x"`);
  });

  it('dropmalformed reports bad records without failing', async () => {
    const { rows, bad } = await read([file(`${good}\n{broken\n`)], 'dropmalformed');
    expect(rows).toHaveLength(1);
    expect(bad).toHaveLength(1);
  });

  it('a truncated gzip file fails the read, naming the file', async () => {
    const full = gzipSync(Array.from({ length: 200 }, () => good).join('\n'));
    const f = path.join(dir, 'cut.gz');
    writeFileSync(f, full.subarray(0, full.length - 20));
    const err = await read([f]).catch((e) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect(err.message).toContain('cut.gz');
    expect(err.message).toMatch(/damaged gzip/);
  });
});
