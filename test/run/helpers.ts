/** Runs the real CLI in a child process, in the test project, against a temporary warehouse and catalog. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * The framework's tests run in their own project, a copy of the example project: never in the
 * repository's jobs/, which is the user's (a job added there must not change the framework's tests).
 */
export const PROJECT = path.join(ROOT, 'test/fixtures/project');
export const BIN = path.join(ROOT, 'framework/cli/bin.js');

export interface Sandbox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly warehouse: string;
  readonly state: string;
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-run-'));
  const warehouse = path.join(dir, 'warehouse');
  const state = path.join(dir, 'state');
  return { dir, warehouse, state, env: { ...process.env, ETL_WAREHOUSE: warehouse, ETL_STATE_DIR: state, NO_COLOR: '1', FORCE_COLOR: '0' } };
}

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function etl(box: Sandbox, args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: PROJECT, env: box.env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function etlJson<T = Record<string, unknown>>(box: Sandbox, args: string[]): T {
  const r = etl(box, [...args, '--json']);
  if (r.status !== 0) throw new Error(`etl ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Starts the CLI and kills it with SIGKILL after `ms` milliseconds (or when it exits first). */
export function etlKilledAfter(box: Sandbox, args: string[], ms: number): Promise<{ killed: boolean; status: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT, env: box.env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', status });
    });
  });
}

export async function duckdbRows(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
  }
}
