/**
 * The run summary's row balance: rows read = written + filtered + bad + outside the slice, checked
 * on the run's counts for a job whose output rows are its input rows; not applicable (null, and
 * no balance line) for a job that aggregates or joins. The lake fixture has one of each.
 */
import { describe, expect, it } from 'vitest';
import { lakeProject } from '../support/lake.ts';

interface Run {
  readonly rowsRead: number;
  readonly rowsFiltered: number;
  readonly badRecords: number;
  readonly rowsOutsideSlice: number;
  readonly balanced: boolean | null;
  readonly output: { readonly rowsWritten: number };
}

describe('the row balance of a run', () => {
  const p = lakeProject({ days: 2 });

  it('holds, checked on the counts, for a cleaning job: over everything and for one day', () => {
    for (const args of [[], ['--param', `dt=${p.days[0]}`]]) {
      const r = p.etlJson<Run>(['run', 'clean_events', '--env', 'local', ...args]);
      expect(r.badRecords).toBeGreaterThan(0);
      expect(r.balanced).toBe(true);
      expect(r.rowsRead).toBe(r.output.rowsWritten + r.rowsFiltered + r.badRecords + r.rowsOutsideSlice);
    }
    expect(p.etl(['run', 'clean_events', '--env', 'local']).stdout).toMatch(/read = written \+ filtered \+ bad ✓/);
  });

  it('is not applicable to an aggregating job: null in --json, no balance line in the summary (not "false")', () => {
    const r = p.etlJson<Run>(['run', 'daily_totals', '--env', 'local']);
    expect(r.output.rowsWritten).toBeLessThan(r.rowsRead);
    expect(r.balanced).toBeNull();
    const text = p.etl(['run', 'daily_totals', '--env', 'local']);
    expect(text.status).toBe(0);
    expect(text.stdout).not.toMatch(/read [=≠]/);
  });
});
