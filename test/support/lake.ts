/**
 * A copy of the lake fixture project (test/fixtures/lake) in a temporary folder, with its
 * generated Firehose data landed in data/ (all at once, or in batches as it would arrive), and
 * the CLI run in it against its `local` environment.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from '../run/helpers.ts';
import { generateLake, type LakeData, type LakeObject, type LakeOptions } from '../fixtures/lake/generate.ts';
import { compareTables } from './compare-tables.ts';

export const LAKE_FIXTURE = path.join(ROOT, 'test/fixtures/lake');
export const LAKE_JOBS = ['clean_events', 'sessions', 'daily_totals'] as const;
export const LAKE_TABLES: Readonly<Record<(typeof LAKE_JOBS)[number], string>> = { clean_events: 'events', sessions: 'sessions', daily_totals: 'daily_totals' };

export interface LakeProject {
  readonly dir: string;
  readonly data: LakeData;
  /** The days the generated events cover. */
  readonly days: readonly string[];
  /** Lands objects in data/events/ (as Firehose would). */
  land(objects: readonly LakeObject[]): void;
  etl(args: readonly string[]): { status: number; stdout: string; stderr: string };
  /** Runs the CLI with --json and returns the parsed output; throws with stderr on failure. */
  etlJson<T = Record<string, unknown>>(args: readonly string[]): T;
  /** The local environment's folder of a table of the `lake` database. */
  table(name: string): string;
}

export interface LakeProjectOptions extends LakeOptions {
  /** Land every object at once (default), or none (tests land them in batches). */
  readonly landAll?: boolean;
  /** Reuse data generated once for several projects. */
  readonly data?: LakeData;
  /** Let this process import the project's jobs (their 'lakeform' is this repository), for in-process tests. */
  readonly importable?: boolean;
}

export function lakeProject(options: LakeProjectOptions = {}): LakeProject {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-lake-'));
  cpSync(LAKE_FIXTURE, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.lake`) });
  if (options.importable) {
    // The CLI resolves 'lakeform' itself; a plain import needs it in node_modules, beside the rest.
    mkdirSync(path.join(dir, 'node_modules'));
    for (const entry of readdirSync(path.join(ROOT, 'node_modules'))) symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(dir, 'node_modules', entry));
    symlinkSync(ROOT, path.join(dir, 'node_modules', 'lakeform'));
  } else {
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  }
  const data = options.data ?? generateLake(options);
  mkdirSync(path.join(dir, 'data/users'), { recursive: true });
  writeFileSync(path.join(dir, 'data/users/users.csv'), data.users);
  const land = (objects: readonly LakeObject[]) => {
    for (const o of objects) {
      const file = path.join(dir, 'data/events', o.key);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, o.bytes);
    }
  };
  if (options.landAll ?? true) land(data.objects);
  const start = Date.parse(`${options.start ?? '2026-11-01'}T00:00:00Z`);
  const days = Array.from({ length: options.days ?? 8 }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
  const etl = (args: readonly string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ETL_WAREHOUSE: '', ETL_STATE_DIR: '' }, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    dir,
    data,
    days,
    land,
    etl,
    etlJson<T>(args: readonly string[]): T {
      const r = etl([...args, '--json']);
      if (r.status !== 0) throw new Error(`etl ${args.join(' ')} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
      return JSON.parse(r.stdout) as T;
    },
    table: (name: string) => path.join(dir, '.lake/local/local-lake/warehouse/lake', name),
  };
}

/** Whether two tables hold the same rows (as multisets); the differences otherwise, for the failure message. */
export async function sameRows(a: string, b: string): Promise<{ same: boolean; rows: [number, number]; onlyA: unknown[]; onlyB: unknown[] }> {
  const c = await compareTables(a, b);
  return { same: c.onlyLocal.length === 0 && c.onlySpark.length === 0 && c.localRows === c.sparkRows, rows: [c.localRows, c.sparkRows], onlyA: c.onlyLocal, onlyB: c.onlySpark };
}
