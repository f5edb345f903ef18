/**
 * The memory budget of a local run (--memory-budget, memoryBudget in etl.config.ts): past it the
 * run spills to its staging folder and writes the same table; a bad size is a usage error.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { duckdbRows, etl, etlJson, sandbox } from './helpers.ts';
import { copyOfTestProject, edit, etlIn } from '../support/project.ts';

/**
 * Every row of a table of the analytics database, in one canonical order, as text. Doubles to 12
 * significant digits, as the bench compares them: a spilled join hands its rows to the sum in
 * another order, and a sum of doubles depends on the order it adds in (as in Spark).
 */
async function tableRows(warehouse: string, table = 'events'): Promise<string> {
  const rows = await duckdbRows(`SELECT * FROM read_parquet('${path.join(warehouse, 'analytics', table)}/**/*.parquet', hive_partitioning = true) ORDER BY ALL`);
  return JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(12) : v));
}

describe('memory budget', () => {
  it('a run past a tiny budget spills, writes the same rows and leaves no staging behind', async () => {
    type Result = { output: { rowsWritten: number }; checks: unknown[] };
    const plain = sandbox();
    const expected = etlJson<Result>(plain, ['run', 'events_clean']);
    const tight = sandbox();
    const result = etlJson<Result>(tight, ['run', 'events_clean', '--memory-budget', '16KB']);
    expect(result.output.rowsWritten).toBe(expected.output.rowsWritten);
    expect(result.checks).toEqual(expected.checks);
    expect(await tableRows(tight.warehouse)).toBe(await tableRows(plain.warehouse));
    const staging = path.join(tight.warehouse, '_etl_staging');
    expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
  }, 60_000);

  it('the windows of user_sessions and the join of daily_kpis past a tiny budget write the same tables', async () => {
    const plain = sandbox();
    const tight = sandbox();
    for (const box of [plain, tight]) etlJson(box, ['run', 'events_clean']);
    // Budgets the sample passes: 16KB spills user_sessions' windows, 1KB daily_kpis' 200 users.
    for (const [job, budget] of [['user_sessions', '16KB'], ['daily_kpis', '1KB']]) {
      etlJson(plain, ['run', job]);
      etlJson(tight, ['run', job, '--memory-budget', budget]);
      expect(await tableRows(tight.warehouse, job)).toBe(await tableRows(plain.warehouse, job));
    }
  }, 120_000);

  it.each(['lots', '0MB', '1GiB', '512', '1.5 PB'])('--memory-budget %s is a usage error with a hint', (value) => {
    const r = etl(sandbox(), ['run', 'events_clean', '--memory-budget', value]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`error: --memory-budget: '${value}' is not a memory size`);
    expect(r.stderr).toContain('hint: give a number with a unit, e.g. --memory-budget 1GB');
  });

  it("a bad memoryBudget in etl.config.ts names the environment's key", () => {
    const dir = copyOfTestProject();
    edit(dir, 'etl.config.ts', [["kind: 'local',", "kind: 'local',\n      memoryBudget: 'lots',"]]);
    const r = etlIn(dir, ['run', 'events_clean', '--env', 'local']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('memoryBudget');
    expect(r.stderr).toContain('a memory size such as 512MB or 1GB');
  });
});
