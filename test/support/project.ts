/** A copy of the test project (test/fixtures/project) in a temporary folder, to change its jobs and run the CLI in it. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, PROJECT, ROOT } from '../run/helpers.ts';

export function copyOfTestProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-project-'));
  for (const entry of ['jobs', 'pipelines', 'schemas', 'sample', 'package.json', 'etl.config.ts']) cpSync(path.join(PROJECT, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

export function etlIn(dir: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ETL_WAREHOUSE: '', ETL_STATE_DIR: '', ...env }, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Edits a file of the project copy: `edit(dir, 'schemas/events.ts', [[from, to], ...])`. */
export function edit(dir: string, file: string, replacements: [string, string][]): void {
  let text = readFileSync(path.join(dir, file), 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  writeFileSync(path.join(dir, file), text);
}

/** Adds `page_len` (nullable int) to analytics.events. */
export const ADD_NULLABLE_COLUMN: Record<string, [string, string][]> = {
  'schemas/events.ts': [["  dt: z.iso.date().describe('UTC day of ts (partition)'),\n});", "  page_len: z.int32().nullable(),\n  dt: z.iso.date().describe('UTC day of ts (partition)'),\n});"]],
  'jobs/events_clean.ts': [
    ['defineJob, jsonLines,', 'defineJob, jsonLines, length,'],
    ["'properties', 'dt'),", "'properties', 'dt').withColumn('page_len', length(col('page'))),"],
  ],
};

/** Renames `page` to `page_path` in analytics.events (after ADD_NULLABLE_COLUMN). */
export const RENAME_COLUMN: Record<string, [string, string][]> = {
  'schemas/events.ts': [["  page: z.string().nullable().describe('page path or screen name, trimmed; null when empty'),", "  page_path: z.string().nullable(),"]],
  'jobs/events_clean.ts': [[".withColumn('page_len', length(col('page'))),", ".withColumn('page_len', length(col('page'))).rename({ page: 'page_path' }),"]],
};

export function applyEdits(dir: string, edits: Record<string, [string, string][]>): void {
  for (const [file, replacements] of Object.entries(edits)) edit(dir, file, replacements);
}
