/** Two runs of one job at once: one writes, the other is refused with a message naming the holder; nothing is lost or mixed. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, PROJECT, duckdbRows, etl, sandbox } from '../run/helpers.ts';
import { tableState } from '../support/table-state.ts';

function start(box: ReturnType<typeof sandbox>, args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT, env: box.env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status) => resolve({ status, stderr }));
  });
}

describe('concurrent runs', () => {
  it('two etl run of the same job at once: one writes, the other is told who holds the table', async () => {
    const box = sandbox();
    const reference = sandbox();
    expect(etl(reference, ['run', 'events_clean']).status).toBe(0);

    const [a, b] = await Promise.all([start(box, ['run', 'events_clean']), start(box, ['run', 'events_clean'])]);
    const statuses = [a.status, b.status].sort();
    // Both may succeed if one finished before the other took the lock; never both fail.
    expect(statuses[0]).toBe(0);
    const loser = [a, b].find((r) => r.status !== 0);
    if (loser) {
      expect(loser.status).toBe(2);
      expect(loser.stderr).toMatch(/analytics\.events is being written by another run \(process \d+, etl run events_clean/);
      expect(loser.stderr).toContain('hint:');
    }
    expect(tableState(box)).toBe(tableState(reference));
    const [{ n }] = await duckdbRows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${path.join(box.warehouse, 'analytics', 'events')}/**/*.parquet')`);
    expect(n).toBe(4504);
  }, 60_000);
});
