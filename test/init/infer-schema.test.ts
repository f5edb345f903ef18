/** The draft schema of `etl new job --input`: inferred from sample values, written back as zod source that reads back as the same schema. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inferSchema, sampleFiles } from '../../framework/init/infer-schema.ts';
import { zodSource } from '../../framework/init/zod-source.ts';
import { fromZod, decimal } from '../../framework/schema/zod.ts';
import { T, field, schemaOf, type DatasetSchema } from '../../framework/schema/types.ts';

function sample(name: string, content: string | Uint8Array): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'etl-infer-')), name);
  writeFileSync(file, content);
  return file;
}

/** Evaluates generated zod source, as the schema file would. */
function evaluate(source: string): z.ZodObject {
  return new Function('z', 'decimal', `return ${source};`)(z, decimal) as z.ZodObject;
}

const lines = (...rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('schema inference from a JSON-lines sample', () => {
  it('widens bigint to double, gives way to null, makes a field some records lack nullable, and falls back to string on disagreement', async () => {
    const file = sample('a.jsonl', lines({ n: 1, x: 1, s: 'a', d: '2026-11-01', t: '2026-11-01T10:00:00Z', b: true }, { n: 2, x: 2.5, s: 3, d: '2026-11-02', t: '2026-11-01T10:00:00.123456+02:00', b: null, extra: 'e' }));
    const schema = await inferSchema([file], 'jsonl');
    expect(schema.fields).toEqual([
      field('n', T.int64, false),
      field('x', T.float64, false),
      field('s', T.string, false),
      field('d', T.date, false),
      field('t', T.timestamp, false),
      field('b', T.boolean, true),
      field('extra', T.string, true),
    ]);
  });

  it('infers nested objects as structs (merging their fields) and arrays by their elements', async () => {
    const file = sample('b.jsonl.gz', gzipSync(lines({ device: { os: 'ios' }, tags: ['a', null] }, { device: { os: 'web', v: 2 }, tags: [] })));
    const [device, tags] = (await inferSchema([file], 'jsonl')).fields;
    expect(device.type).toEqual({ kind: 'struct', fields: [field('os', T.string, false), field('v', T.int64, true)] });
    expect(tags.type).toEqual({ kind: 'array', element: T.string, containsNull: true });
  });

  it('names the line of a sample that is not JSON, and finds the files of a folder', async () => {
    const file = sample('c.jsonl', '{"a":1}\n{"a":\n');
    await expect(inferSchema([file], 'jsonl')).rejects.toThrow(/c\.jsonl:2: not valid JSON/);
    expect(sampleFiles(path.dirname(file), 'jsonl')).toEqual([file]);
    expect(() => sampleFiles(path.dirname(file), 'csv')).toThrow(/no csv file in this folder/);
  });
});

describe('schema inference from a CSV sample', () => {
  it('reads types from the text; an empty field is null', async () => {
    const file = sample('u.csv', 'id,big,ratio,flag,day,note\n1,12345678901234,0.5,true,2026-01-01,"a, b"\n2,,1e3,false,2026-01-02,\n');
    expect((await inferSchema([file], 'csv')).fields).toEqual([
      field('id', T.int64, false),
      field('big', T.int64, true),
      field('ratio', T.float64, false),
      field('flag', T.boolean, false),
      field('day', T.date, false),
      field('note', T.string, true),
    ]);
  });
});

describe('zod source of a schema', () => {
  it('reads back as the same dataset schema, nested types, enums, decimals and comments included', () => {
    const schema: DatasetSchema = schemaOf([
      field('id', T.string, false, { comment: "the id's text" }),
      field('kind', T.string, false, { enumValues: ['a', 'b'] }),
      field('price', T.decimal(10, 2), true),
      field('at', T.timestamp, false),
      field('tags', { kind: 'array', element: T.int64, containsNull: true }, true),
      field('attrs', { kind: 'map', key: T.string, value: T.string, valueContainsNull: false }, true),
      field('device', { kind: 'struct', fields: [field('os', T.string, false), field('version', T.int32, true)] }, true),
      field('odd name', T.float64, false),
    ]);
    const { text, lakeformImports } = zodSource(schema);
    expect(lakeformImports).toEqual(['decimal']);
    expect(text).toContain(`"odd name": z.float64(),`);
    expect(fromZod(evaluate(text))).toEqual(schema);
  });
});
