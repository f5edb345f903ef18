/**
 * `etl test --spark`: the example cases pass on real local Spark, in one session, and a case
 * whose expected rows Spark does not produce fails with the same diff as offline.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyOfTestProject, etlIn } from '../support/project.ts';
import { ROOT } from '../run/helpers.ts';
import { assertSparkInstalled } from './spark.ts';

describe('etl test --spark', () => {
  let dir: string;
  // A Spark session on a busy 2-core machine can take minutes: the test's own timeout (300 s) bounds it.
  const etl = (...args: string[]) => etlIn(dir, args, { SPARK_SUBMIT: path.join(ROOT, '.venv', 'bin', 'spark-submit') }, 280_000);
  beforeAll(() => {
    assertSparkInstalled();
    dir = copyOfTestProject();
  });

  it('passes the example cases on Spark, as offline', () => {
    const r = etl('test', '--spark');
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/4 passed, 0 failed \(4 case\(s\) of 3 job\(s\)\)/);
    // Each case shows its own time in the one Spark session, not the session's running total.
    const caseMs = [...r.stdout.matchAll(/^✓ .* \((\d+) ms\)$/gm)].map((m) => Number(m[1]));
    const totalMs = Number(/\) in (\d+) ms/.exec(r.stdout)?.[1]);
    expect(caseMs).toHaveLength(4);
    expect(caseMs.every((ms) => ms > 0)).toBe(true);
    expect(caseMs.reduce((a, b) => a + b, 0)).toBeLessThan(totalMs);
  }, 240_000);

  it('fails, with the diff, when Spark does not produce the expected rows', () => {
    const file = path.join(dir, 'jobs/fixtures/user_sessions/splits_on_30_minute_gap/expected.jsonl');
    const rows = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    rows[2].revenue = 31;
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const r = etl('test', 'user_sessions', '--spark', '--json');
    expect(r.status).toBe(1);
    const failed = JSON.parse(r.stdout).cases[0];
    expect(failed.passed).toBe(false);
    expect(failed.diff.changed).toEqual([{ key: { session_id: '2-20261101120000000000' }, expected: rows[2], actual: { ...rows[2], revenue: 30 }, columns: ['revenue'] }]);
  }, 240_000);
});
