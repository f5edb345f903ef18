import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { fromZod } from '../schema/zod.ts';
import { valueAt } from '../columnar/column.ts';
import { readCsv } from './csv.ts';
import { InputFileError, type BadRecord } from './types.ts';

const schema = fromZod(z.object({ user_id: z.int64(), name: z.string().nullable(), country: z.string(), score: z.float64().nullable() }));
const dir = mkdtempSync(path.join(tmpdir(), 'etl-csv-'));
let n = 0;
const file = (text: string) => {
  const f = path.join(dir, `f${n++}.csv`);
  writeFileSync(f, text);
  return f;
};

async function read(text: string, extra: { delimiter?: string } = {}) {
  const bad: BadRecord[] = [];
  const rows: unknown[][] = [];
  for await (const b of readCsv([file(text)], { schema, mode: 'permissive', onBadRecord: (r) => bad.push(r), ...extra })) {
    for (let i = 0; i < b.length; i++) rows.push(b.columns.map((c) => valueAt(c, i)));
  }
  return { rows, bad };
}

describe('CSV reader', () => {
  it('maps columns by header name, any order and case, and handles quoting', async () => {
    const { rows, bad } = await read('Country,USER_ID,name,score,ignored\nUS,1,"Doe, Jane",1.5,x\nFR,2,"say ""hi""",,y\nDE,3,"two\nlines",2,z\n');
    expect(bad).toEqual([]);
    expect(rows).toEqual([
      [1n, 'Doe, Jane', 'US', 1.5],
      [2n, 'say "hi"', 'FR', null],
      [3n, 'two\nlines', 'DE', 2],
    ]);
  });

  it('empty unquoted is null, quoted empty is an empty string', async () => {
    const { rows } = await read('user_id,name,country\n1,,US\n2,"",US\n');
    expect(rows.map((r) => r[1])).toEqual([null, '']);
  });

  it('ragged rows and bad values are bad records with the line they start on', async () => {
    const { rows, bad } = await read('user_id,name,country\n1,a,US\n2,b\n"x",c,US\n4,"multi\nline",US,extra\n5,e,US\n');
    expect(rows.map((r) => r[0])).toEqual([1n, 5n]);
    expect(bad.map((b) => b.raw)).toEqual(['2,b', '"x",c,US', '4,"multi\nline",US,extra']);
    expect(bad.map((b) => [b.line, b.reason])).toEqual([
      [3, 'expected 3 fields, found 2'],
      [4, 'user_id: expected bigint, got "x"'],
      [5, 'expected 3 fields, found 4'],
    ]);
  });

  it('an unclosed quote is a bad record, not a crash', async () => {
    const { rows, bad } = await read('user_id,name,country\n1,a,US\n2,"never closed,US\n3,c,US\n');
    expect(rows).toHaveLength(1);
    expect(bad).toHaveLength(1);
    expect(bad[0].line).toBe(3);
    expect(bad[0].reason).toMatch(/never closed/);
  });

  it('refuses duplicate headers and missing required columns, naming the file', async () => {
    await expect(read('user_id,country,Country\n1,US,US\n')).rejects.toThrow(/names column 'Country' twice/);
    const err = await read('user_id,name\n1,a\n').catch((e) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect(err.message).toMatch(/lacks required column country/);
  });

  it('takes another delimiter', async () => {
    const { rows } = await read('user_id;country\n7;SE\n', { delimiter: ';' });
    expect(rows).toEqual([[7n, null, 'SE', null]]);
  });

  it('CRLF, a BOM, a null marker, typed values and a header-less file', async () => {
    const typed = fromZod(z.object({ d: z.iso.date().nullable(), t: z.iso.datetime().nullable(), ok: z.boolean().nullable(), n: z.int32().nullable() }));
    const bad: BadRecord[] = [];
    const rows: unknown[][] = [];
    const f = file('\uFEFFd,t,ok,n\r\n2026-11-01,2026-11-01 10:00:00,TRUE,\\N\r\n\\N,,false,7\r\n2026-02-30,,,\r\n');
    for await (const b of readCsv([f], { schema: typed, mode: 'permissive', onBadRecord: (r) => bad.push(r), nullValue: '\\N' })) {
      for (let i = 0; i < b.length; i++) rows.push(b.columns.map((c) => valueAt(c, i)));
    }
    expect(rows).toEqual([
      [Date.UTC(2026, 10, 1) / 86_400_000, BigInt(Date.UTC(2026, 10, 1, 10)) * 1000n, true, null],
      [null, null, false, 7],
    ]);
    expect(bad.map((b) => [b.line, b.reason])).toEqual([[4, 'd: "2026-02-30" is not a valid date: February 2026 has no day 30']]);
    const plain: unknown[][] = [];
    for await (const b of readCsv([file('5,x,SE,1.5\n')], { schema, mode: 'failfast', onBadRecord: () => {}, header: false })) {
      for (let i = 0; i < b.length; i++) plain.push(b.columns.map((c) => valueAt(c, i)));
    }
    expect(plain).toEqual([[5n, 'x', 'SE', 1.5]]);
  });

  it('failfast throws a BadRecordError with file and line', async () => {
    const f = file('user_id,country\n1,US\nx,US\n');
    await expect(
      (async () => {
        for await (const _ of readCsv([f], { schema, mode: 'failfast', onBadRecord: () => {} }));
      })(),
    ).rejects.toThrow(`${f}:3: user_id: expected bigint, got "x"`);
  });
});
