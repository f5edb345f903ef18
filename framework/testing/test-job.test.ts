/**
 * testJob beyond the example in jobs/: table inputs without declared schemas, CSV inputs given
 * rows, misfit table rows, paths. On the jobs of the test project (test/fixtures/project), run
 * from its folder as a user's tests run from theirs: testJob finds the project from there.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PROJECT } from '../../test/run/helpers.ts';
import userSessions from '../../test/fixtures/project/jobs/user_sessions.ts';
import dailyKpis from '../../test/fixtures/project/jobs/daily_kpis.ts';
import { UserSession } from '../../test/fixtures/project/schemas/sessions.ts';
import { testJob, TestInputError } from './test-job.ts';
import { expectRows, RowsDifferError } from './expect-rows.ts';
import { z } from 'zod';
import { binary, decimal, defineJob, jsonLines, table } from '../index.ts';

const event = (id: string, user: number, ts: string, type = 'view', amount: number | null = null) => ({
  event_id: id, user_id: user, event_type: type, ts, amount, currency: amount === null ? null : 'USD', page: '/p', device: null, properties: null, dt: ts.slice(0, 10),
});

beforeAll(() => process.chdir(PROJECT));

/** The first user of the test project's sample users file: id and country. */
const [FIRST_USER, , FIRST_COUNTRY] = readFileSync(`${PROJECT}/sample/users/users.csv`, 'utf8').split('\n')[1].split(',');

describe('testJob', () => {
  it("reads a catalog-table input by the producing job's schema, found in the project, and leaves no files behind", async () => {
    const scratchBefore = readdirSync(tmpdir()).filter((f) => f.startsWith('etl-test-')).length;
    const r = await testJob(userSessions, {
      inputs: { events: [event('a', 1, '2026-11-01T10:00:00Z'), event('b', 1, '2026-11-01T10:45:00Z'), event('c', 2, '2026-11-01T11:00:00Z', 'purchase', 12.5)] },
    });
    expect(r.rows.map((s) => [s.session_id, s.events, s.revenue])).toEqual(
      [['1-20261101100000000000', 1, 0], ['1-20261101104500000000', 1, 0], ['2-20261101110000000000', 1, 12.5]].map(([id, n, rev]) => [id, BigInt(n as number), rev]),
    );
    // The rows have the types zod gives the output schema.
    expect(UserSession.array().safeParse(r.rows).error).toBeUndefined();
    expect(r.rowsRead).toBe(3);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('etl-test-')).length).toBe(scratchBefore);
  });

  it('takes rows for a CSV input, and reports one that does not fit as a bad record of that input', async () => {
    const r = await testJob(dailyKpis, {
      inputs: {
        events: [event('a', 1, '2026-11-01T10:00:00Z', 'purchase', 3), event('b', 9, '2026-11-01T11:00:00Z')],
        users: [{ user_id: 1, name: 'Ada', country: 'SE', signup_date: '2025-01-01', plan: 'pro' }, { user_id: 2, name: null, country: 'DE', signup_date: '2025-02-30', plan: 'pro' }],
      },
    });
    expect(r.rows.map((k) => [k.country, k.events, k.revenue]).sort()).toEqual([['SE', 1n, 3], ['unknown', 1n, 0]]);
    expect(r.badRecords).toEqual([{ input: 'users', line: 2, reason: expect.stringMatching(/^signup_date: .*2025-02-30/), file: 'users rows' }]);
  });

  it('shows booleans as booleans at any depth, decimals (to 38 digits) as text and binary as base64, in rows and in expectRows', async () => {
    const Row = z.object({
      id: z.int32(),
      ok: z.boolean(),
      flags: z.array(z.boolean()),
      meta: z.object({ seen: z.boolean(), tags: z.record(z.string(), z.boolean()) }),
      price: decimal(38, 2),
      blob: binary(),
    });
    const job = defineJob({ name: 'nested', inputs: { raw: jsonLines({ path: 's3://b/n/', schema: Row }) }, transform: ({ raw }) => raw, output: table('t.nested', Row) });
    const row = { id: 1, ok: true, flags: [true, false], meta: { seen: false, tags: { a: true } }, price: '123456789012345678901234567890123456.78', blob: 'AAEC/w==' };
    const r = await testJob(job, { inputs: { raw: [row] } });
    expect(r.badRecords).toEqual([]);
    expect(r.rows).toEqual([row]);
    expectRows(r, [row]);
    expect(() => expectRows(r, [{ ...row, flags: [1, 0] }])).toThrow(RowsDifferError);
  });

  it('refuses a table row that does not fit the table, naming input and row', async () => {
    const promise = testJob(userSessions, { inputs: { events: [event('a', 1, '2026-11-01T10:00:00Z'), { ...event('b', 1, '2026-11-01T10:00:00Z'), ts: 'yesterday' }] } });
    await expect(promise).rejects.toThrow(TestInputError);
    await expect(promise).rejects.toThrow(/row 2 of input 'events' does not fit the table's schema: ts: /);
  });

  it('reads a path relative to the project root with the input reader', async () => {
    const r = await testJob(dailyKpis, { inputs: { events: [event('a', Number(FIRST_USER), '2026-11-01T10:00:00Z')], users: 'sample/users/users.csv' } });
    expect(r.rows.map((k) => [k.country, k.active_users])).toEqual([[FIRST_COUNTRY, 1n]]);
  });

  it('expectRows: passes on the same rows in any order (doubles within tolerance), and fails with the diff of etl test', async () => {
    const r = await testJob(userSessions, { inputs: { events: [event('a', 1, '2026-11-01T10:00:00Z'), event('c', 2, '2026-11-01T11:00:00Z', 'purchase', 0.1 + 0.2)] } });
    const at = (user: number) => `2026-11-01T${user === 1 ? '10' : '11'}:00:00Z`;
    const session = (user: number, revenue: number, type: 'view' | 'purchase') => ({
      user_id: user, session_id: `${user}-20261101${user === 1 ? '10' : '11'}0000000000`, session_start: at(user), session_end: at(user), duration_seconds: 0,
      events: 1, page_views: type === 'view' ? 1 : 0, purchases: type === 'purchase' ? 1 : 0, revenue, dt: '2026-11-01',
    });
    expectRows(r, [session(2, 0.3, 'purchase'), session(1, 0, 'view')]);
    let thrown: unknown;
    try {
      expectRows(r, [session(2, 0.5, 'purchase'), { ...session(1, 0, 'view'), session_id: '1-9' }]);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(RowsDifferError);
    expect((thrown as Error).message).toBe(
      [
        'the output rows differ from the expected rows:',
        '  0 row(s) as expected, 1 changed, 1 missing, 1 unexpected',
        '  ~ changed    session_id="2-20261101110000000000"',
        '      revenue: expected 0.5, got 0.30000000000000004',
        '  - missing    {"user_id":1,"session_id":"1-9","session_start":"2026-11-01T10:00:00Z","session_end":"2026-11-01T10:00:00Z","duration_seconds":0,"events":1,"page_views":1,"purchases":0,"revenue":0,"dt":"2026-11-01"}',
        '  + unexpected {"user_id":1,"session_id":"1-20261101100000000000","session_start":"2026-11-01T10:00:00Z","session_end":"2026-11-01T10:00:00Z","duration_seconds":0,"events":1,"page_views":1,"purchases":0,"revenue":0,"dt":"2026-11-01"}',
      ].join('\n'),
    );
  });
});
