import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { decimal, fromZod } from '../schema/zod.ts';
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
    ['fraction in bigint', '{"id": 1.5, "kind": "a"}', /^id: expected bigint, got a fractional number 1\.5$/],
    ['int64 overflow', '{"id": 9223372036854775808, "kind": "a"}', /out of the bigint range/],
    ['enum violation', '{"id": 1, "kind": "c"}', /^kind: "c" is not one of a, b$/],
    ['impossible date', '{"id": 1, "kind": "a", "ts": "2026-11-31T00:00:00Z"}', /^ts: "2026-11-31T00:00:00Z" is not a valid timestamp: November 2026 has no day 31$/],
    ['missing required', '{"kind": "a"}', /^missing required field id$/],
    ['null required', '{"id": null, "kind": "a"}', /id: required field is null/],
    ['NaN literal', '{"id": 1, "kind": "a", "amount": NaN}', /NaN and Infinity/],
    ['single quotes', "{'id': 1}", /double quotes/],
    ['two records on a line', `${good}${good}`, /after the record/],
    ['array instead of object', '[1, 2]', /expected a JSON object/],
    ['wrong nested type', '{"id": 1, "kind": "a", "tags": "x"}', /tags: expected array<string>, got string "x"/],
    ['hour 24', '{"id": 1, "kind": "a", "ts": "2026-11-01T24:00:00Z"}', /ts: .*hour 24 is out of range 0-23 \(write 00:00 of the next day\)/],
    ['trailing comma', '{"id": 1, "kind": "a",}', /invalid JSON at column 23: expected a field name in double quotes, found '}'/],
    ['unescaped tab in a string', '{"id": 1, "kind": "a\t"}', /control character in a string/],
    ['Infinity', '{"id": 1, "kind": "a", "amount": -Infinity}', /NaN and Infinity/],
    ['bad number', '{"id": 01, "kind": "a"}', /expected ',' or '}', found '1'/],
    ['bare word', '{"id": 1, "kind": a}', /expected a JSON value, found 'a'/],
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

  const nestedSchema = fromZod(
    z.object({
      n: z.int32().nullable(),
      s: z.string().nullable(),
      d: z.iso.date().nullable(),
      m: decimal(10, 2).nullable(),
      dev: z.object({ os: z.string(), v: z.int64().nullable() }).nullable(),
      props: z.record(z.string(), z.int32()).nullable(),
      list: z.array(z.object({ k: z.boolean() })).nullable(),
    }),
  );
  async function readNested(text: string) {
    const bad: BadRecord[] = [];
    const rows: unknown[][] = [];
    for await (const b of readJsonLines([file(text)], { schema: nestedSchema, mode: 'permissive', onBadRecord: (r) => bad.push(r) })) {
      for (let i = 0; i < b.length; i++) rows.push(b.columns.map((c) => valueAt(c, i)));
    }
    return { rows, bad };
  }

  it('parses nested values, dates, decimals and non-strings into string columns', async () => {
    const { rows, bad } = await readNested(
      [
        '{"n": -2147483648, "s": 12.50, "d": "2024-02-29", "m": 12.345, "dev": {"os": "ios", "x": [1, {"y": null}]}, "props": {"a": 1, "b": -2}, "list": [{"k": true}, {"k": false}]}',
        '{"s": {"a": [1, 9007199254740993]}, "m": "-0.005", "dev": {"v": 9007199254740993, "os": "web"}, "props": {}, "list": []}',
        '{"s": true, "m": 1e2}',
      ].join('\n'),
    );
    expect(bad).toEqual([]);
    expect(rows[0]).toEqual([-2147483648, '12.50', 19782, 1235n, { os: 'ios', v: null }, { a: 1, b: -2 }, [{ k: 1 }, { k: 0 }]]);
    expect(rows[1]).toEqual([null, '{"a":[1,9007199254740993]}', null, -1n, { os: 'web', v: 9007199254740993n }, {}, []]);
    expect(rows[2]).toEqual([null, 'true', null, 10000n, null, null, null]);
  });

  it('names the nested path of a bad value', async () => {
    const { bad } = await readNested(
      [
        '{"dev": {"v": 1}}',
        '{"dev": {"os": 5, "v": "x"}}',
        '{"list": [{"k": true}, {"k": 1}]}',
        '{"props": {"a": 2147483648}}',
        '{"n": 2147483648}',
        '{"d": "2026-02-30"}',
        '{"m": 123456789.1}',
        '{"m": "abc"}',
      ].join('\n'),
    );
    expect(bad.map((b) => [b.line, b.reason])).toEqual([
      [1, 'dev.os: missing required field'],
      [2, 'dev.v: expected bigint, got string "x"'],
      [3, 'list[1].k: expected boolean, got number 1'],
      [4, 'props.a: 2147483648 is out of the int range (-2147483648..2147483647)'],
      [5, 'n: 2147483648 is out of the int range (-2147483648..2147483647)'],
      [6, 'd: "2026-02-30" is not a valid date: February 2026 has no day 30'],
      [7, 'm: 123456789.1 does not fit decimal(10,2)'],
      [8, 'm: expected decimal(10,2), got "abc"'],
    ]);
  });

  it('finds keys whatever their order from line to line, at the top and in structs', async () => {
    // The scanner first tries the key that was at the same position on the last line: a key that
    // is a prefix of it, extends it, or is it escaped must still be looked up for what it is.
    const { rows, bad } = await readNested(
      [
        '{"n": 1, "dev": {"os": "ios", "v": 1}, "d": "2026-01-01"}',
        '{"nn": 9, "n": 3, "dev": {"os": "android", "vv": 5, "o": "x"}}',
        '{"d": "2026-01-02", "n": 2, "dev": {"v": 2, "os": "web"}}',
        '{"\\u006e": 4, "dev": {"o\\u0073": "tv"}}',
        '{"n": 5, "dev": {"os": "ios", "os": "web"}, "n": 6}',
      ].join('\n'),
    );
    expect(bad).toEqual([]);
    expect(rows.map((r) => [r[0], r[2], r[4]])).toEqual([
      [1, 20454, { os: 'ios', v: 1n }],
      [3, null, { os: 'android', v: null }],
      [2, 20455, { os: 'web', v: 2n }],
      [4, null, { os: 'tv', v: null }],
      [6, null, { os: 'web', v: null }],
    ]);
  });

  it('does not take an escaped key for a field named with the escape text', async () => {
    const tricky = fromZod(z.object({ 'a\\"b': z.int32().nullable(), 'a"b': z.int32().nullable() }));
    const rows: unknown[][] = [];
    const lines = ['{"a\\\\\\"b": 1, "a\\"b": 2}', '{"a\\"b": 3}', '{"a\\"b": 4, "a\\\\\\"b": 5}'];
    for await (const b of readJsonLines([file(lines.join('\n'))], { schema: tricky, mode: 'failfast', onBadRecord: () => {} })) {
      for (let i = 0; i < b.length; i++) rows.push(b.columns.map((c) => valueAt(c, i)));
    }
    expect(rows).toEqual([[1, 2], [null, 3], [5, 4]]);
  });

  it('a duplicate key that is null last makes the value null', async () => {
    const { rows } = await readNested('{"n": 1, "n": null}\n{"n": null, "n": 3}');
    expect(rows.map((r) => r[0])).toEqual([null, 3]);
  });

  it('fills batches of batchSize rows across files, skipping bad rows without leaving holes', async () => {
    const f1 = file(Array.from({ length: 5 }, (_, i) => (i === 2 ? '{"id": "bad", "kind": "a"}' : `{"id": ${i}, "kind": "a"}`)).join('\n'));
    const f2 = file(`{"id": 10, "kind": "b", "amount": 2}\n`);
    const bad: BadRecord[] = [];
    const lengths: number[] = [];
    const ids: unknown[] = [];
    for await (const b of readJsonLines([f1, f2], { schema, mode: 'permissive', onBadRecord: (r) => bad.push(r), batchSize: 3 })) {
      lengths.push(b.length);
      for (let i = 0; i < b.length; i++) ids.push(valueAt(b.columns[0], i));
      expect(b.columns[3].length).toBe(b.length);
    }
    expect(lengths).toEqual([3, 2]);
    expect(ids).toEqual([0n, 1n, 3n, 4n, 10n]);
    expect(bad.map((b) => [path.basename(b.file), b.line])).toEqual([[path.basename(f1), 3]]);
  });

  it('streams big files: multi-member gzip, a line split across chunks, and a truncated tail', async () => {
    // Above the whole-file limit (4 MB) the reader streams; random text keeps gzip from shrinking it below that.
    const filler = (i: number) => `{"id": ${i}, "kind": "a", "pad": "${randomBytes(90).toString('base64')}"}`;
    const part = (from: number, count: number) => Array.from({ length: count }, (_, k) => filler(from + k)).join('\n') + '\n';
    const members = [gzipSync(part(0, 20000)), gzipSync(part(20000, 20000)), gzipSync(part(40000, 20000))];
    const whole = Buffer.concat(members);
    expect(whole.length).toBeGreaterThan(4 << 20);
    const f = path.join(dir, 'big.json.gz');
    writeFileSync(f, whole);
    let count = 0;
    let last = -1n;
    for await (const b of readJsonLines([f], { schema, mode: 'failfast', onBadRecord: () => {} })) {
      count += b.length;
      last = valueAt(b.columns[0], b.length - 1) as bigint;
    }
    expect(count).toBe(60000);
    expect(last).toBe(59999n);
    const cut = path.join(dir, 'big-cut.json.gz');
    writeFileSync(cut, whole.subarray(0, whole.length - 1000));
    const err = await (async () => {
      for await (const _ of readJsonLines([cut], { schema, mode: 'failfast', onBadRecord: () => {} }));
    })().catch((e) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect(err.message).toMatch(/big-cut\.json\.gz: is a damaged gzip file \(unexpected end of file\) after line \d+/);
  });

  it('reads a file named .gz that is not gzip as plain text', async () => {
    const f = path.join(dir, 'plain.gz');
    writeFileSync(f, `${good}\n`);
    expect((await read([f])).rows).toHaveLength(1);
  });

  it('a missing file is an InputFileError naming it', async () => {
    await expect(read([path.join(dir, 'nope.jsonl')])).rejects.toThrow(/nope\.jsonl: could not be read/);
  });

  it('a file that cannot be read fails in its turn, after the rows of the files before it', async () => {
    // The next file is read and inflated while one is parsed: its failure must wait for its turn.
    const cut = path.join(dir, 'cut-next.gz');
    const full = gzipSync(`${good}\n${good}\n`);
    writeFileSync(cut, full.subarray(0, full.length - 10));
    for (const broken of [cut, path.join(dir, 'missing-next.jsonl')]) {
      const ids: unknown[] = [];
      const bad: BadRecord[] = [];
      const err = await (async () => {
        const files = [file(`${good}\n{"id": "x", "kind": "a"}\n{"id": 2, "kind": "b"}`, true), broken, file(good)];
        for await (const b of readJsonLines(files, { schema, mode: 'permissive', onBadRecord: (r) => bad.push(r), batchSize: 1 })) ids.push(valueAt(b.columns[0], 0));
      })().catch((e) => e);
      expect(err).toBeInstanceOf(InputFileError);
      expect(err.message).toContain(path.basename(broken));
      expect(ids).toEqual([1n, 2n]);
      expect(bad.map((r) => r.line)).toEqual([2]);
    }
  });

  it('a read that stops early leaves no failure of the next file unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const cut = path.join(dir, 'cut-after-bad.gz');
      const full = gzipSync(`${good}\n`);
      writeFileSync(cut, full.subarray(0, full.length - 10));
      await expect(read([file('{"id": "x", "kind": "a"}\n'), cut], 'failfast')).rejects.toBeInstanceOf(BadRecordError);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
