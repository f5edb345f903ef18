/**
 * A run killed (SIGKILL) at any point leaves the table as it was, or, when the kill came after
 * the commit point, as the finished run leaves it once the next command rolls it forward.
 * Never a mix, never a partial Parquet file a reader would see, never a lock that blocks.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT, duckdbRows, etl, etlKilledAfter, sandbox } from '../run/helpers.ts';
import { tableState } from '../support/table-state.ts';

describe('killed runs', () => {
  it('leave the table and catalog as before or as after, and the next run succeeds', async () => {
    // A smaller input for the killed run: one hour of events, so it rewrites one partition.
    const subset = path.join(sandbox().dir, 'subset');
    mkdirSync(subset, { recursive: true });
    cpSync(path.join(PROJECT, 'sample/events/2026/11/01/12'), path.join(subset, '2026/11/01/12'), { recursive: true });
    const second = ['run', 'events_clean', '--input', `raw=${subset}`];

    // The two legal end states, computed once without kills.
    const reference = sandbox();
    expect(etl(reference, ['run', 'events_clean']).status).toBe(0);
    const before = tableState(reference);
    expect(etl(reference, second).status).toBe(0);
    const after = tableState(reference);
    expect(after).not.toBe(before);

    const delays = [150, 400, 650, 900, 1200, 1600];
    const outcomes: string[] = [];
    for (const ms of delays) {
      const box = sandbox();
      expect(etl(box, ['run', 'events_clean']).status).toBe(0);
      const killed = await etlKilledAfter(box, second, ms);
      // The next command finishes an interrupted commit (if the kill came after the commit point).
      const probe = etl(box, ['run', 'events_clean', '--input', `raw=${subset}`, '--json']);
      expect(probe.status, probe.stderr).toBe(0);
      const stateAfterKill = killed.killed ? 'killed' : 'finished';
      outcomes.push(stateAfterKill);
      // Whatever happened, the table is whole: the re-run produced the "after" state exactly.
      expect(tableState(box)).toBe(after);
      const [{ n }] = await duckdbRows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${path.join(box.warehouse, 'analytics', 'events')}/**/*.parquet')`);
      expect(n).toBeGreaterThan(0);
      expect(existsSync(path.join(box.state, 'locks', 'analytics.events.lock'))).toBe(false);
    }
    expect(outcomes).toContain('killed');
  }, 120_000);

  it('between kill and rerun, readers see the old table or the new one, never a mix', async () => {
    const subset = path.join(sandbox().dir, 'subset');
    mkdirSync(subset, { recursive: true });
    cpSync(path.join(PROJECT, 'sample/events/2026/11/01/12'), path.join(subset, '2026/11/01/12'), { recursive: true });
    const reference = sandbox();
    etl(reference, ['run', 'events_clean']);
    const before = tableState(reference);
    etl(reference, ['run', 'events_clean', '--input', `raw=${subset}`]);
    const after = tableState(reference);

    for (const ms of [200, 500, 800, 1100, 1400]) {
      const box = sandbox();
      etl(box, ['run', 'events_clean']);
      await etlKilledAfter(box, ['run', 'events_clean', '--input', `raw=${subset}`], ms);
      const state = tableState(box);
      if (state !== before) {
        // Killed after the commit point: the journal is there and the next command completes it.
        const journals = path.join(box.warehouse, '_etl_journal');
        const pending = existsSync(journals) && readdirSync(journals).length > 0;
        expect(state === after || pending, `kill at ${ms} ms left ${state}`).toBe(true);
        etl(box, ['list']);
        etl(box, ['run', 'events_clean', '--input', `raw=${subset}`]);
        expect(tableState(box)).toBe(after);
      }
    }
  }, 120_000);

  it('a run killed while it spills leaves the table as before or after, and no spill file once the next run sweeps its staging', async () => {
    // 16KB: the sample's rows pass the budget many times over, so the run spends most of its time spilling.
    const spilling = ['run', 'events_clean', '--memory-budget', '16KB'];
    const reference = sandbox();
    expect(etl(reference, spilling).status).toBe(0);
    const whole = tableState(reference);
    const outcomes: string[] = [];
    for (const ms of [700, 1200, 1800]) {
      const box = sandbox();
      const killed = await etlKilledAfter(box, spilling, ms);
      outcomes.push(killed.killed ? 'killed' : 'finished');
      const next = etl(box, spilling);
      expect(next.status, next.stderr).toBe(0);
      expect(tableState(box)).toBe(whole);
      expect(filesUnder(box.warehouse).filter((f) => f.endsWith('.spill'))).toEqual([]);
      expect(readdirSync(path.join(box.warehouse, '_etl_staging'))).toEqual([]);
    }
    expect(outcomes).toContain('killed');
  }, 120_000);
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}
