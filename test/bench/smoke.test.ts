/**
 * The bench in miniature (npm run bench is too slow for npm test): 10,000 generated events
 * through the three jobs on every system, each in its own process, and every system must write
 * the same rows (bench/checksum.ts). Runs overlap, so no timing is checked here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from '../../bench/run.ts';
import { PROJECT } from '../run/helpers.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'lakeform-bench-smoke-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('bench smoke: 10k events', () => {
  it('etl, DuckDB and Arquero write the same rows for all three jobs', async () => {
    const r = await runBench({ rows: 10_000, repeat: 1, systems: ['etl', 'duckdb', 'arquero'], dataDir, log: () => {}, concurrency: 2, project: PROJECT });
    expect(r.disagreements).toEqual([]);
    expect(r.results).toHaveLength(9);
    for (const job of ['events_clean', 'user_sessions', 'daily_kpis']) {
      const rows = r.results.filter((x) => x.job === job);
      expect(new Set(rows.map((x) => x.checksum)).size).toBe(1);
      expect(rows[0].rowsOut).toBeGreaterThan(0);
    }
  }, 60_000);
});
