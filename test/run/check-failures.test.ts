/**
 * What a user sees when checks fail or are wrong: a failing check shows (up to 10 of) its failing
 * rows, and a check on a column the output lacks is refused by every command, not only etl run.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { col, defineJob, expect as expectCheck, jsonLines, table, unique } from '../../framework/index.ts';
import { testJob } from '../../framework/testing/test-job.ts';
import { copyOfTestProject, edit, etlIn } from '../support/project.ts';

// user_id beyond 2^53, written as JSON digits (JSON.stringify of a number would round it).
const event = (id: string, i: number) => `{"event_id":"${id}","user_id":9007199254740993,"event_type":"view","ts":"2026-11-01T10:00:${String(i).padStart(2, '0')}Z","amount":null,"currency":null,"page":"/p"}`;

describe('a failed check', () => {
  it('shows up to 10 of its failing rows, whole, and how many more there are', () => {
    const dir = copyOfTestProject();
    // Without the deduplication, unique('event_id') fails on every repeated id.
    edit(dir, 'jobs/events_clean.ts', [[".dropDuplicates(['event_id'], { orderBy: col('ts') })", '']]);
    const raw = path.join(dir, 'dupes.jsonl');
    writeFileSync(raw, [event('first', 0), ...Array.from({ length: 12 }, (_, i) => event('e1', i + 1))].join('\n') + '\n');
    const r = etlIn(dir, ['run', 'events_clean', '--input', `raw=${raw}`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('1 data check of jobs/events_clean.ts failed on analytics.events; nothing was written:\n  ✗ unique(event_id): 11 duplicate rows, e.g. (e1) (e1) (e1)\n');
    const shown = r.stderr.split('\n').filter((l) => l.startsWith('      {'));
    expect(shown).toHaveLength(10);
    // The second to the eleventh row with id e1 (the first is not a duplicate), int64 exact, timestamps as ISO text.
    expect(JSON.parse(shown[0])).toMatchObject({ event_id: 'e1', user_id: '9007199254740993', ts: '2026-11-01T10:00:02Z', dt: '2026-11-01' });
    expect(r.stderr).toContain('      … and 1 more failing row\n');
  }, 60_000);

  it('at severity warn lets the run succeed and still shows its failing rows in the summary', () => {
    const dir = copyOfTestProject();
    const raw = path.join(dir, 'negative.jsonl');
    writeFileSync(raw, event('n1', 1).replace('"amount":null', '"amount":-5') + '\n' + event('ok', 2) + '\n');
    const r = etlIn(dir, ['run', 'events_clean', '--input', `raw=${raw}`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('! amount is non-negative: 1 row does not satisfy it\n      {"event_id":"n1",');
  }, 60_000);

  it('carries its failing rows in the result testJob returns', async () => {
    const Row = z.object({ id: z.string(), n: z.int32().nullable() });
    const job = defineJob({
      name: 'positive',
      inputs: { raw: jsonLines({ path: 's3://b/raw/', schema: Row }) },
      transform: ({ raw }) => raw,
      output: table('db.positive', Row),
      checks: [expectCheck('n is positive', col('n').gt(0)), unique('id')],
    });
    const r = await testJob(job, { inputs: { raw: [{ id: 'a', n: 1 }, { id: 'b', n: -1 }, { id: 'c', n: null }] } });
    expect(r.failedChecks.map((c) => [c.name, c.failingRows, c.sampleRows])).toEqual([['n is positive', 2, [{ id: 'b', n: -1 }, { id: 'c', n: null }]]]);
    expect(r.checks.find((c) => c.name === 'unique(id)')?.sampleRows).toEqual([]);
  });
});

describe('a check on a column the output lacks', () => {
  it('is refused by etl plan with the job file and a suggestion, as etl run refuses it', () => {
    const dir = copyOfTestProject();
    edit(dir, 'jobs/events_clean.ts', [["unique('event_id'),", "unique('event_idd'),"]]);
    for (const args of [['plan', 'events_clean', '--env', 'dev'], ['run', 'events_clean']]) {
      const r = etlIn(dir, args);
      expect({ args, status: r.status }).toEqual({ args, status: 1 });
      expect(r.stderr).toBe("error: jobs/events_clean.ts (check unique(event_idd)): column 'event_idd' does not exist\n  hint: did you mean 'event_id'?\n");
    }
  }, 60_000);

  it("in an expect check names the job file in etl plan's error", () => {
    const dir = copyOfTestProject();
    edit(dir, 'jobs/events_clean.ts', [["col('amount').isNull().or(col('amount').ge(0))", "col('amount_usd').ge(0)"]]);
    const r = etlIn(dir, ['plan', 'events_clean', '--env', 'dev']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: jobs\/events_clean\.ts \(check 'amount is non-negative'\): column 'amount_usd' does not exist\n  hint: /);
  }, 60_000);
});
