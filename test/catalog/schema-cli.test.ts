/**
 * Schema versioning as a new user meets it, through the real CLI in a copy of the example
 * project: run, add a nullable column, rename one, roll back.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../run/helpers.ts';
import { treeChecksums } from '../support/tree.ts';

export function copyOfExampleProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-project-'));
  for (const entry of ['jobs', 'schemas', 'sample', 'package.json', 'etl.config.ts']) cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

export function etlIn(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ETL_WAREHOUSE: '', ETL_STATE_DIR: '', ...env }, encoding: 'utf8', timeout: 60_000 });
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

describe('etl schema on the local catalog', () => {
  let dir: string;
  const etl = (...args: string[]) => etlIn(dir, args);
  const history = () => JSON.parse(etl('schema', 'history', 'analytics.events', '--json').stdout) as { table: string; versions: { version: number; columns: { name: string; type: string }[] }[] };

  beforeAll(() => {
    dir = copyOfExampleProject();
  });

  it('records a version when a job first writes its table', () => {
    expect(etl('run', 'events_clean').status).toBe(0);
    const h = history();
    expect(h.table).toBe('analytics.events');
    expect(h.versions.map((v) => v.version)).toEqual([1]);
    expect(h.versions[0].columns.slice(0, 2)).toEqual([
      { name: 'event_id', type: 'string', nullable: false },
      { name: 'user_id', type: 'bigint', nullable: false },
    ]);
  });

  it('passes a nullable column through check, and the next run records it as a new version', () => {
    applyEdits(dir, ADD_NULLABLE_COLUMN);
    const check = etl('schema', 'check', '--all');
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toContain('1 with compatible changes, none breaking');
    const diff = etl('schema', 'diff', 'events_clean');
    expect(diff.stdout).toContain('+ column page_len added (int, nullable)  compatible');
    expect(etl('run', 'events_clean').status).toBe(0);
    expect(history().versions.map((v) => [v.version, v.columns.length])).toEqual([
      [1, 9],
      [2, 10],
    ]);
  });

  it('fails check on a rename, naming the column, and a run refuses it before writing anything', () => {
    applyEdits(dir, RENAME_COLUMN);
    const check = etl('schema', 'check', '--all');
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('analytics.events: column page renamed to page_path (string) breaks BACKWARD');
    expect(check.stderr).toContain('hint:');
    const json = JSON.parse(etl('schema', 'check', 'events_clean', '--json').stdout);
    expect(json.ok).toBe(false);
    expect(json.tables[0].violations[0].description).toBe('column page renamed to page_path (string)');

    const before = treeChecksums(dir, ['warehouse', '.etl/catalog']);
    const run = etl('run', 'events_clean');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('breaks its compatibility mode BACKWARD');
    expect(treeChecksums(dir, ['warehouse', '.etl/catalog'])).toEqual(before);
  });

  it('rolls back to version 1 as a new version, keeping the history', () => {
    const r = etl('schema', 'rollback', 'analytics.events', '--to', '1');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('the schema of version 1 is current again, as version 3');
    const h = history();
    expect(h.versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(h.versions[2].columns).toEqual(h.versions[0].columns);
  });

  it('prunes old versions, keeps the current one, and names a mistyped table', () => {
    expect(etl('schema', 'prune', 'analytics.events', '--keep', '1').stdout).toContain('deleted 2 version(s) of analytics.events: 1, 2');
    expect(history().versions.map((v) => v.version)).toEqual([3]);
    const typo = etl('schema', 'history', 'analytics.evnts');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("did you mean 'analytics.events'?");
  });
});
