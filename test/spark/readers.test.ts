/**
 * The readers and types of issue 17 on Spark and the local engine, through the real CLI and the
 * real driver (fixture project test/fixtures/readers): CSV with LF, CRLF and CR-alone line ends,
 * stray quotes and an unclosed quote; dropmalformed (counted, no quarantine); INT96 past 2262;
 * binary; decimal(38) arithmetic and aggregates; column names written in other cases.
 * Both engines must write the same rows with the same types and count the same bad records.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, duckdbRows, sandbox } from '../run/helpers.ts';
import { conformanceDir } from '../conformance/locate.ts';
import { assertSparkInstalled, compareTables, sparkSubmit } from './spark.ts';
import { LENIENT_READINGS } from '../support/lenient-readings.ts';

const FIXTURE = path.join(ROOT, 'test/fixtures/readers');
const box = sandbox();

function etlIn(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: FIXTURE, env: box.env, encoding: 'utf8', timeout: 60_000 });
}

type LocalResult = {
  rowsRead: number;
  badRecords: number;
  quarantine: string | null;
  inputs: { name: string; lenientNulls?: Record<string, number> }[];
  output: { location: string; rowsWritten: number };
};

async function bothEngines(job: string, input: string) {
  const r = etlIn(['run', job, '--input', `raw=${input}`, '--json']);
  expect(r.status, r.stderr).toBe(0);
  const local = JSON.parse(r.stdout) as LocalResult;
  const plans = path.join(box.dir, 'plans', job);
  const p = etlIn(['plan', job, '--out', plans]);
  expect(p.status, p.stderr).toBe(0);
  const out = path.join(box.dir, 'spark', job);
  const quarantine = path.join(box.dir, 'spark-q', job);
  const spark = await sparkSubmit(path.join(plans, 'driver.py'), path.join(plans, 'plan.json'), ['--input', `raw=${input}`, '--output-location', out, '--quarantine-location', quarantine]);
  expect(spark.status, spark.stderr.split('\n').filter((l) => !/ (WARN|INFO) /.test(l)).slice(-30).join('\n')).toBe(0);
  const c = await compareTables(local.output.location, out);
  expect(c.sparkTypes).toEqual(c.localTypes);
  expect({ onlyLocal: c.onlyLocal, onlySpark: c.onlySpark }).toEqual({ onlyLocal: [], onlySpark: [] });
  expect(spark.result.badRecords).toBe(local.badRecords);
  // Rows read count every input, the Parquet ones included, as etl run counts them.
  expect(spark.result.rowsRead).toBe(local.rowsRead);
  return { local, spark: spark.result, sparkOut: out, sparkQuarantine: quarantine, rows: c.localRows };
}

describe('readers and types: Spark = the local engine', () => {
  beforeAll(() => assertSparkInstalled());

  it('CSV with LF, CRLF and CR-alone line ends, stray quotes and an unclosed quote', async () => {
    // One file per line ending, in one input (one Spark run).
    const dir = path.join(box.dir, 'csv');
    mkdirSync(dir, { recursive: true });
    for (const [name, nl] of [['lf', '\n'], ['crlf', '\r\n'], ['cr', '\r']] as const) {
      const lines = ['id,name,price', '1,plain,1.50', '2,"quoted, with comma",', '3,a"b,2', '4,"c"d,3', '', '5,"multi', 'line",4.25', '6,last,0.01', '7,"never closed'];
      writeFileSync(path.join(dir, `${name}.csv`), lines.join(nl));
    }
    const r = await bothEngines('csv_quirks', dir);
    expect(r.rows).toBe(12);
    expect(r.local.badRecords).toBe(9);
  });

  it("dropmalformed counts bad records and quarantines none, in both engines", async () => {
    const dir = path.join(box.dir, 'dropped');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'a.jsonl'), '{"id": 1, "name": "a"}\n{"id": "x"}\n{broken\n{"id": 2, "price": "1.5"}\n');
    const r = await bothEngines('dropped', dir);
    expect(r.rows).toBe(2);
    expect(r.local.badRecords).toBe(2);
    expect(r.local.quarantine).toBeNull();
    expect((r.spark as { quarantine?: string }).quarantine).toBeUndefined();
    expect(existsSync(r.sparkQuarantine)).toBe(false);
  });

  it('INT96 timestamps past 2262 (9999-12-31, year 290000) read the same', async () => {
    const dir = path.join(box.dir, 'int96');
    mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(conformanceDir(), 'parquet-testing/data/int96_from_spark.parquet'), path.join(dir, 'part.parquet'));
    const r = await bothEngines('int96', dir);
    expect(r.rows).toBe(6);
    const micros = await duckdbRows(`SELECT CAST(epoch_us(a) AS VARCHAR) AS us FROM read_parquet('${r.local.output.location}/**/*.parquet') ORDER BY a NULLS LAST`);
    expect(micros.map((m) => m.us)).toEqual(['1704070800000000', '1704141296123456', '1735599600000000', '253402225200000000', '9089380393200000000', null]);
  });

  it('decimal(38) arithmetic and aggregates, binary values, and names in other cases', async () => {
    const dir = path.join(box.dir, 'money');
    mkdirSync(dir, { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      const whole = String(BigInt(i) * 7919n ** 7n % 10n ** 27n);
      const frac = String((i * 7_654_321) % 10 ** 10).padStart(10, '0');
      const amount = i % 13 === 0 ? 'null' : `"${i % 2 ? '-' : ''}${whole}.${frac}"`;
      const qty = i % 11 === 0 ? 'null' : String((i % 7) - 3 || 17);
      lines.push(`{"id": ${i}, "UserId": ${i % 17}, "Grp": "g${i % 5}", "amount": ${amount}, "qty": ${qty}, "payload": ${i % 4 ? `"${Buffer.from([i, 255 - i, 0]).toString('base64')}"` : 'null'}}`);
    }
    writeFileSync(path.join(dir, 'a.jsonl'), `${lines.join('\n')}\n`);
    const money = await bothEngines('money', dir);
    expect(money.rows).toBe(5);
    const blobs = await bothEngines('blobs', dir);
    expect(blobs.rows).toBe(300);
  });

  it('lenient fields: the same values read as null, the same counts per field', async () => {
    const dir = path.join(box.dir, 'readings');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'part-0.jsonl'), LENIENT_READINGS);
    const r = await bothEngines('lenient', dir);
    expect(r.rows).toBe(4);
    expect(r.local.inputs[0].lenientNulls).toEqual({ amount: 3, day: 2, 'device.build': 1 });
    expect(r.spark.inputs?.[0].lenientNulls).toEqual(r.local.inputs[0].lenientNulls);
  });

  it('a plan with names that differ only in case is refused before it reaches Spark', () => {
    const r = spawnSync(process.execPath, [BIN, 'plan', 'clash'], { cwd: path.join(ROOT, 'test/fixtures/readers-clash'), env: box.env, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/columns 'UserId' and 'userid' differ only in case: Spark matches column names case-insensitively/);
  });
});

