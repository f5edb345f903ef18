/**
 * A Parquet file the decoder traps on fails every read path with an error naming the file (and
 * the column), never a crash: `etl run`, `etl preview`, `etl test` (in child processes, as users
 * run them: the exit code and the `error:` line) and testJob in this process, which must then
 * still read a good file.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, parquet, table } from '../../framework/index.ts';
import { InputFileError } from '../../framework/io/types.ts';
import { testJob } from '../../framework/testing/index.ts';
import { copyOfTestProject, etlIn } from '../support/project.ts';
import { conformanceDir } from './locate.ts';

const damaged = path.join(conformanceDir(), 'parquet-testing/data/nation.dict-malformed.parquet');
const good = path.join(conformanceDir(), 'parquet-testing/data/alltypes_plain.parquet');

const JOB = `import { z } from 'zod';
import { defineJob, parquet, table } from 'lakeform';
export default defineJob({
  name: 'nations',
  inputs: { raw: parquet({ path: 's3://b/nations/', sample: 'sample/nations/', schema: z.object({ nation_key: z.int32(), name: z.string() }) }) },
  transform: ({ raw }) => raw,
  output: table('t.nations', z.object({ nation_key: z.int32(), name: z.string() }), { mode: 'overwrite' }),
});
`;

describe('a Parquet file the decoder fails on', () => {
  it('is an error naming the file and column in etl run, etl preview and etl test', () => {
    const dir = copyOfTestProject();
    writeFileSync(path.join(dir, 'jobs/nations.ts'), JOB);
    mkdirSync(path.join(dir, 'sample/nations'), { recursive: true });
    copyFileSync(damaged, path.join(dir, 'sample/nations/part-0.parquet'));
    mkdirSync(path.join(dir, 'jobs/fixtures/nations/reads'), { recursive: true });
    copyFileSync(damaged, path.join(dir, 'jobs/fixtures/nations/reads/raw.parquet'));
    writeFileSync(path.join(dir, 'jobs/fixtures/nations/reads/expected.jsonl'), '');
    for (const args of [['run', 'nations'], ['preview', 'nations']]) {
      const r = etlIn(dir, args);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^error: .*sample\/nations\/part-0\.parquet: column 'name' could not be decoded: the Parquet decoder failed on it/m);
      expect(r.stderr).not.toMatch(/RuntimeError: unreachable\n\s+at /);
    }
    const t = etlIn(dir, ['test', 'nations']);
    expect(t.status).toBe(1);
    expect(t.stdout + t.stderr).toMatch(/reads\/raw\.parquet: column 'name' could not be decoded/);
  }, 120_000);

  it('etl preview --json shows nested booleans as booleans, decimals as text, and the hint once', () => {
    const dir = copyOfTestProject();
    writeFileSync(
      path.join(dir, 'jobs/flags.ts'),
      `import { z } from 'zod';
import { defineJob, jsonLines, table, decimal } from 'lakeform';
const Row = z.object({ id: z.int32(), meta: z.object({ ok: z.boolean(), tags: z.array(z.boolean()) }), price: decimal(38, 2) });
export default defineJob({
  name: 'flags',
  inputs: { raw: jsonLines({ path: 's3://b/flags/', sample: 'sample/flags/', schema: Row }) },
  transform: ({ raw }) => raw,
  output: table('t.flags', Row, { mode: 'overwrite' }),
});
`,
    );
    mkdirSync(path.join(dir, 'sample/flags'), { recursive: true });
    writeFileSync(path.join(dir, 'sample/flags/a.jsonl'), '{"id": 1, "meta": {"ok": true, "tags": [false, true]}, "price": "12345678901234567890123456789012345.50"}\n');
    const r = etlIn(dir, ['preview', 'flags', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rows).toEqual([{ id: 1, meta: { ok: true, tags: [false, true] }, price: '12345678901234567890123456789012345.50' }]);
    writeFileSync(path.join(dir, 'jobs/nations.ts'), JOB);
    writeFileSync(path.join(dir, 'sample/flags/b.parquet'), 'PAR1 not really');
    const bad = etlIn(dir, ['run', 'nations', '--input', `raw=${path.join(dir, 'sample/flags/b.parquet')}`]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('b.parquet: does not end with the Parquet magic bytes PAR1');
    expect(bad.stderr.match(/rewrite it, or remove it from the input/g)).toHaveLength(1);
  }, 60_000);

  it('is an InputFileError from testJob, and the next read works', async () => {
    const schema = z.object({ nation_key: z.int32(), name: z.string() });
    const job = defineJob({ name: 'nations', inputs: { raw: parquet({ path: 's3://b/n/', schema }) }, transform: ({ raw }) => raw, output: table('t.nations', schema) });
    const err = await testJob(job, { inputs: { raw: damaged } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect((err as Error).message).toContain(damaged);
    const ok = z.object({ id: z.int32(), bool_col: z.boolean() });
    const job2 = defineJob({ name: 'plain', inputs: { raw: parquet({ path: 's3://b/p/', schema: ok }) }, transform: ({ raw }) => raw, output: table('t.plain', ok) });
    const r = await testJob(job2, { inputs: { raw: good } });
    expect(r.rows.map((x) => [x.id, x.bool_col])).toEqual([[4, true], [5, false], [6, true], [7, false], [2, true], [3, false], [0, true], [1, false]]);
  });
});
