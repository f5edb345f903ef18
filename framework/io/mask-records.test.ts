import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { masked, maskRules } from '../schema/mask.ts';
import { fromZod } from '../schema/zod.ts';
import { maskCsv, maskJsonLine, maskJsonLines } from './mask-records.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

const Schema = z.object({
  id: z.int64(),
  email: masked(z.string().describe('login e-mail'), 'hash'),
  name: masked(z.string().nullable(), 'redact'),
  note: z.string().nullable(),
});
const rules = maskRules(Schema);

describe('masks declared in the schema', () => {
  it('are found through nullable, and leave type and comment as declared', () => {
    expect([...rules]).toEqual([['email', 'hash'], ['name', 'redact']]);
    expect(fromZod(Schema).fields.map((f) => [f.name, f.type.kind, f.nullable, f.comment ?? null])).toEqual([
      ['id', 'int64', false, null],
      ['email', 'string', false, 'login e-mail'],
      ['name', 'string', true, null],
      ['note', 'string', true, null],
    ]);
  });

  it('JSON lines: only the masked values change; big integers, nulls, escapes and nesting stay byte for byte', () => {
    const line = '{"id": 9007199254740993, "email":"ada@example.com" ,"name":null, "note": "{\\"email\\": \\"x\\"}", "nested": {"email": "kept@example.com"}}';
    expect(maskJsonLine(line, rules)).toBe(
      `{"id": 9007199254740993, "email":"${sha('ada@example.com')}" ,"name":null, "note": "{\\"email\\": \\"x\\"}", "nested": {"email": "kept@example.com"}}`,
    );
    expect(maskJsonLine('{"name": "Ada \\u00e9", "email": 42}', rules)).toBe(`{"name": "[redacted]", "email": "${sha('42')}"}`);
  });

  it('JSON lines: a line that is not a JSON object is dropped and counted', () => {
    const r = maskJsonLines('{"email":"a@b.c"}\n{"email": "oops\n\n[1,2]\n', rules);
    expect(r).toEqual({ text: `{"email":"${sha('a@b.c')}"}\n\n`, dropped: 2 });
  });

  it('CSV: masked columns by header name, nulls kept, quoting kept', () => {
    const csv = 'ID,Email,name,note\n1,ada@example.com,"O\'Brien, Siobhán","a ""quoted"" note"\n2,,,""\n3,"",\\N,x\n';
    expect(maskCsv(csv, rules, { delimiter: ',', quote: '"', nullValue: '\\N' }).text).toBe(
      `ID,Email,name,note\n1,${sha('ada@example.com')},"[redacted]","a ""quoted"" note"\n2,,,""\n3,"${sha('')}",\\N,x\n`,
    );
  });
});
