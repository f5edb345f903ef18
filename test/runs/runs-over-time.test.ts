/**
 * Runs over time on the local engine: a table built by one run over all the data equals the
 * same table built day by day (in order, in reverse, shuffled), by incremental runs as the
 * Firehose objects arrive in batches, and after rerunning any day again, row for row through
 * DuckDB, for the cleaning job and the two jobs downstream of it. The lake is generated (8 days,
 * late arrivals past midnight, redeliveries across folders, bad lines): test/fixtures/lake.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateLake, type LakeObject } from '../fixtures/lake/generate.ts';
import { LAKE_JOBS, LAKE_TABLES, lakeProject, sameRows, type LakeProject } from '../support/lake.ts';
import { seededRandom } from '../support/random.ts';
import { edit } from '../support/project.ts';

interface Run {
  readonly status: string;
  readonly slice: string | null;
  readonly rowsRead: number;
  readonly rowsOutsideSlice: number;
  readonly output: { readonly rowsWritten: number; readonly partitions: string[]; readonly partitionsRemoved: string[] };
  readonly incremental: { readonly newFiles: number; readonly knownFiles: number } | null;
}
interface Backfill {
  readonly status: string;
  readonly slices: { readonly day: string; readonly status: string }[];
}

const data = generateLake({ days: 8 });
const DAYS = lakeProject({ data, landAll: false }).days;
let reference: LakeProject;

/** Every table of `p` equals the one-run reference, row for row. */
async function expectSameTables(p: LakeProject, jobs: readonly (typeof LAKE_JOBS)[number][] = LAKE_JOBS) {
  for (const job of jobs) {
    const c = await sameRows(reference.table(LAKE_TABLES[job]), p.table(LAKE_TABLES[job]));
    expect({ table: LAKE_TABLES[job], ...c }).toEqual({ table: LAKE_TABLES[job], same: true, rows: [c.rows[0], c.rows[0]], onlyA: [], onlyB: [] });
  }
}

const backfill = (p: LakeProject, job: string, from = DAYS[0], to = DAYS[DAYS.length - 1], extra: string[] = []) =>
  p.etlJson<Backfill>(['backfill', job, '--from', from, '--to', to, '--env', 'local', ...extra]);

beforeAll(() => {
  expect(data.stats.lateAcrossMidnight).toBeGreaterThan(20);
  expect(data.stats.redeliveries).toBeGreaterThan(20);
  reference = lakeProject({ data });
  for (const job of LAKE_JOBS) {
    const r = reference.etlJson<Run>(['run', job, '--env', 'local']);
    expect(r.slice).toBeNull();
    expect(r.output.partitions.length).toBeGreaterThanOrEqual(8);
  }
}, 120_000);

describe('one run over everything = the days run one by one', () => {
  it('in order (etl backfill), for the cleaning job and the jobs downstream', async () => {
    const p = lakeProject({ data });
    for (const job of LAKE_JOBS) {
      const r = backfill(p, job);
      expect(r.status).toBe('succeeded');
      expect(r.slices.map((s) => s.status)).toEqual(DAYS.map(() => 'ran'));
    }
    await expectSameTables(p);
  }, 120_000);

  it('in reverse order, and the downstream days shuffled', async () => {
    const p = lakeProject({ data });
    let outside = 0;
    for (const day of [...DAYS].reverse()) outside += p.etlJson<Run>(['run', 'clean_events', '--env', 'local', '--param', `dt=${day}`]).rowsOutsideSlice;
    // Each day's window holds the next day's first hours: those rows belong to the next day's run.
    expect(outside).toBeGreaterThan(0);
    const random = seededRandom(7);
    for (const job of ['sessions', 'daily_totals']) {
      const shuffled = [...DAYS].sort(() => random() - 0.5);
      for (const day of shuffled) p.etlJson<Run>(['run', job, '--env', 'local', '--param', `dt=${day}`]);
    }
    await expectSameTables(p);
  }, 120_000);

  it('and rerunning any day again changes nothing; a backfill then reruns only the days whose input files were rewritten', async () => {
    const p = lakeProject({ data });
    for (const job of LAKE_JOBS) backfill(p, job);
    const rerun = [DAYS[0], DAYS[3], DAYS[7]];
    for (const day of rerun) for (const job of LAKE_JOBS) p.etlJson<Run>(['run', job, '--env', 'local', '--param', `dt=${day}`]);
    await expectSameTables(p);
    const ran = (job: string) => backfill(p, job).slices.filter((s) => s.status === 'ran').map((s) => s.day);
    expect(ran('clean_events')).toEqual([]);
    expect(ran('daily_totals')).toEqual([]);
    // A session day reads the days next to it, whose files the reruns rewrote (same rows, new files).
    expect(ran('sessions')).toEqual([DAYS[1], DAYS[2], DAYS[4], DAYS[6]]);
    expect(ran('sessions')).toEqual([]);
    await expectSameTables(p);
  }, 120_000);
});

describe('incremental runs as the objects arrive', () => {
  it('merge late rows into the days they belong to; the downstream days they change are rerun by backfill', async () => {
    const p = lakeProject({ data, landAll: false });
    const batches = inBatches(data.objects, 12);
    expect(batches.length).toBeGreaterThanOrEqual(16);
    let merged = 0;
    for (const batch of batches) {
      p.land(batch);
      const r = p.etlJson<Run>(['run', 'clean_events', '--env', 'local', '--incremental']);
      expect(r.incremental?.newFiles).toBe(batch.length);
      // A batch's rows land in more than one day when events arrive after midnight.
      if (r.output.partitions.length > 1) merged++;
      const days = r.output.partitions.map((x) => x.slice('dt='.length)).sort();
      if (!days.length) continue;
      // Sessions read a day around their own: the days next to a changed day may change too.
      expect(backfill(p, 'sessions', shift(days[0], -1), shift(days[days.length - 1], 1)).status).toBe('succeeded');
      expect(backfill(p, 'daily_totals', days[0], days[days.length - 1]).status).toBe('succeeded');
    }
    expect(merged).toBeGreaterThan(0);
    expect(p.etlJson<Run>(['run', 'clean_events', '--env', 'local', '--incremental']).incremental).toEqual({ newFiles: 0, knownFiles: data.objects.length, existingRows: 0 });
    await expectSameTables(p, ['clean_events', 'daily_totals']);
    // Sessions beyond the generated days read one day less at the edges of the backfill ranges: compare them through a final backfill.
    backfill(p, 'sessions');
    await expectSameTables(p, ['sessions']);
  }, 300_000);

  it('pick up objects that arrive days late; a rerun of their day keeps them (it reads the objects the ledger merged there)', async () => {
    const late = generateLake({ days: 8, farLate: 12 });
    const full = lakeProject({ data: late });
    full.etlJson<Run>(['run', 'clean_events', '--env', 'local']);
    const p = lakeProject({ data: late, landAll: false });
    for (const batch of inBatches(late.objects, 24)) {
      p.land(batch);
      p.etlJson<Run>(['run', 'clean_events', '--env', 'local', '--incremental']);
    }
    const same = async () => (await sameRows(full.table('events'), p.table('events'))).same;
    expect(await same()).toBe(true);
    // A day's own window misses its far-late rows; its rerun must not drop them.
    for (const day of DAYS) p.etlJson<Run>(['run', 'clean_events', '--env', 'local', '--param', `dt=${day}`]);
    expect(await same()).toBe(true);
    // A backfill into a fresh table cannot know them: they arrive later than any day's window.
    const q = lakeProject({ data: late });
    for (const day of DAYS) q.etlJson<Run>(['run', 'clean_events', '--env', 'local', '--param', `dt=${day}`]);
    const [all, byDay] = (await sameRows(full.table('events'), q.table('events'))).rows;
    expect(byDay).toBeLessThan(all);
  }, 300_000);

  it('refuse what they cannot merge, saying why', () => {
    const p = lakeProject({ data });
    p.etlJson<Run>(['run', 'clean_events', '--env', 'local', '--param', `dt=${DAYS[0]}`]);
    const sessions = p.etl(['run', 'sessions', '--env', 'local', '--incremental']);
    expect(sessions.status).toBe(2);
    expect(sessions.stderr).toMatch(/job 'sessions' cannot run incrementally: it must read exactly one input, of files/);
    const sliced = p.etl(['run', 'clean_events', '--env', 'local', '--incremental', '--param', `dt=${DAYS[0]}`]);
    expect(sliced.stderr).toMatch(/takes no slice \(--param dt\)/);
    // An object rewritten after it was processed breaks the exactly-once promise: refused.
    p.etlJson<Run>(['run', 'clean_events', '--env', 'local', '--incremental']);
    const first = path.join(p.dir, 'data/events', data.objects[0].key);
    writeFileSync(first, gzipSync('{"event_id":"x","user_id":1,"event_type":"view","ts":"2026-11-01T00:00:00Z","amount":null,"page":null}\n'.repeat(50)));
    const changed = p.etl(['run', 'clean_events', '--env', 'local', '--incremental']);
    expect(changed.status).toBe(2);
    expect(changed.stderr).toMatch(/changed since an incremental run processed it/);
  }, 120_000);
});

describe('a run owns its slice', () => {
  it('rows of other days are counted, not written; with outside: fail the run fails before writing, naming the partition', async () => {
    const p = lakeProject({ data });
    const day = p.etlJson<Run>(['run', 'clean_events', '--env', 'local', '--param', `dt=${DAYS[2]}`]);
    expect(day.output.partitions).toEqual([`dt=${DAYS[2]}`]);
    expect(day.rowsOutsideSlice).toBeGreaterThan(0);
    const before = readdirSync(p.table('events')).sort();
    edit(p.dir, 'jobs/clean_events.ts', [["slice: 'dt',", "slice: { by: 'dt', outside: 'fail' },"]]);
    const r = p.etl(['run', 'clean_events', '--env', 'local', '--param', `dt=${DAYS[3]}`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`owns slice dt=${DAYS[3]}, but its output has rows for partition dt=(${DAYS[2]}|${DAYS[4]}); nothing was written`));
    expect(readdirSync(p.table('events')).sort()).toEqual(before);
  }, 60_000);

  it('a day whose input is gone fails and keeps the day as it was; a day left with no rows is removed', async () => {
    const p = lakeProject({ data });
    p.etlJson<Run>(['run', 'clean_events', '--env', 'local', '--param', `dt=${DAYS[1]}`]);
    const empty = p.etl(['run', 'clean_events', '--env', 'local', '--param', 'dt=2026-12-24']);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/has no JSON lines files for this slice/);
    // Filter every row of the day out: the slice is its output, so the day's partition goes.
    edit(p.dir, 'jobs/clean_events.ts', [[".filter(col('event_id').isNotNull())", ".filter(col('event_id').isNotNull().and(toDate(col('ts')).ne(lit('" + DAYS[1] + "').cast(types.date))))"], ['col, toDate,', 'col, lit, types, toDate,']]);
    const r = p.etlJson<Run>(['run', 'clean_events', '--env', 'local', '--param', `dt=${DAYS[1]}`]);
    expect(r.output.partitionsRemoved).toEqual([`dt=${DAYS[1]}`]);
    expect(existsSync(path.join(p.table('events'), `dt=${DAYS[1]}`))).toBe(false);
  }, 60_000);

  it('a backfill reruns only the days whose plan or inputs changed; --force reruns every day', () => {
    const p = lakeProject({ data });
    backfill(p, 'clean_events');
    // A redelivery lands in the third day's first hour: that day, and the day before (its lateness window reaches it), change.
    const folder = path.join(p.dir, 'data/events', `${DAYS[2].replaceAll('-', '/')}/01`);
    writeFileSync(path.join(folder, 'events-redelivered.gz'), gzipSync('{"event_id":"late-1","user_id":3,"event_type":"view","ts":"2026-11-02T23:59:00Z","amount":null,"page":null}\n'));
    expect(backfill(p, 'clean_events').slices.filter((s) => s.status === 'ran').map((s) => s.day)).toEqual([DAYS[1], DAYS[2]]);
    expect(backfill(p, 'clean_events', DAYS[0], DAYS[2], ['--force']).slices.map((s) => s.status)).toEqual(['ran', 'ran', 'ran']);
  }, 60_000);
});

/** Objects grouped by the `hours`-long arrival period they arrived in. */
function inBatches(objects: readonly LakeObject[], hours: number): LakeObject[][] {
  const batches = new Map<number, LakeObject[]>();
  for (const o of objects) {
    const k = Math.floor((o.arrivalMs - 1) / (hours * 3_600_000));
    if (!batches.has(k)) batches.set(k, []);
    batches.get(k)!.push(o);
  }
  return [...batches.values()];
}

function shift(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
