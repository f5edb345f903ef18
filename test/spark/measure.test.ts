/**
 * bench/pyspark/measure.py, which `npm run bench:spark` measures both systems with, must count the
 * CPU time of processes whose parent ignores SIGCHLD: Spark's Python worker daemon does, so the
 * kernel reaps its workers (where the driver parses its input) and getrusage(RUSAGE_CHILDREN)
 * never sees their CPU time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../run/helpers.ts';

const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const MEASURE = path.join(ROOT, 'bench', 'pyspark', 'measure.py');
const work = mkdtempSync(path.join(tmpdir(), 'lakeform-measure-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A parent that ignores SIGCHLD (as pyspark.daemon does) forks a worker that burns 1.5 s of CPU.
const DAEMON_LIKE = `
import os, signal, time
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
if os.fork() == 0:
    start = time.process_time()
    while time.process_time() - start < 1.5:
        pass
    os._exit(0)
time.sleep(2.5)
`;

describe('measure.py', () => {
  it('counts the CPU time of workers the kernel reaps for a parent that ignores SIGCHLD', () => {
    const report = path.join(work, 'measure.json');
    const run = spawnSync(PYTHON, [MEASURE, report, PYTHON, '-c', DAEMON_LIKE], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(0);
    const m = JSON.parse(readFileSync(report, 'utf8')) as { cpuS: number; wallS: number };
    expect(m.cpuS).toBeGreaterThanOrEqual(1.3);
    expect(m.wallS).toBeGreaterThanOrEqual(2.5);
  });
});
