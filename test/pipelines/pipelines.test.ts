/**
 * Pipelines declared next to the jobs: checked against the job graph with errors that name the
 * file, and run offline in dependency order: the same tables as running the jobs by hand, a
 * failed job stopping what comes after it.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateLake } from '../fixtures/lake/generate.ts';
import { LAKE_JOBS, LAKE_TABLES, lakeProject, sameRows } from '../support/lake.ts';

const data = generateLake({ days: 3, users: 12 });
const DAY = '2026-11-02';

describe('pipelines', () => {
  it('run offline for a day give the tables the jobs give when run by hand in order', async () => {
    const byHand = lakeProject({ data });
    for (const job of LAKE_JOBS) byHand.etlJson(['run', job, '--env', 'local', '--param', `dt=${DAY}`]);
    const p = lakeProject({ data });
    const run = p.etlJson<{ status: string; day: string; jobs: { job: string; status: string }[] }>(['pipeline', 'run', 'nightly', '--env', 'local', '--slice', DAY]);
    expect(run).toMatchObject({ status: 'succeeded', day: DAY });
    expect(run.jobs.map((j) => [j.job, j.status])).toEqual([['clean_events', 'succeeded'], ['daily_totals', 'succeeded'], ['sessions', 'succeeded']]);
    for (const job of LAKE_JOBS) expect((await sameRows(byHand.table(LAKE_TABLES[job]), p.table(LAKE_TABLES[job]))).same).toBe(true);
  }, 60_000);

  it('stop at a failed job: the jobs after it do not run, and the summary says so', () => {
    const p = lakeProject({ data });
    const r = p.etl(['pipeline', 'run', 'nightly', '--env', 'local', '--slice', '2026-12-24']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/pipeline nightly for 2026-12-24: 0 of 3 jobs succeeded; clean_events failed, so daily_totals, sessions did not run/);
    expect(r.stderr).toMatch(/✗ clean_events after 3 attempts/);
  }, 60_000);

  it('are refused with the reason, naming the pipeline file: an unknown job, a left-out upstream job, a cycle, a bad schedule', () => {
    const p = lakeProject({ data, landAll: false });
    const write = (body: string) => writeFileSync(path.join(p.dir, 'pipelines/nightly.ts'), `import { definePipeline } from 'lakeform';\nexport default definePipeline({ name: 'nightly', ${body} });\n`);
    const problem = () => {
      const r = p.etl(['pipeline', 'run', 'nightly', '--env', 'local']);
      expect(r.status).toBe(2);
      return r.stderr;
    };
    write("jobs: ['clean_event']");
    expect(problem()).toMatch(/pipelines\/nightly\.ts: no job named 'clean_event'\n  hint: did you mean 'clean_events'\?/);
    write("jobs: ['sessions', 'daily_totals']");
    expect(problem()).toMatch(/job '(sessions|daily_totals)' reads lake\.events, which 'clean_events' writes, but 'clean_events' is not in the pipeline\n  hint: add 'clean_events' to jobs, or use jobs: \{ downstreamOf: 'clean_events' \}/);
    write("jobs: { downstreamOf: 'clean_events' }, schedule: 'every day at 7'");
    expect(problem()).toMatch(/schedule 'every day at 7' is not an EventBridge Scheduler expression/);
    write("jobs: { downstreamOf: 'clean_events' }, schedule: 'cron(0 7 * * *)'");
    expect(problem()).toMatch(/needs six fields/);
    // Two jobs that read each other's tables.
    const job = (name: string, reads: string, writes: string) =>
      writeFileSync(
        path.join(p.dir, `jobs/${name}.ts`),
        `import { defineJob, catalogTable, table } from 'lakeform';\nimport { CleanEvent } from '../schemas/lake.ts';\nexport default defineJob({ name: '${name}', inputs: { x: catalogTable('${reads}', { schema: CleanEvent }) }, transform: ({ x }) => x, output: table('${writes}', CleanEvent, { partitionBy: ['dt'] }) });\n`,
      );
    job('ping', 'lake.pong', 'lake.ping');
    job('pong', 'lake.ping', 'lake.pong');
    write("jobs: ['ping', 'pong']");
    expect(problem()).toMatch(/its jobs depend on each other in a cycle: (ping → pong → ping|pong → ping → pong)/);
  }, 60_000);
});
