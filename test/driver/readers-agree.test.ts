/**
 * The Spark driver parses JSON lines and CSV itself (deploy/spark/driver.py) by the local
 * readers' rules, so both engines keep and quarantine the same records. This test feeds both
 * readers the same generated edge cases (every type, valid and invalid spellings, line-level
 * damage) and requires the same bad lines and the same values, row for row. It needs only
 * python3, not Spark, so it runs in `npm test`.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { valueAt, type Batch } from '../../framework/columnar/column.ts';
import { readJsonLines } from '../../framework/io/jsonl.ts';
import { readCsv } from '../../framework/io/csv.ts';
import { field, schemaOf, T, type Field } from '../../framework/schema/types.ts';
import { seededRandom } from '../support/random.ts';
import { canonical, type Json } from '../corpus/canonical.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface Read {
  readonly badLines: number[];
  readonly rows: Json[][];
}

async function readLocally(batches: AsyncIterable<Batch>, fields: readonly Field[], bad: number[]): Promise<Read> {
  const rows: Json[][] = [];
  for await (const b of batches) {
    for (let i = 0; i < b.length; i++) rows.push(b.columns.map((c, k) => canonical(valueAt(c, i), fields[k].type)));
  }
  return { badLines: bad, rows };
}

function readWithDriver(format: 'jsonl' | 'csv', file: string, fields: readonly Field[], csvOptions?: object): Read {
  const dir = path.dirname(file);
  const fieldsFile = path.join(dir, 'fields.json');
  writeFileSync(fieldsFile, JSON.stringify(fields.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable, ...(f.enumValues ? { enumValues: f.enumValues } : {}) }))));
  const args = [path.join(HERE, 'read_with_driver.py'), format, file, fieldsFile];
  if (csvOptions) {
    writeFileSync(path.join(dir, 'csv.json'), JSON.stringify(csvOptions));
    args.push(path.join(dir, 'csv.json'));
  }
  const r = spawnSync('python3', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`read_with_driver.py failed:\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as ({ bad: number } | { row: Json[] })[];
  return { badLines: out.flatMap((o) => ('bad' in o ? [o.bad] : [])), rows: out.flatMap((o) => ('row' in o ? [o.row] : [])) };
}

const FIELDS: Field[] = [
  field('id', T.int64, false),
  field('kind', T.string, true, { enumValues: ['view', 'click'] }),
  field('score', T.int32),
  field('amount', T.float64),
  field('flag', T.boolean),
  field('price', T.decimal(10, 2)),
  field('day', T.date),
  field('ts', T.timestamp),
  field('device', { kind: 'struct', fields: [field('os', T.string, false), field('v', T.int32)] }),
  field('tags', { kind: 'array', element: T.int32, containsNull: true }),
  field('props', { kind: 'map', key: T.string, value: T.string, valueContainsNull: true }),
  field('note', T.string),
];

/** JSON spellings per column: [valid, invalid]. */
const POOLS: Record<string, [string[], string[]]> = {
  id: [['1', '-9223372036854775808', '9223372036854775807', '9007199254740993', '-0', '2'], ['9223372036854775808', '1.0', '1e3', '"12"', 'null', '007']],
  kind: [['"view"', '"click"', 'null', '"vi\\u0065w"'], ['"scroll"', '5', 'true', '"View"']],
  score: [['2147483647', '-2147483648', '0', '-1'], ['2147483648', '"1"', '1.5']],
  amount: [['1.5', '-0.0', '1e308', '1e309', '0.1', '123456789012345678901234567890', '5E-324', '-1E+2'], ['"1.5"', 'NaN', '-Infinity']],
  flag: [['true', 'false', 'null'], ['"true"', '1', 'TRUE']],
  price: [['12.345', '"12.345"', '-0.005', '1e2', '12', '0.015', '"1e-3"', '99999999.994'], ['99999999.995', '"abc"', '"1,5"']],
  day: [['"2024-02-29"', '"0001-01-01"', '"9999-12-31"'], ['"2023-02-29"', '"2024-2-29"', '20240229', '"2024-02-29T00:00:00Z"']],
  ts: [
    ['"2026-11-01T23:59:59.9999999Z"', '"2026-11-01T00:00:00+01:00"', '"2026-11-01 10:00"', '"1969-12-31T23:59:59.999999Z"', '"2026-11-01T00:00:00.5-0930"', '"2026-11-01T00:00:00z"', '"0001-01-01T00:00:00+00:00"'],
    ['"2026-11-01T24:00:00Z"', '"2026-11-01"', '12345', '"2026-11-01T00:00:00+18:01"'],
  ],
  device: [['{"os":"ios","v":3}', '{"os":"a","x":1}', 'null', '{"os":"a","os":"b"}', '{"v":null,"os":""}'], ['{"v":3}', '{"os":null}', '[]', '"ios"', '{"os":"a","v":"3"}']],
  tags: [['[1,2,null]', '[]', '[ 1 , 2 ]'], ['["a"]', '[1.5]', '{}', '[2147483648]']],
  props: [['{"b":"1","a":"2"}', '{"10":"x","9":"y","z":"w"}', '{"k":1}', '{"k":null}', '{"k":{"n":[1,2.50]}}', '{"4294967295":"a","4294967294":"b"}', '{}'], ['[]', '"x"']],
  note: [['"héllo wörld 😀"', '"\\ud83d\\ude00"', '{"b":2,"a":[true,null]}', '1.50', '"\\u0000"', '"a\\\\b\\"c"', '""', '"\\/"', '-0.0e+1', '[1,{"2":3}]'], ['"tab\there"']],
};

function line(rnd: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const names = FIELDS.map((f) => f.name).sort(() => rnd() - 0.5);
  const value = (n: string) => pick(POOLS[n][rnd() < 0.03 ? 1 : 0]);
  const parts = names.filter((n) => n === 'id' || rnd() > 0.08).map((n) => `"${n}": ${value(n)}`);
  if (rnd() < 0.03) parts.push(`"id": ${value('id')}`); // a duplicate key: the last one wins
  let text = `{${parts.join(rnd() < 0.5 ? ',' : ', ')}}`;
  const damage = rnd();
  if (damage < 0.02) text = text.slice(0, Math.floor(text.length / 2));
  else if (damage < 0.04) text = `[${text}]`;
  else if (damage < 0.06) text = `${text}{}`;
  else if (damage < 0.08) text = `  ${text}  `;
  else if (damage < 0.09) text = '';
  else if (damage < 0.1) text = `${text.slice(0, -1)},}`;
  return text;
}

describe('the Spark driver reads like the local engine', () => {
  const tmp = () => mkdtempSync(path.join(tmpdir(), 'etl-readers-'));

  it('JSON lines: the same bad lines and the same values for 3,000 generated records', async () => {
    const rnd = seededRandom(20261125);
    const lines = Array.from({ length: 3000 }, () => line(rnd));
    const text = lines.map((l, i) => (i % 7 === 0 ? `${l}\r` : l)).join('\n');
    const file = path.join(tmp(), 'events.gz');
    writeFileSync(file, Buffer.concat([gzipSync(text.slice(0, 40_000)), gzipSync(text.slice(40_000))]));
    const bad: number[] = [];
    const schema = schemaOf(FIELDS);
    const local = await readLocally(readJsonLines([file], { schema, mode: 'permissive', onBadRecord: (r) => bad.push(r.line) }), FIELDS, bad);
    const spark = readWithDriver('jsonl', file, FIELDS);
    // The data must exercise both outcomes, or the comparison proves little.
    expect(local.rows.length).toBeGreaterThan(100);
    expect(local.badLines.length).toBeGreaterThan(300);
    expect(spark.badLines).toEqual(local.badLines);
    expect(spark.rows).toEqual(local.rows);
  });

  it('CSV: quoting, nulls, header mapping and bad records', async () => {
    const fields = [field('id', T.int32, false), field('name', T.string), field('price', T.decimal(6, 2)), field('day', T.date), field('ok', T.boolean), field('at', T.timestamp)];
    const text = [
      'ID,Name,price,day,ok,at,extra',
      '1,"",1.005,2024-02-29,TRUE,2026-11-01 00:00:00+01:00,x',
      '2,,NA,,false,,',
      '3,"multi',
      'line ""quoted""",-0.5,2023-02-29,true,,',
      '4,plain,9999.995,2024-01-01,yes,,',
      ',missing id,,,,,',
      '5,short',
      '',
      '6,"a,b",12,2024-01-01,False,2026-11-01T10:00:00Z,',
      '7,ünïcode 😀,0.001,2024-01-01,true,2026-11-01T10:00:00.1234567Z,',
    ].join('\r\n');
    const file = path.join(tmp(), 'users.csv');
    writeFileSync(file, `\ufeff${text}\n`);
    const bad: number[] = [];
    const local = await readLocally(
      readCsv([file], { schema: schemaOf(fields), mode: 'permissive', onBadRecord: (r) => bad.push(r.line), nullValue: 'NA' }),
      fields,
      bad,
    );
    const spark = readWithDriver('csv', file, fields, { header: true, delimiter: ',', quote: '"', nullValue: 'NA' });
    expect(local.rows.length).toBeGreaterThan(3);
    expect(local.badLines.length).toBeGreaterThan(2);
    expect(spark.badLines).toEqual(local.badLines);
    expect(spark.rows).toEqual(local.rows);
  });
});
