/**
 * An example of testing a job in code with testJob (vitest here; any runner works). The
 * declarative cases in jobs/fixtures/events_clean/ cover the same job through `etl test`.
 */
import { describe, expect, it } from 'vitest';
import { expectRows, testJob } from 'lakeform/testing';
import eventsClean from './events_clean.ts';

const event = (over: Record<string, unknown>) => ({
  event_id: 'e1',
  user_id: 42,
  event_type: 'view',
  ts: '2026-11-01T10:00:00Z',
  amount: null,
  currency: null,
  page: '/home',
  device: { os: 'ios', app_version: '5.4.0' },
  ...over,
});

describe('events_clean', () => {
  it('keeps the earliest copy of a duplicated event', async () => {
    const r = await testJob(eventsClean, {
      params: { dt: '2026-11-01' },
      inputs: { raw: [event({ ts: '2026-11-01T10:00:05Z', page: 'late copy' }), event({ page: 'first copy' })] },
    });
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ event_id: 'e1', user_id: 42n, page: 'first copy', ts: '2026-11-01T10:00:00Z', dt: '2026-11-01' });
    expect(r.failedChecks).toEqual([]);
  });

  it('quarantines an unknown event type with its reason, and the rest goes on', async () => {
    const r = await testJob(eventsClean, { inputs: { raw: [event({}), event({ event_id: 'e2', event_type: 'teleport' })] } });
    expect(r.rows.map((x) => x.event_id)).toEqual(['e1']);
    expect(r.badRecords).toEqual([{ input: 'raw', line: 2, reason: expect.stringContaining('"teleport" is not one of'), file: 'raw rows' }]);
    expect(r.rowsRead).toBe(2);
  });

  it('upper-cases and trims the currency, and turns a blank page into null (an inline case: expected rows, diffed as etl test does)', async () => {
    const r = await testJob(eventsClean, { inputs: { raw: [event({ event_type: 'purchase', amount: 5, currency: ' usd ', page: '   ' })] } });
    expectRows(r, [
      { event_id: 'e1', user_id: 42, event_type: 'purchase', ts: '2026-11-01T10:00:00Z', amount: 5, currency: 'USD', page: null, device: { os: 'ios', app_version: '5.4.0' }, properties: null, dt: '2026-11-01' },
    ]);
  });

  it('fails its rowCount check on no input', async () => {
    const r = await testJob(eventsClean, { inputs: { raw: [] } });
    expect(r.failedChecks.map((c) => c.name)).toEqual(['rowCount(min 1)']);
  });
});
