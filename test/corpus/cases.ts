/**
 * The reader cases both engines are held to: the local readers (framework/io) and the Spark
 * driver's (deploy/spark/driver.py). Inputs are defined here; test/corpus/readers.json holds them
 * with the expected rows and bad records, written from the local readers by
 * `UPDATE_CORPUS=1 npx vitest run test/corpus` (review the diff: it is the contract), and read
 * by test/corpus/readers.test.ts and deploy/spark/tests/test_corpus.py alike.
 */
import type { DataType } from '../../framework/schema/types.ts';

export interface CorpusField {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly enumValues?: readonly string[];
  readonly lenient?: true;
}

export interface CorpusCase {
  readonly name: string;
  readonly format: 'jsonl' | 'csv';
  readonly fields: readonly CorpusField[];
  readonly csv?: { readonly header?: boolean; readonly delimiter?: string; readonly quote?: string; readonly nullValue?: string };
  /** The file's bytes, as base64 (text can hold anything: invalid UTF-8, a BOM, NUL). */
  readonly bytes: string;
}

const f = (name: string, type: DataType, nullable = true, enumValues?: readonly string[]): CorpusField => ({ name, type, nullable, ...(enumValues ? { enumValues } : {}) });
const int32: DataType = { kind: 'int32' };
const int64: DataType = { kind: 'int64' };
const str: DataType = { kind: 'string' };
const dec = (precision: number, scale: number): DataType => ({ kind: 'decimal', precision, scale });

const JSON_FIELDS: CorpusField[] = [
  f('id', int64, false),
  f('kind', str, true, ['view', 'click']),
  f('score', int32),
  f('amount', { kind: 'float64' }),
  f('flag', { kind: 'boolean' }),
  f('price', dec(10, 2)),
  f('wide', dec(38, 10)),
  f('day', { kind: 'date' }),
  f('ts', { kind: 'timestamp' }),
  f('blob', { kind: 'binary' }),
  f('device', { kind: 'struct', fields: [f('os', str, false), f('v', int32)] }),
  f('tags', { kind: 'array', element: int32, containsNull: true }),
  f('flags', { kind: 'array', element: { kind: 'boolean' }, containsNull: true }),
  f('props', { kind: 'map', key: str, value: str, valueContainsNull: true }),
  f('note', str),
];

/** JSON spellings per column: [valid, invalid]. */
const POOLS: Record<string, [string[], string[]]> = {
  id: [['1', '-9223372036854775808', '9223372036854775807', '9007199254740993', '-0'], ['9223372036854775808', '1.0', '1e3', '"12"', 'null', '007']],
  kind: [['"view"', '"click"', 'null', '"vi\\u0065w"'], ['"scroll"', '5', 'true', '"View"']],
  score: [['2147483647', '-2147483648', '0'], ['2147483648', '"1"', '1.5']],
  // 1e309 overflows to Infinity, as Jackson (Spark) reads it too: a number, not NaN/Infinity text.
  amount: [['1.5', '-0.0', '1e308', '1e309', '0.1', '123456789012345678901234567890', '5E-324', '-1E+2'], ['"1.5"', 'NaN', '-Infinity']],
  flag: [['true', 'false'], ['"true"', '1', 'TRUE']],
  price: [['12.345', '"12.345"', '-0.005', '1e2', '0.015', '"1e-3"', '99999999.994'], ['99999999.995', '"abc"', '"1,5"']],
  wide: [['"1234567890123456789012345678.1234567890"', '-9999999999999999999999999999.99999999994', '0.00000000005', '1e27'], ['99999999999999999999999999999', '"1e28"']],
  day: [['"2024-02-29"', '"0001-01-01"', '"9999-12-31"'], ['"2023-02-29"', '"2024-2-29"', '20240229', '"2024-02-29T00:00:00Z"']],
  ts: [
    ['"2026-11-01T23:59:59.9999999Z"', '"2026-11-01T00:00:00+01:00"', '"2026-11-01 10:00"', '"1969-12-31T23:59:59.999999Z"', '"2026-11-01T00:00:00.5-0930"', '"0001-01-01T00:00:00+00:00"'],
    ['"2026-11-01T24:00:00Z"', '"2026-11-01"', '12345', '"2026-11-01T00:00:00+18:01"'],
  ],
  blob: [['"aGVsbG8="', '""', '"AAEC/w=="'], ['"aGVsbG8"', '"not base64!"', '12']],
  device: [['{"os":"ios","v":3}', '{"os":"a","x":1}', 'null', '{"os":"a","os":"b"}'], ['{"v":3}', '{"os":null}', '[]', '"ios"']],
  tags: [['[1,2,null]', '[]'], ['["a"]', '[1.5]', '{}', '[2147483648]']],
  flags: [['[true,false,null]', '[]'], ['[1]', '["true"]']],
  props: [['{"b":"1","a":"2"}', '{"10":"x","9":"y","z":"w"}', '{"k":1}', '{"k":{"n":[1,2.50]}}'], ['[]', '"x"']],
  note: [['"héllo wörld 😀"', '"\\ud83d\\ude00"', '{"b":2,"a":[true,null]}', '1.50', '"\\u0000"', '"tab\\there"', '""'], ['"\\ud800"', '"\\udc00x"', '"bad \\q"', '"raw\ttab"']],
};

/** One line per spelling of each column (the others left out), then lines damaged in every way we know. */
function jsonLines(): string[] {
  const lines: string[] = [];
  for (const [col, [good, bad]] of Object.entries(POOLS)) {
    for (const v of [...good, ...bad]) lines.push(col === 'id' ? `{"id": ${v}}` : `{"id": 1, "${col}": ${v}}`);
  }
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  lines.push(
    '',
    '   ',
    '{"id": 2, "note": "crlf"}\r',
    '{"id": 3,',
    '[{"id": 4}]',
    '{"id": 5}{"id": 6}',
    '{"id": 7,}',
    "{'id': 8}",
    '{"id": 9, "id": 10}',
    '{"id": 11, "id": "x"}',
    `{"id": 12, "note": ${deep(63)}}`,
    `{"id": 13, "note": ${deep(64)}}`,
    `{"id": 14, "extra": ${deep(70)}}`,
    '{"id": 15, "k\\u0009ey": 1, "device": {"os": "a", "v": "\\u0001"}}',
    'null',
    '"just a string"',
    '{"id": 16, "note": "unterminated}',
    '{"id": 17, "note": "\u0001"}',
  );
  return lines;
}

const b64 = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s).toString('base64');

const CSV_FIELDS: CorpusField[] = [f('id', int32, false), f('name', str), f('price', dec(6, 2)), f('day', { kind: 'date' }), f('ok', { kind: 'boolean' }), f('at', { kind: 'timestamp' }), f('big', dec(38, 2))];
const CSV_ROWS = [
  'ID,Name,price,day,ok,at,big,extra',
  '1,"",1.005,2024-02-29,TRUE,2026-11-01 00:00:00+01:00,123456789012345678901234567890123456.78,x',
  '2,,NA,,false,,,',
  '3,"multi\nline ""quoted""",-0.5,2023-02-29,true,,,',
  '4,plain,9999.995,2024-01-01,yes,,,',
  ',missing id,,,,,,',
  '5,short',
  '',
  '6,"a,b",12,2024-01-01,False,2026-11-01T10:00:00Z,-1,',
  '7,a"b,1,,,,,',
  '8,"c"d,1,,,,,',
  '9,after the stray quotes,1,,,,,',
  '10,"ünïcode 😀",0.001,2024-01-01,true,2026-11-01T10:00:00.1234567Z,0.005,',
];

/** lenient(...) fields: a value that does not fit is null and counted, unless the record is bad for another reason. */
const lenient = (field: CorpusField): CorpusField => ({ ...field, lenient: true });
const LENIENT_JSON_FIELDS: CorpusField[] = [
  f('id', int64, false),
  lenient(f('amount', { kind: 'float64' })),
  lenient(f('kind', str, true, ['a', 'b'])),
  lenient(f('day', { kind: 'date' })),
  f('device', { kind: 'struct', fields: [f('os', str, false), lenient(f('v', int32))] }),
  lenient(f('meta', { kind: 'struct', fields: [f('n', int32, false)] })),
  lenient(f('tags', { kind: 'array', element: int32, containsNull: true })),
];
const LENIENT_JSON = [
  '{"id": 1, "amount": "1.5", "kind": "a", "day": "2024-02-30", "device": {"os": "x", "v": "7"}}',
  '{"id": 2, "amount": 2.5, "kind": "zzz", "meta": {"n": "x"}, "tags": [1, "a"]}',
  '{"id": "3", "amount": "x"}',
  '{"id": 4, "amount": tru}',
  '{"id": 5, "device": {"v": 1}}',
  '{"id": 6, "amount": "a", "amount": 3}',
  '{"id": 7, "amount": 3, "amount": "a"}',
  '{"id": 8, "meta": {"n": 1, "n": "q"}}',
  '{"id": 9, "device": {"os": "y", "v": "bad", "v": 2}}',
  '{"id": 10, "amount": [1, {"x": NaN}]}',
  '{"id": 11, "amount": null, "meta": null, "device": {"os": "z", "v": 3000000000}}',
  '{"id": 12, "day": "\\ud800"}',
  '{"id": 13, "amount": {"deep": [true]}, "meta": {"n": 7}, "tags": [1, null]}',
  '{"id": 14, "kind": "b", "meta": {"n": 1, "other": "x"}, "amount": "1", "id": "14"}',
];
const LENIENT_CSV_FIELDS: CorpusField[] = [
  f('id', int32, false),
  lenient(f('price', dec(6, 2))),
  lenient(f('day', { kind: 'date' })),
  lenient(f('ok', { kind: 'boolean' })),
  lenient(f('kind', str, true, ['a', 'b'])),
];
const LENIENT_CSV = ['id,price,day,ok,kind', '1,abc,2024-02-30,maybe,z', '2,1.5,2024-01-01,true,a', 'x,1.5,,,', '3,"",,,', '4,1,2,3', '5,99999.99,,TRUE,b', '6,"1,5",NA,NA,"a"'];

export function corpusCases(): CorpusCase[] {
  const csv = (name: string, text: string | Buffer, opts: CorpusCase['csv'] = { nullValue: 'NA' }): CorpusCase => ({ name, format: 'csv', fields: CSV_FIELDS, csv: opts, bytes: b64(text) });
  const json = jsonLines();
  return [
    { name: 'JSON lines: every spelling of every type, and damaged lines', format: 'jsonl', fields: JSON_FIELDS, bytes: b64(json.join('\n')) },
    { name: 'JSON lines: CRLF line ends and a BOM', format: 'jsonl', fields: JSON_FIELDS, bytes: b64(`\ufeff${json.slice(0, 40).join('\r\n')}\r\n`) },
    { name: 'JSON lines: invalid UTF-8 on one line', format: 'jsonl', fields: JSON_FIELDS, bytes: b64(Buffer.concat([Buffer.from('{"id": 1}\n{"id": 2, "note": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n{"id": 3}\n')])) },
    csv('CSV: LF line ends', `${CSV_ROWS.join('\n')}\n`),
    csv('CSV: CRLF line ends and a BOM', `\ufeff${CSV_ROWS.join('\r\n')}\r\n`),
    csv('CSV: CR line ends alone (classic Mac)', CSV_ROWS.map((r) => r.replace(/\n/g, '\r')).join('\r')),
    csv('CSV: an unclosed quote swallows the rest', 'ID,Name\n1,a\n2,"never closed\n3,c\n'),
    { name: 'JSON lines: lenient fields', format: 'jsonl', fields: LENIENT_JSON_FIELDS, bytes: b64(`${LENIENT_JSON.join('\n')}\n`) },
    { name: 'CSV: lenient fields', format: 'csv', fields: LENIENT_CSV_FIELDS, csv: { nullValue: 'NA' }, bytes: b64(`${LENIENT_CSV.join('\n')}\n`) },
    csv('CSV: semicolons and single quotes', "ID;Name;price\n1;'a;b';2.5\n2;'it''s';\n", { delimiter: ';', quote: "'" }),
  ];
}
