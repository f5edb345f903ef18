/**
 * lenient(...) input fields end to end through `etl run` (fixture test/fixtures/readers, job
 * `lenient`): values that do not fit are null in the written rows and counted per field in the
 * summary; records bad for another reason are still bad. test/spark/readers.test.ts runs the
 * same job and data through the Spark driver. A lenient field that is not nullable is refused
 * at analysis, naming the field and the job file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, duckdbRows, sandbox } from './helpers.ts';
import { analyzeJob } from '../../framework/analyze/job.ts';
import { defineJob, jsonLines, lenient, parquet, table } from '../../framework/index.ts';
import { buildPlan } from '../../framework/dsl/job.ts';
import { testJob } from '../../framework/testing/index.ts';
import { lenientPaths } from '../../framework/schema/types.ts';
import { JobLoadError } from '../../framework/errors/index.ts';
import { LENIENT_READINGS } from '../support/lenient-readings.ts';

const FIXTURE = path.join(ROOT, 'test/fixtures/readers');


function run(args: string[]) {
  const box = sandbox();
  const dir = path.join(box.dir, 'readings');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'part-0.jsonl'), LENIENT_READINGS);
  const r = spawnSync(process.execPath, [BIN, 'run', 'lenient', '--input', `raw=${dir}`, ...args], { cwd: FIXTURE, env: box.env, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('lenient fields through etl run', () => {
  it('nulls the values that do not fit, keeps their records, and counts them per field', async () => {
    const summary = JSON.parse(run(['--json'])) as { rowsRead: number; badRecords: number; inputs: { lenientNulls?: Record<string, number> }[]; output: { location: string; rowsWritten: number } };
    expect({ rowsRead: summary.rowsRead, badRecords: summary.badRecords, written: summary.output.rowsWritten }).toEqual({ rowsRead: 7, badRecords: 3, written: 4 });
    expect(summary.inputs[0].lenientNulls).toEqual({ amount: 3, day: 2, 'device.build': 1 });
    const rows = await duckdbRows(`SELECT id, amount, CAST(day AS VARCHAR) AS day, device FROM read_parquet('${summary.output.location}/**/*.parquet') ORDER BY id`);
    expect(rows).toEqual([
      { id: '1', amount: 1.5, day: '2026-11-01', device: { os: 'ios', build: 12 } },
      { id: '2', amount: null, day: null, device: { os: 'android', build: null } },
      { id: '3', amount: null, day: null, device: null },
      { id: '6', amount: null, day: null, device: null },
    ]);
  });

  it('shows the counts in the text summary', () => {
    expect(run([])).toMatch(/lenient nulls\s+6 \(amount 3, day 2, device\.build 1; values that did not fit, read as null\)/);
  });

  it('refuses a lenient field that is not nullable, naming the field and the job file', () => {
    const Input = z.object({ id: z.int64(), amount: lenient(z.number()) });
    const job = defineJob({
      name: 'strict_amount',
      inputs: { raw: jsonLines({ path: 'raw/', schema: Input }) },
      transform: ({ raw }) => raw,
      output: table('t.strict_amount', Input, { mode: 'overwrite' }),
    });
    const attempt = () => analyzeJob(job, {}, () => ({ fields: [] }), 'jobs/strict_amount.ts');
    expect(attempt).toThrow(JobLoadError);
    expect(attempt).toThrow(/jobs\/strict_amount\.ts.*field 'amount' is lenient\(\.\.\.\) but not nullable/);
    try {
      attempt();
    } catch (e) {
      expect((e as JobLoadError).hint).toMatch(/add \.nullable\(\)/);
    }
  });

  it('refuses a lenient field inside an array element', () => {
    const Input = z.object({ items: z.array(z.object({ n: lenient(z.int32().nullable()) })) });
    const job = defineJob({
      name: 'in_array',
      inputs: { raw: jsonLines({ path: 'raw/', schema: Input }) },
      transform: ({ raw }) => raw,
      output: table('t.in_array', Input, { mode: 'overwrite' }),
    });
    expect(() => analyzeJob(job, {}, () => ({ fields: [] }), 'jobs/in_array.ts')).toThrow(/field 'items\[\]': lenient\(\.\.\.\) applies to a column or a field of a struct column/);
  });

  it('marks only JSON lines and CSV inputs lenient: not Parquet inputs, not the output a schema is reused for', () => {
    const Reading = z.object({ id: z.int64(), amount: lenient(z.number().nullable()), device: z.object({ build: lenient(z.int32().nullable()) }).nullable() });
    const job = defineJob({
      name: 'reused',
      inputs: { raw: jsonLines({ path: 'raw/', schema: Reading }), old: parquet({ path: 'old/', schema: Reading }) },
      transform: ({ raw, old }) => raw.unionByName(old),
      output: table('t.reused', Reading, { mode: 'overwrite' }),
    });
    const built = buildPlan(job, {}, () => ({ fields: [] }));
    expect(lenientPaths(built.inputSchemas.raw.fields)).toEqual(['amount', 'device.build']);
    expect(lenientPaths(built.inputSchemas.old.fields)).toEqual([]);
    expect(lenientPaths(analyzeJob(job, {}, () => ({ fields: [] })).output.schema.fields)).toEqual([]);
  });

  it('testJob reports the nulled values per input and field', async () => {
    const Reading = z.object({ id: z.int64(), amount: lenient(z.number().nullable()) });
    const job = defineJob({
      name: 'readings',
      inputs: { raw: jsonLines({ path: 'raw/', schema: Reading }) },
      transform: ({ raw }) => raw,
      output: table('t.readings', Reading, { mode: 'overwrite' }),
    });
    const r = await testJob(job, { inputs: { raw: [{ id: 1, amount: 2.5 }, { id: 2, amount: 'n/a' }, { id: 'x', amount: 'n/a' }] } });
    expect(r.rows).toEqual([{ id: 1n, amount: 2.5 }, { id: 2n, amount: null }]);
    expect(r.badRecords.map((b) => b.line)).toEqual([3]);
    expect(r.lenientNulls).toEqual({ raw: { amount: 1 } });
  });
});
