/**
 * The scaffolded project type-checks: its job, schemas and config, and the files `etl new job`
 * adds. tsc runs on the project's own tsconfig.json, with 'lakeform' mapped to this repository's
 * sources (standing in for the installed package's declarations) and zod linked from here.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../run/helpers.ts';
import { scaffolded, type Scaffolded } from './scaffolded.ts';

function tsc(dir: string): { status: number; output: string } {
  const r = spawnSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['--noEmit', '-p', 'tsconfig.check.json'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status ?? -1, output: r.stdout + r.stderr };
}

describe('the scaffolded project type-checks', () => {
  let project: Scaffolded;
  beforeAll(() => {
    project = scaffolded();
    mkdirSync(path.join(project.dir, 'node_modules'));
    symlinkSync(path.join(ROOT, 'node_modules/zod'), path.join(project.dir, 'node_modules/zod'));
    writeFileSync(
      path.join(project.dir, 'tsconfig.check.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: {
          paths: { lakeform: [path.join(ROOT, 'framework/index.ts')], 'lakeform/testing': [path.join(ROOT, 'framework/testing/index.ts')] },
          // The framework's sources (not its declarations, as an installed package has) use Node's types.
          types: ['node'],
          typeRoots: [path.join(ROOT, 'node_modules/@types')],
        },
      }),
    );
  });

  it('as etl init writes it, and with the jobs etl new job adds', () => {
    for (const args of [['page_views', '--input', 'sample/events/'], ['daily_counts', '--from', 'table', '--input', 'analytics.events'], ['placeholder', '--from', 'csv'], ['from_parquet', '--from', 'parquet']]) {
      expect(project.etl(['new', 'job', ...args]).status, args.join(' ')).toBe(0);
    }
    const r = tsc(project.dir);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  /** Runs tsc with one edit made to a file of the project, and puts the file back. */
  function tscWith(file: string, edit: (text: string) => string): { status: number; output: string } {
    const full = path.join(project.dir, file);
    const good = readFileSync(full, 'utf8');
    const bad = edit(good);
    expect(bad).not.toBe(good);
    writeFileSync(full, bad);
    try {
      return tsc(project.dir);
    } finally {
      writeFileSync(full, good);
    }
  }

  it('and tsc catches a setting of the wrong type in etl.config.ts', () => {
    const r = tscWith('etl.config.ts', (t) => t.replace('instanceCount: 2', "instanceCount: 'two'"));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/etl\.config\.ts\(\d+,\d+\): error TS2322/);
  });

  it("and a misspelt column of the example job's input, naming it", () => {
    const r = tscWith('jobs/events_clean.ts', (t) => t.replace(".filter(col('event_id').isNotNull())", ".filter(col('event_idd').isNotNull())"));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/jobs\/events_clean\.ts\(\d+,\d+\): error TS\d+:[\s\S]*'"event_idd"'[\s\S]*Did you mean '"event_id"'\?/);
  });
});
