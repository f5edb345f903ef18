/** `etl preview <job> | head`: the reader closes the pipe early; the command ends quietly. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, PROJECT, sandbox } from '../run/helpers.ts';

/** Runs the CLI, reads its stdout until the first chunk arrives, then closes the pipe, as `head -1` does. */
function etlReadOneChunk(args: string[]): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string; firstChunk: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT, env: sandbox().env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let firstChunk = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', (d) => {
      firstChunk = String(d);
      child.stdout.destroy();
    });
    child.on('exit', (status, signal) => resolve({ status, signal, stderr, firstChunk }));
  });
}

describe('a closed stdout', () => {
  it('ends etl preview quietly: no EPIPE, no stack trace, the SIGPIPE status', async () => {
    // 2000 rows of a table are far more than one pipe buffer, so writes go on after the pipe closes.
    const r = await etlReadOneChunk(['preview', 'events_clean', '--limit', '2000']);
    expect(r.firstChunk).toContain('event_id');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(141);
  });
});
