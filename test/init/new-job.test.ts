/** `etl new job`: for each input format, a job that plans, runs and has a first test case; bad names and files in the way are refused. */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scaffolded, type Scaffolded } from './scaffolded.ts';

describe('etl new job', () => {
  let project: Scaffolded;
  const read = (f: string) => readFileSync(path.join(project.dir, f), 'utf8');
  const exists = (f: string) => existsSync(path.join(project.dir, f));
  beforeAll(() => {
    project = scaffolded();
  });

  /** The new job plans, its first case passes once its expected rows are written, and it runs on its sample. */
  function worksEndToEnd(name: string, rowsRead?: number) {
    expect(project.etlJson<{ job: string }>(['plan', name]).job).toBe(name);
    expect(project.etl(['test', name]).status).toBe(1); // no expected.jsonl yet: the user reviews it first
    expect(project.etl(['test', name, '--update']).status).toBe(0);
    expect(project.etl(['test', name]).status).toBe(0);
    if (rowsRead !== undefined) expect(project.etlJson(['run', name])).toMatchObject({ status: 'succeeded', rowsRead });
  }

  it('--from jsonl (the default) infers the schema from a sample folder, across its files', () => {
    const r = project.etl(['new', 'job', 'page_views', '--input', 'sample/events/']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('schema: inferred from sample/events/ (2 files)');
    expect(read('schemas/page_views.ts')).toContain(`export const PageViews = z.object({
  event_id: z.string().nullable(),
  user_id: z.int64(),
  event_type: z.string(),
  ts: z.iso.datetime({ offset: true }),
  amount: z.float64().nullable(),
  page: z.string(),
});`);
    expect(read('jobs/page_views.ts')).toContain("sample: 'sample/events/'");
    expect(read('jobs/fixtures/page_views/first_case/input.jsonl').trim().split('\n')).toHaveLength(5);
    worksEndToEnd('page_views', 7);
  });

  it('--from csv infers types from the text of a CSV sample; an empty field makes its column nullable', () => {
    writeFileSync(path.join(project.dir, 'sample/users.csv'), 'user_id,country,signup_date,score,vip\n1,FR,2026-01-03,1.5,true\n2,,2026-02-01,2,false\n');
    expect(project.etl(['new', 'job', 'users_dim', '--from', 'csv', '--input', 'sample/users.csv', '--table', 'dims.users']).status).toBe(0);
    expect(read('schemas/users_dim.ts')).toContain(`export const UsersDim = z.object({
  user_id: z.int64(),
  country: z.string().nullable(),
  signup_date: z.iso.date(),
  score: z.float64(),
  vip: z.boolean(),
});`);
    expect(read('jobs/users_dim.ts')).toContain("csv({");
    expect(read('jobs/users_dim.ts')).toContain("table('dims.users', UsersDim)");
    worksEndToEnd('users_dim', 2);
  });

  it("--from parquet reads the schema from a Parquet file's footer", () => {
    const run = project.etlJson<{ output: { location: string } }>(['run', 'events_clean', '-p', 'dt=2026-11-01']);
    const partition = path.join(run.output.location, 'dt=2026-11-01');
    const [file] = readdirSync(partition).filter((f) => f.endsWith('.parquet'));
    expect(project.etl(['new', 'job', 'events_copy', '--from', 'parquet', '--input', path.join(partition, file)]).status).toBe(0);
    expect(read('schemas/events_copy.ts')).toContain(`export const EventsCopy = z.object({
  event_id: z.string(),
  user_id: z.int64(),
  event_type: z.string(),
  ts: z.iso.datetime({ offset: true }),
  amount: z.float64().nullable(),
  page: z.string().nullable(),
});`);
    worksEndToEnd('events_copy', 3);
  });

  it("--from table reads another job's output table, its columns those of the producing job's schema", () => {
    expect(project.etl(['new', 'job', 'daily_counts', '--from', 'table', '--input', 'analytics.events']).status).toBe(0);
    expect(read('jobs/daily_counts.ts')).toContain("events: catalogTable('analytics.events')");
    expect(read('jobs/daily_counts.ts')).toContain("table('analytics.daily_counts', DailyCounts)");
    expect(read('schemas/daily_counts.ts')).toContain("event_type: z.enum([\"view\",\"click\",\"purchase\"])");
    expect(read('schemas/daily_counts.ts')).toContain('dt: z.iso.date()');
    expect(exists('jobs/fixtures/daily_counts/first_case/events.jsonl')).toBe(true);
    worksEndToEnd('daily_counts');
  });

  it('without a sample, writes a placeholder schema marked TODO, and the job plans', () => {
    for (const [name, from] of [['later_jsonl', 'jsonl'], ['later_parquet', 'parquet']]) {
      expect(project.etl(['new', 'job', name, '--from', from]).status).toBe(0);
      expect(read(`schemas/${name}.ts`)).toContain('TODO: a placeholder');
      expect(read(`jobs/${name}.ts`)).toContain(`sample: 'sample/${name}/'`);
      worksEndToEnd(name);
    }
  });

  it('refuses a name that is not snake_case, suggesting one', () => {
    const r = project.etl(['new', 'job', 'PageCounts']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'PageCounts' is not a valid job name");
    expect(r.stderr).toContain("call it 'page_counts'");
    expect(project.etl(['new', 'job', '9lives']).status).toBe(2);
    expect(project.etl(['new', 'job', 'ok_name', '--table', 'Dims.Users']).stderr).toContain('--table Dims.Users: not a database.table name');
    expect(exists('jobs/PageCounts.ts') || exists('jobs/9lives.ts') || exists('jobs/ok_name.ts')).toBe(false);
  });

  it('says what it adds when given nothing to add', () => {
    const r = project.etl(['new']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Name what to add: etl new job <name>');
  });

  it('refuses the name of an existing job', () => {
    const r = project.etl(['new', 'job', 'events_clean']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("a job named 'events_clean' exists already (jobs/events_clean.ts)");
  });

  it('refuses to overwrite a file in the way, and writes none of the others', () => {
    writeFileSync(path.join(project.dir, 'schemas/clicks.ts'), '// mine\n');
    const r = project.etl(['new', 'job', 'clicks']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('1 file(s) already exist');
    expect(r.stderr).toContain('schemas/clicks.ts; nothing was written');
    expect(exists('jobs/clicks.ts')).toBe(false);
    expect(exists('jobs/fixtures/clicks')).toBe(false);
    expect(read('schemas/clicks.ts')).toBe('// mine\n');
  });

  it('refuses a table no job writes (did you mean), a table job without its table, and a sample that is not there', () => {
    const unknown = project.etl(['new', 'job', 'x', '--from', 'table', '--input', 'analytics.evnts']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("did you mean 'analytics.events'");
    expect(project.etl(['new', 'job', 'x', '--from', 'table']).stderr).toContain('--from table needs --input <database.table>');
    const missing = project.etl(['new', 'job', 'x', '--input', 'sample/nothing/']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--input sample/nothing/: no such file or folder');
    expect(exists('jobs/x.ts')).toBe(false);
  });
});
