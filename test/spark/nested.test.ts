/**
 * Nested data on Spark and the local engine, through the real CLI and the real driver (fixture
 * project test/fixtures/nested): struct fields by dotted name and getField, array and map
 * functions, struct and array builders, collect_list and collect_set, explode and posexplode
 * (outer) of arrays and maps, and nested output columns.
 * Both engines must write the same rows with the same types.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, sandbox } from '../run/helpers.ts';
import { assertSparkInstalled, compareTables, sparkSubmit } from './spark.ts';

const FIXTURE = path.join(ROOT, 'test/fixtures/nested');
const box = sandbox();

const EVENTS = [
  { id: 1, user: 'u1', device: { os: 'ios', version: 17 }, tags: ['b', 'x', 'a', 'b'], props: { zeta: 'z', src: 'ad', lang: 'fr', mid: null, alpha: 'a', k9: '9' },
    ctx: { labels: { q: { z: 1, y: 2, x: 3 }, p: {}, o: { c: 1, b: 2, a: 3, '7': 4 } }, lists: [{ n: 'a', m: 'b', l: 'c' }, {}, { b: 'x', a: 'y' }] } },
  { id: 2, user: 'u1', device: { os: 'android', version: null }, tags: [], props: {} },
  { id: 3, user: 'u2', device: null, tags: null, props: null },
  { id: 4, user: 'u2', device: { os: 'ios', version: 16 }, tags: ['y', null], props: { lang: null } },
  { id: 5, user: 'u1', device: { os: 'ios', version: 18 }, tags: [null, 'x'], props: {} },
  // Integer-like keys come first, ascending, as in a JavaScript object (and so on both engines).
  { id: 6, user: 'u2', device: { os: 'ios', version: 18 }, tags: ['q'], props: { zz: '1', '10': 't', b: '2', '2': 'w' } },
];

function etlIn(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: FIXTURE, env: box.env, encoding: 'utf8', timeout: 60_000 });
}

async function bothEngines(job: string, input: string): Promise<number> {
  const r = etlIn(['run', job, '--input', `raw=${input}`, '--json']);
  expect(r.status, r.stderr).toBe(0);
  const local = JSON.parse(r.stdout) as { output: { location: string } };
  const plans = path.join(box.dir, 'plans', job);
  const p = etlIn(['plan', job, '--out', plans]);
  expect(p.status, p.stderr).toBe(0);
  const out = path.join(box.dir, 'spark', job);
  const spark = await sparkSubmit(path.join(plans, 'driver.py'), path.join(plans, 'plan.json'), ['--input', `raw=${input}`, '--output-location', out, '--quarantine-location', path.join(box.dir, 'spark-q', job)]);
  expect(spark.status, spark.stderr.split('\n').filter((l) => !/ (WARN|INFO) /.test(l)).slice(-30).join('\n')).toBe(0);
  const c = await compareTables(local.output.location, out);
  expect(c.sparkTypes).toEqual(c.localTypes);
  expect({ onlyLocal: c.onlyLocal, onlySpark: c.onlySpark }).toEqual({ onlyLocal: [], onlySpark: [] });
  expect(c.sparkRows).toBe(c.localRows);
  return c.localRows;
}

describe('nested data: Spark = the local engine', () => {
  const input = path.join(box.dir, 'events.jsonl');
  beforeAll(() => {
    assertSparkInstalled();
    writeFileSync(input, EVENTS.map((e) => JSON.stringify(e)).join('\n') + '\n');
  });

  it('struct fields, array and map functions, built structs in the output', async () => {
    expect(await bothEngines('nested_fields', input)).toBe(EVENTS.length);
  });

  // One input file is one Spark partition: collect_list sees the rows in file order, as locally.
  it('collect_list of arrays and collect_set of a struct field per group', async () => {
    expect(await bothEngines('nested_collect', input)).toBe(2);
  });

  // 4 tags x 6 properties, 2 x 1, 2 x an empty map kept as one row, 1 x 4; ids 2 and 3 (empty and null tags) dropped by posexplode.
  // The map's positions, its keys (nested_fields) and the map column written are in the file's order on both engines.
  it('posexplode of an array, then posexplode_outer of a map', async () => {
    expect(await bothEngines('nested_explode', input)).toBe(32);
  });
});
