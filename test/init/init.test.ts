/** `etl init`: the project it scaffolds works with every command a new user runs first, and it never overwrites a file. */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, duckdbRows } from '../run/helpers.ts';
import { loadEnvironment } from '../../framework/config/config.ts';
import { emptyFolder, etlIn, scaffolded, type Scaffolded } from './scaffolded.ts';

const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('etl init', () => {
  let project: Scaffolded;
  beforeAll(() => {
    project = scaffolded();
  });

  it('writes the project files, with lakeform at this version as a dependency', () => {
    for (const f of ['package.json', 'tsconfig.json', 'etl.config.ts', '.gitignore', '.github/workflows/etl.yml', 'schemas/events.ts', 'jobs/events_clean.ts', 'jobs/fixtures/events_clean/dedupes_and_partitions/expected.jsonl']) {
      expect(existsSync(path.join(project.dir, f)), f).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(path.join(project.dir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg.name).toBe('my-lake');
    expect(pkg.dependencies.lakeform).toBe(`^${VERSION}`);
    expect(pkg.scripts).toMatchObject({ etl: 'etl', test: 'etl test' });
    const ci = readFileSync(path.join(project.dir, '.github/workflows/etl.yml'), 'utf8');
    expect(ci).toContain('npx etl schema check --all');
    expect(ci).toContain('npx etl test');
  });

  it("has a local and a dev (AWS, EMR) environment that pass the config's validation", async () => {
    const local = await loadEnvironment(project.dir, 'local');
    expect(local).toMatchObject({ kind: 'local', variables: { bucket: 'my-raw-local' } });
    const dev = await loadEnvironment(project.dir, 'dev');
    expect(dev).toMatchObject({ kind: 'aws', target: 'emr', bucket: 'my-lake-dev', emr: { transient: { releaseLabel: 'emr-7.5.0' } } });
  });

  it('lists, runs (writing Parquet), tests, checks schemas and plans its example job', async () => {
    const list = project.etlJson<{ jobs: { name: string }[] }>(['list']);
    expect(list.jobs.map((j) => j.name)).toEqual(['events_clean']);

    const run = project.etlJson<{ status: string; rowsRead: number; output: { location: string; rowsWritten: number } }>(['run', 'events_clean']);
    expect(run).toMatchObject({ status: 'succeeded', rowsRead: 7, output: { rowsWritten: 5 } });
    const rows = await duckdbRows(`SELECT dt::VARCHAR AS dt, count(*)::INTEGER AS n FROM read_parquet('${run.output.location}/**/*.parquet', hive_partitioning = true) GROUP BY dt ORDER BY dt`);
    expect(rows).toEqual([{ dt: '2026-11-01', n: 3 }, { dt: '2026-11-02', n: 2 }]);

    const test = project.etl(['test']);
    expect(test.stderr).toBe('');
    expect(test.status).toBe(0);
    expect(test.stdout).toContain('1 passed, 0 failed');

    expect(project.etl(['schema', 'check', '--all']).status).toBe(0);
    const plan = project.etlJson<{ job: string }>(['plan', 'events_clean']);
    expect(plan.job).toBe('events_clean');
  });

  it('runs the example job in the local environment, reading its s3:// path from the sample', () => {
    const run = project.etlJson<{ status: string; rowsRead: number }>(['run', 'events_clean', '--env', 'local', '-p', 'dt=2026-11-01']);
    expect(run).toMatchObject({ status: 'succeeded', rowsRead: 5 });
  });

  it('refuses to overwrite: lists the files in the way and writes nothing, package.json included', () => {
    const { box, dir } = emptyFolder();
    const mine = '{"name":"mine"}\n';
    writeFileSync(path.join(dir, 'package.json'), mine);
    writeFileSync(path.join(dir, 'etl.config.ts'), '// mine\n');
    writeFileSync(path.join(dir, 'tsconfig.json'), '{}\n');
    const r = etlIn(box, dir, ['init']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('2 file(s) already exist');
    expect(r.stderr).toContain('etl.config.ts, tsconfig.json; nothing was written');
    expect(readdirSync(dir).sort()).toEqual(['etl.config.ts', 'package.json', 'tsconfig.json']);
    expect(readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe(mine);
  });

  it('completes the package.json that installing lakeform made, keeping what it holds', () => {
    const { box, dir } = emptyFolder();
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'mine', dependencies: { lakeform: 'file:../lakeform-0.1.0.tgz' }, scripts: { test: 'vitest' } }));
    const r = etlIn(box, dir, ['init', '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ packageJsonUpdated: true });
    expect(JSON.parse(r.stdout).created).not.toContain('package.json');
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg).toMatchObject({ name: 'mine', type: 'module', scripts: { etl: 'etl', test: 'vitest' }, dependencies: { lakeform: 'file:../lakeform-0.1.0.tgz', zod: expect.any(String) } });
    expect(etlIn(box, dir, ['test']).status).toBe(0);
  });

  it('refuses a package.json that is not an ES module package', () => {
    const { box, dir } = emptyFolder();
    writeFileSync(path.join(dir, 'package.json'), '{"name":"mine","type":"commonjs"}');
    const r = etlIn(box, dir, ['init']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('has "type": "commonjs"; nothing was written');
    expect(readdirSync(dir)).toEqual(['package.json']);
  });
});
