/**
 * Golden files for `etl plan`: the three jobs of the test project (test/fixtures/project, a copy
 * of the example project) compiled for the `dev` environment of its etl.config.ts and the slice dt=2026-11-01, exactly as the CLI prints and writes them (see
 * golden/README.md).
 *
 * After an intended change to the compiler, a job or etl.config.ts, regenerate and review:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/compile/golden.test.ts
 *   git diff test/compile/golden/
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_JOBS, GOLDEN_DIR, PROJECT, ROOT, planTexts } from './helpers.ts';
import { BIN } from '../run/helpers.ts';
import { compilePipelineFor } from '../../framework/pipelines/compile.ts';
import { findProject } from '../../framework/run/project.ts';
import { loadEnvironment } from '../../framework/config/config.ts';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** The golden files of one job: `--json` stdout, `--out` plan.json and job.sql. */
const goldenFiles = (job: string) => ({
  json: path.join(GOLDEN_DIR, `${job}.json`),
  planJson: path.join(GOLDEN_DIR, `${job}.plan.json`),
  sql: path.join(GOLDEN_DIR, `${job}.sql`),
});

function golden(file: string): string {
  if (!existsSync(file)) throw new Error(`golden file ${path.relative(ROOT, file)} is missing; create it with UPDATE_GOLDEN=1 npx vitest run test/compile/golden.test.ts`);
  return readFileSync(file, 'utf8');
}

describe('etl plan golden files (env dev)', () => {
  for (const job of PROJECT_JOBS) {
    it(`${job}: --json output, plan.json and job.sql match the golden files`, async () => {
      const texts = await planTexts(job);
      const files = goldenFiles(job);
      if (UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        for (const k of ['json', 'planJson', 'sql'] as const) writeFileSync(files[k], texts[k]);
        return;
      }
      expect(texts.sql).toBe(golden(files.sql));
      expect(texts.planJson).toBe(golden(files.planJson));
      expect(texts.json).toBe(golden(files.json));
    });

    it(`${job}: compiling twice gives byte-identical output, and the plan hash is the hash of plan.json`, async () => {
      const a = await planTexts(job);
      const b = await planTexts(job);
      expect(b.json).toBe(a.json);
      expect(b.planJson).toBe(a.planJson);
      expect(b.sql).toBe(a.sql);
      const hash = createHash('sha256').update(a.planJson.replace(/\n$/, '')).digest('hex');
      expect(a.compiled.planHash).toBe(hash);
      expect(a.compiled.artifacts.planUri).toBe(`s3://acme-lake-dev/etl/artifacts/${hash}/plan.json`);
      expect(a.compiled.env).toBe('dev');
      expect(a.compiled.artifact.sql).toBe(a.compiled.spark.sql);
    });
  }

  // The other targets: their requests (Glue job and run, EMR Serverless run) beside the same plan.
  for (const env of ['glue-dev', 'serverless-dev']) {
    it(`events_clean on ${env}: --json output matches the golden file`, async () => {
      const texts = await planTexts('events_clean', env);
      const file = path.join(GOLDEN_DIR, `events_clean.${env}.json`);
      if (UPDATE) return writeFileSync(file, texts.json);
      expect(texts.json).toBe(golden(file));
      // The plan that runs is the same whatever the target.
      expect(texts.planJson).toBe(golden(goldenFiles('events_clean').planJson));
    });
  }

  // The example pipeline's state machine and schedule, per target (etl plan --pipeline daily --env <env> --json).
  for (const env of ['dev', 'glue-dev', 'serverless-dev']) {
    it(`pipeline daily on ${env}: the state machine and schedule match the golden file`, async () => {
      const { compiled } = await compilePipelineFor(findProject(PROJECT), 'daily', await loadEnvironment(PROJECT, env));
      const text = JSON.stringify(compiled, null, 2) + '\n';
      const file = path.join(GOLDEN_DIR, `pipeline-daily.${env}.json`);
      if (UPDATE) return writeFileSync(file, text);
      expect(text).toBe(golden(file));
    });
  }

  it.skipIf(UPDATE)('the CLI prints and writes the golden files byte for byte (events_clean)', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'etl-plan-'));
    const r = spawnSync(process.execPath, [BIN, 'plan', 'events_clean', '--env', 'dev', '--param', 'dt=2026-11-01', '--json', '--out', out], {
      cwd: PROJECT,
      env: { ...process.env, ETL_STATE_DIR: path.join(out, '.state'), NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = goldenFiles('events_clean');
    expect(r.stdout).toBe(golden(files.json));
    expect(readFileSync(path.join(out, 'plan.json'), 'utf8')).toBe(golden(files.planJson));
    expect(readFileSync(path.join(out, 'job.sql'), 'utf8')).toBe(golden(files.sql));
  });
});
