/** etl clean: lists what a reset of the local lake deletes, deletes it with --yes, keeps the newest quarantine files asked for. */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { etl, etlJson, sandbox } from '../run/helpers.ts';

describe('etl clean', () => {
  it('lists, then deletes the tables, the catalog and run state, and quarantine files beyond the newest runs', () => {
    const box = sandbox();
    etlJson(box, ['run', 'events_clean']);
    etlJson(box, ['run', 'events_clean']);
    const quarantine = path.join(box.warehouse, '_quarantine', 'analytics.events');
    const runs = readdirSync(quarantine).sort();
    expect(runs).toHaveLength(2);

    const dry = etlJson<{ deleted: boolean; places: string[] }>(box, ['clean']);
    expect(dry.deleted).toBe(false);
    expect(dry.places.map((p) => path.resolve(p))).toEqual(expect.arrayContaining([path.join(box.warehouse, 'analytics'), box.state, ...runs.map((r) => path.join(quarantine, r))]));
    expect(existsSync(path.join(box.warehouse, 'analytics'))).toBe(true);
    expect(etl(box, ['clean']).stdout).toContain('run etl clean --yes to delete them');

    const done = etlJson<{ deleted: boolean; places: string[] }>(box, ['clean', '--keep-quarantine', '1', '--yes']);
    expect(done.deleted).toBe(true);
    expect(existsSync(path.join(box.warehouse, 'analytics'))).toBe(false);
    expect(existsSync(box.state)).toBe(false);
    expect(readdirSync(quarantine)).toEqual([runs[1]]); // the newer run's (run ids start with their time)

    expect(etl(box, ['clean', '--keep-quarantine', '1']).stdout).toContain('nothing to clean in the sample lake');
    expect(etlJson<{ status: string }>(box, ['run', 'events_clean']).status).toBe('succeeded');
  });

  it('refuses while a run holds a lock on one of the tables, and deletes nothing', () => {
    const box = sandbox();
    etlJson(box, ['run', 'events_clean']);
    // A live process (this test's) holds the table's lock, as a run in progress does.
    mkdirSync(path.join(box.state, 'locks'), { recursive: true });
    writeFileSync(path.join(box.state, 'locks', 'analytics.events.lock'), JSON.stringify({ pid: process.pid, since: new Date().toISOString(), purpose: 'etl run events_clean' }));
    const r = etl(box, ['clean', '--yes']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`the sample lake is being written: analytics.events (process ${process.pid}, etl run events_clean`);
    expect(existsSync(path.join(box.warehouse, 'analytics'))).toBe(true);
  });
});
