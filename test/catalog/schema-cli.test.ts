/**
 * Schema versioning as a new user meets it, through the real CLI in a copy of the example
 * project: run, add a nullable column, rename one, roll back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { treeChecksums } from '../support/tree.ts';
import { ADD_NULLABLE_COLUMN, RENAME_COLUMN, applyEdits, copyOfTestProject, etlIn } from '../support/project.ts';

describe('etl schema on the local catalog', () => {
  let dir: string;
  const etl = (...args: string[]) => etlIn(dir, args);
  const history = () => JSON.parse(etl('schema', 'history', 'analytics.events', '--json').stdout) as { table: string; versions: { version: number; columns: { name: string; type: string }[] }[] };

  beforeAll(() => {
    dir = copyOfTestProject();
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
