/**
 * Backfills and incremental runs killed (SIGKILL) at any point: every partition is whole (as
 * before or as after its day's run, never a mix), the slice records and the ledger agree with
 * the data, and the next command completes what was left, to the same table a run over
 * everything gives.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, duckdbRows } from '../run/helpers.ts';
import { recover } from '../../framework/io/commit.ts';
import { LocalMetastore } from '../../framework/catalog/local.ts';
import { generateLake, type LakeObject } from '../fixtures/lake/generate.ts';
import { lakeProject, sameRows, type LakeProject } from '../support/lake.ts';

const data = generateLake({ days: 4, users: 20 });

function killedAfter(p: LakeProject, args: string[], ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: p.dir, env: { ...process.env, ETL_WAREHOUSE: '', ETL_STATE_DIR: '' }, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (_status, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL');
    });
  });
}

/** Rows per partition folder, as a canonical text: partitions compare whole. */
async function partitions(table: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!existsSync(table)) return out;
  for (const folder of readdirSync(table).filter((f) => f.startsWith('dt='))) {
    const rows = await duckdbRows(`SELECT * FROM read_parquet('${path.join(table, folder)}/*.parquet') ORDER BY event_id`);
    out.set(folder, JSON.stringify(rows));
  }
  return out;
}

describe('killed runs over time', () => {
  it('a killed backfill leaves whole days, with records only for committed days, and its rerun finishes the table', async () => {
    const reference = lakeProject({ data });
    reference.etlJson(['backfill', 'clean_events', '--from', reference.days[0], '--to', reference.days[3], '--env', 'local']);
    const done = await partitions(reference.table('events'));
    expect(done.size).toBe(4);
    const kills: boolean[] = [];
    for (const ms of [250, 600, 950, 1300, 1700]) {
      const p = lakeProject({ data });
      kills.push(await killedAfter(p, ['backfill', 'clean_events', '--from', p.days[0], '--to', p.days[3], '--env', 'local'], ms));
      // Whatever the kill interrupted, each day there is whole: as the finished backfill leaves it.
      // (A kill after a day's commit point leaves a journal that the next command rolls forward first.)
      await rollForward(p);
      const records = path.join(p.dir, '.lake/local/local-lake/warehouse/_etl_state/lake.events/slices');
      for (const [folder, rows] of await partitions(p.table('events'))) expect(rows, `${folder} after a kill at ${ms} ms`).toBe(done.get(folder));
      for (const record of existsSync(records) ? readdirSync(records) : []) {
        const day = JSON.parse(readFileSync(path.join(records, record), 'utf8')) as { slice: { dt: string } };
        expect(existsSync(path.join(p.table('events'), `dt=${day.slice.dt}`))).toBe(true);
      }
      const rerun = p.etlJson<{ status: string }>(['backfill', 'clean_events', '--from', p.days[0], '--to', p.days[3], '--env', 'local']);
      expect(rerun.status).toBe('succeeded');
      expect((await sameRows(reference.table('events'), p.table('events'))).same).toBe(true);
    }
    expect(kills).toContain(true);
  }, 240_000);

  it('a killed incremental run commits its objects and their rows together or not at all, and the next run catches up', async () => {
    const batches = byDay(data.objects);
    // The table as incremental runs over the first k batches leave it: a run over exactly those objects.
    const references: LakeProject[] = [];
    for (let k = 1; k <= batches.length; k++) {
      const r = lakeProject({ data, landAll: false });
      r.land(batches.slice(0, k).flat());
      r.etlJson(['run', 'clean_events', '--env', 'local']);
      references.push(r);
    }
    const kills: boolean[] = [];
    const p = lakeProject({ data, landAll: false });
    for (const [k, batch] of batches.entries()) {
      p.land(batch);
      for (const ms of [200, 500, 800]) {
        kills.push(await killedAfter(p, ['run', 'clean_events', '--env', 'local', '--incremental'], ms));
        await rollForward(p);
        const ledger = ledgerKeys(p);
        const known = new Set(ledger);
        // The ledger lists the earlier batches, and this one entirely or not at all ...
        const thisBatch = batch.filter((o) => known.has(o.key)).length;
        expect([0, batch.length]).toContain(thisBatch);
        expect(ledger.length).toBe(batches.slice(0, k).flat().length + thisBatch);
        // ... and the table holds exactly the rows of the objects the ledger lists.
        const expected = thisBatch ? references[k] : references[k - 1];
        if (expected) expect((await sameRows(expected.table('events'), p.table('events'))).same).toBe(true);
      }
      p.etlJson(['run', 'clean_events', '--env', 'local', '--incremental']);
      expect((await sameRows(references[k].table('events'), p.table('events'))).same).toBe(true);
    }
    expect(kills).toContain(true);
  }, 300_000);
});

/** What every run does first: finish a commit a kill interrupted after its commit point. */
async function rollForward(p: LakeProject): Promise<void> {
  const lake = path.join(p.dir, '.lake/local');
  await recover(path.join(lake, 'local-lake/warehouse'), new LocalMetastore(path.join(lake, '.etl/catalog')));
}

function ledgerKeys(p: LakeProject): string[] {
  const dir = path.join(p.dir, '.lake/local/local-lake/warehouse/_etl_state/lake.events/ledger');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { objects: { key: string }[] }).objects.map((o) => o.key));
}

/** The objects of each arrival day. */
function byDay(objects: readonly LakeObject[]): LakeObject[][] {
  const days = new Map<string, LakeObject[]>();
  for (const o of objects) {
    const d = o.key.slice(0, 10);
    if (!days.has(d)) days.set(d, []);
    days.get(d)!.push(o);
  }
  return [...days.values()];
}
