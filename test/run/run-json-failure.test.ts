/**
 * `etl run --json` prints a summary on stdout whether the run succeeds or fails: a script that
 * reads it learns that the run failed, in which phase and why, without parsing stderr.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, sandbox } from './helpers.ts';
import { edgeLines } from '../fixtures/edge/generate.ts';

const FIXTURE = path.join(ROOT, 'test/fixtures/edge');

interface FailedRunJson {
  job: string;
  status: string;
  durationMs: number;
  error: { name: string; phase: string | null; message: string; hint?: string; failures?: { name: string; message: string }[] };
}

function runJson(job: string, lines: string) {
  const box = sandbox();
  const input = path.join(box.dir, 'in', 'part.jsonl');
  mkdirSync(path.dirname(input), { recursive: true });
  writeFileSync(input, lines);
  const r = spawnSync(process.execPath, [BIN, 'run', job, '--input', `raw=${input}`, '--json'], { cwd: FIXTURE, env: box.env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('etl run --json when the run fails', () => {
  it('a failed check: status failed, the check phase, the failing checks; exit code 1 and the error on stderr too', () => {
    const r = runJson('failing_check', edgeLines());
    expect(r.status).toBe(1);
    const summary = JSON.parse(r.stdout) as FailedRunJson;
    expect(summary).toMatchObject({ job: 'failing_check', status: 'failed', error: { name: 'CheckFailedError', phase: 'check' } });
    expect(summary.error.failures?.map((f) => f.name)).toEqual(['scores are positive']);
    expect(summary.error.hint).toMatch(/severity/);
    expect(summary.durationMs).toBeGreaterThanOrEqual(0);
    expect(r.stderr).toContain('scores are positive');
  });

  it("a bad record under onBadRecord: 'failfast': status failed, the input phase, file and line", () => {
    const r = runJson('failfast_input', `${edgeLines(3)}{"id": "seven", "ts": "2026-11-01T00:00:00Z"}\n`);
    expect(r.status).toBe(1);
    const summary = JSON.parse(r.stdout) as FailedRunJson;
    expect(summary).toMatchObject({ job: 'failfast_input', status: 'failed', error: { phase: 'input' } });
    expect(summary.error.message).toContain('part.jsonl:4');
    expect(summary.error.hint).toContain('permissive');
  });

  it('a usage error before the run starts (an unknown parameter) still prints the summary, with exit code 2', () => {
    const box = sandbox();
    const bad = spawnSync(process.execPath, [BIN, 'run', 'failing_check', '--param', 'dt=2026-11-01', '--json'], { cwd: FIXTURE, env: box.env, encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ job: 'failing_check', status: 'failed', error: { phase: 'params' } });
  });
});
