/**
 * Generated edge cases on Spark and the local engine: nulls, duplicate keys, unicode, timestamps
 * around midnight UTC with offsets, hostile column names and literals, partition values with
 * `/` and `=`; intervals and RANGE frames; an empty input; a failing check; a bad record under failfast. The fixture
 * project is test/fixtures/edge.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, sandbox } from '../run/helpers.ts';
import { edgeLines } from '../fixtures/edge/generate.ts';
import { assertSparkInstalled, compareTables, sparkSubmit } from './spark.ts';

const FIXTURE = path.join(ROOT, 'test/fixtures/edge');
const box = sandbox();

function etlIn(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: FIXTURE, env: box.env, encoding: 'utf8', timeout: 60_000 });
}

function localRun(job: string, input: string) {
  const r = etlIn(['run', job, '--input', `raw=${input}`, '--json']);
  type Result = { output?: { location: string; rowsWritten: number }; checks?: { name: string; failingRows: number }[] };
  return { status: r.status, result: JSON.parse(r.stdout || 'null') as Result | null, stderr: r.stderr };
}

function compile(job: string): string {
  const dir = path.join(box.dir, 'plans', job);
  const r = etlIn(['plan', job, '--out', dir]);
  if (r.status !== 0) throw new Error(`etl plan ${job} failed:\n${r.stderr}`);
  return dir;
}

function onSpark(job: string, input: string) {
  const dir = compile(job);
  const output = path.join(box.dir, 'spark', job);
  const run = sparkSubmit(path.join(dir, 'driver.py'), path.join(dir, 'plan.json'), ['--input', `raw=${input}`, '--output-location', output, '--quarantine-location', path.join(box.dir, 'spark-q', job)]);
  return { output, run };
}

const parquetFiles = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet')) : [];

describe('edge cases: Spark = the local engine', () => {
  const data = path.join(box.dir, 'edge.jsonl');
  const empty = path.join(box.dir, 'empty', 'none.jsonl');

  beforeAll(() => {
    assertSparkInstalled();
    writeFileSync(data, edgeLines());
    mkdirSync(path.dirname(empty), { recursive: true });
    writeFileSync(empty, '');
  });

  it('the same rows and types, hostile names and partition values included', async () => {
    const local = localRun('edge_cases', data);
    expect(local.status, local.stderr).toBe(0);
    const { output, run } = onSpark('edge_cases', data);
    const spark = await run;
    expect(spark.status, JSON.stringify(spark.result)).toBe(0);
    const c = await compareTables(local.result!.output!.location, output);
    expect(c.sparkTypes).toEqual(c.localTypes);
    expect({ onlyLocal: c.onlyLocal, onlySpark: c.onlySpark }).toEqual({ onlyLocal: [], onlySpark: [] });
    expect(c.localRows).toBeGreaterThan(100);
    expect(c.sparkRows).toBe(c.localRows);
    // Partition folders are named the same (Hive escaping of '/' and '=').
    const folders = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('tag=')).sort();
    expect(folders(output)).toEqual(folders(local.result!.output!.location));
    expect(folders(output)).toContain('tag=g%3Db%2Fc%2Fx');
    // Data checks count the same failing rows (dates, decimals and doubles in acceptedValues too).
    const failing = (checks: readonly { name: string; failingRows: number }[] | undefined) => (checks ?? []).map((c) => `${c.name}: ${c.failingRows}`);
    expect(failing(spark.result.checks)).toEqual(failing(local.result!.checks));
    expect(failing(local.result!.checks).some((c) => !c.endsWith(': 0'))).toBe(true);
  });

  it('intervals and rangeBetween frames: the same rows (timestamps an hour apart to the microsecond, null keys, descending)', async () => {
    const local = localRun('time_windows', data);
    expect(local.status, local.stderr).toBe(0);
    const { output, run } = onSpark('time_windows', data);
    const spark = await run;
    expect(spark.status, JSON.stringify(spark.result)).toBe(0);
    const c = await compareTables(local.result!.output!.location, output);
    expect(c.sparkTypes).toEqual(c.localTypes);
    expect({ onlyLocal: c.onlyLocal, onlySpark: c.onlySpark }).toEqual({ onlyLocal: [], onlySpark: [] });
    expect(c.sparkRows).toBe(240);
  });

  it('an empty input writes no rows in either engine', async () => {
    const local = localRun('edge_cases', empty);
    expect(local.status, local.stderr).toBe(0);
    expect(local.result!.output!.rowsWritten).toBe(0);
    const { output, run } = onSpark('edge_cases', empty);
    const spark = await run;
    expect(spark.status, JSON.stringify(spark.result)).toBe(0);
    expect(spark.result.output?.rowsWritten).toBe(0);
    expect(parquetFiles(output).length === 0 || (await compareTables(output, output)).sparkRows === 0).toBe(true);
  });

  it('a failing check stops both engines before anything is written', async () => {
    const local = localRun('failing_check', data);
    expect(local.status).not.toBe(0);
    const { output, run } = onSpark('failing_check', data);
    const spark = await run;
    expect(spark.status).toBe(1);
    expect(spark.result.status).toBe('failed');
    expect(JSON.stringify(spark.result)).toContain('scores are positive');
    expect(parquetFiles(output)).toEqual([]);
  });

  it("a bad record under onBadRecord: 'failfast' stops the driver with its file and line", async () => {
    const bad = path.join(box.dir, 'bad', 'part.jsonl');
    mkdirSync(path.dirname(bad), { recursive: true });
    writeFileSync(bad, `${edgeLines(3)}{"id": "seven", "ts": "2026-11-01T00:00:00Z"}\n`);
    const { output, run } = onSpark('failfast_input', bad);
    const spark = await run;
    expect(spark.status).toBe(3);
    const error = spark.result.error?.message;
    expect(error).toContain('part.jsonl:4: id: expected bigint, got string "seven"');
    expect(parquetFiles(output)).toEqual([]);
    expect(readFileSync(bad, 'utf8')).toContain('seven');
  });
});
