import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { duckdbRows, etl, etlJson, sandbox } from './helpers.ts';

interface RunJson {
  job: string;
  status: string;
  rowsRead: number;
  rowsFiltered: number;
  badRecords: number;
  durationMs: number;
  quarantine: string | null;
  balanced: boolean;
  checks: { name: string; passed: boolean; severity: string }[];
  output: { table: string; location: string; rowsWritten: number; partitions: string[]; files: number };
}

const parquetGlob = (location: string) => `read_parquet('${location}/**/*.parquet', hive_partitioning = true)`;

describe('etl run on the test project (a copy of the examples)', () => {
  it('lists the three jobs', () => {
    const r = etlJson<{ jobs: { name: string; output: { table: string } }[] }>(sandbox(), ['list']);
    expect(r.jobs.map((j) => `${j.name} -> ${j.output.table}`)).toEqual([
      'daily_kpis -> analytics.daily_kpis',
      'events_clean -> analytics.events',
      'user_sessions -> analytics.user_sessions',
    ]);
  });

  it('runs events_clean: Parquet DuckDB reads, bad records quarantined with file:line, rows balance', async () => {
    const box = sandbox();
    const r = etlJson<RunJson>(box, ['run', 'events_clean']);
    expect(r.status).toBe('succeeded');
    expect(r.output.table).toBe('analytics.events');
    expect(r.output.location).toBe(path.join(box.warehouse, 'analytics', 'events'));
    expect(r.output.partitions).toEqual(['dt=2026-10-31', 'dt=2026-11-01', 'dt=2026-11-02']);
    expect(r.rowsRead).toBe(r.output.rowsWritten + r.rowsFiltered + r.badRecords);
    expect(r.badRecords).toBeGreaterThan(0);
    const [{ n }] = await duckdbRows(`SELECT count(*)::INTEGER AS n FROM ${parquetGlob(r.output.location)}`);
    expect(n).toBe(r.output.rowsWritten);
    const [{ ids }] = await duckdbRows(`SELECT count(DISTINCT event_id)::INTEGER AS ids FROM ${parquetGlob(r.output.location)}`);
    expect(ids).toBe(r.output.rowsWritten);
    expect(existsSync(path.join(r.output.location, '_SUCCESS'))).toBe(true);

    const quarantined = readFileSync(r.quarantine!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; line: number; reason: string });
    expect(quarantined).toHaveLength(r.badRecords);
    for (const q of quarantined) {
      expect(q.file).toMatch(/^sample\/events\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/.+\.gz$/);
      expect(q.line).toBeGreaterThan(0);
      expect(q.reason.length).toBeGreaterThan(5);
    }
    // A second run replaces the same partitions: same rows, no duplicates.
    const again = etlJson<RunJson>(box, ['run', 'events_clean']);
    const [{ n: n2 }] = await duckdbRows(`SELECT count(*)::INTEGER AS n FROM ${parquetGlob(again.output.location)}`);
    expect(n2).toBe(r.output.rowsWritten);
  });

  it('runs the downstream examples, and says which job to run when their table is missing', async () => {
    const box = sandbox();
    const missing = etl(box, ['run', 'user_sessions']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('analytics.events, which is not in the local catalog yet');
    expect(missing.stderr).toContain("'etl run events_clean'");
    expect(missing.stderr).toContain('--with-deps');

    const deps = etlJson<{ runs: RunJson[] }>(box, ['run', 'daily_kpis', '--with-deps']);
    expect(deps.runs.map((r) => r.job)).toEqual(['events_clean', 'daily_kpis']);
    const kpis = deps.runs[1];
    const [{ events }] = await duckdbRows(`SELECT sum(events)::INTEGER AS events FROM ${parquetGlob(kpis.output.location)}`);
    expect(events).toBe(deps.runs[0].output.rowsWritten);

    const sessions = etlJson<RunJson>(box, ['run', 'user_sessions']);
    expect(sessions.output.rowsWritten).toBeGreaterThan(0);
    const [{ total }] = await duckdbRows(`SELECT sum(events)::INTEGER AS total FROM ${parquetGlob(sessions.output.location)}`);
    expect(total).toBe(deps.runs[0].output.rowsWritten);
  });

  it('fails clearly on an unknown job, parameter or input', () => {
    const box = sandbox();
    const job = etl(box, ['run', 'events_clen']);
    expect(job.status).toBe(2);
    expect(job.stderr).toContain("no job named 'events_clen'");
    expect(job.stderr).toContain("did you mean 'events_clean'?");
    const param = etl(box, ['run', 'events_clean', '--param', 'day=2026-11-01']);
    expect(param.status).toBe(2);
    expect(param.stderr).toContain("has no parameter 'day'");
    const bad = etl(box, ['run', 'events_clean', '--param', 'dt=2026-13-45']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--param dt=2026-13-45');
    const input = etl(box, ['run', 'events_clean', '--input', 'rwa=sample/events']);
    expect(input.status).toBe(2);
    expect(input.stderr).toContain("did you mean 'raw'?");
    expect(readdirSync(box.dir)).not.toContain('warehouse');
  });

  it('previews without writing', () => {
    const box = sandbox();
    const r = etlJson<{ rows: Record<string, unknown>[]; columns: string[] }>(box, ['preview', 'events_clean', '--limit', '5']);
    expect(r.rows).toHaveLength(5);
    expect(r.columns).toContain('event_id');
    expect(existsSync(box.warehouse)).toBe(false);
  });
});
