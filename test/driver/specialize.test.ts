/**
 * A plan compiled without its slice's parameters (what a schedule deploys once) and made into a
 * day's plan by the Spark driver at run time equals the plan `etl plan --param dt=...` compiles
 * for that day, byte for byte: windows of hourly folders across month and year ends and leap
 * days, lateness, table windows, slice keys and predicates, in an AWS and a local environment.
 * The driver runs under python3, not Spark, so this runs in `npm test`.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileJob, stableJson } from '../../framework/compile/compile-job.ts';
import { loadEnvironment } from '../../framework/config/config.ts';
import { findProject } from '../../framework/run/project.ts';
import { prepareJob } from '../../framework/run/run-job.ts';
import { ROOT } from '../run/helpers.ts';
import { LAKE_JOBS, lakeProject } from '../support/lake.ts';

const DAYS = ['2026-11-01', '2026-12-31', '2027-01-01', '2028-02-28', '2028-02-29', '1999-12-31'];

function specialized(pairs: [object, Record<string, string>][]): object[] {
  const r = spawnSync('python3', [path.join(ROOT, 'test/driver/specialize.py')], { input: JSON.stringify(pairs), encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as object[];
}

describe("the driver's plan of a slice given at run time", () => {
  const p = lakeProject({ importable: true, landAll: false });
  for (const envName of ['aws', 'local']) {
    it(`equals the plan compiled for the slice (${envName} environment)`, async () => {
      const project = findProject(p.dir);
      const env = await loadEnvironment(p.dir, envName);
      const pairs: [object, Record<string, string>][] = [];
      const expected: object[] = [];
      for (const job of LAKE_JOBS) {
        const template = compileJob(await prepareJob(project, job, { resolveInputs: false }), env).artifact;
        expect(template.slicing?.params).toEqual(['dt']);
        for (const dt of DAYS) {
          pairs.push([template, { dt }]);
          expected.push(compileJob(await prepareJob(project, job, { params: { dt }, resolveInputs: false }), env).artifact);
        }
      }
      const made = specialized(pairs);
      expect(made.map((m) => stableJson(m))).toEqual(expected.map((e) => stableJson(e)));
    });
  }

  it('refuses a day that is not a date, and a slice given in part, saying why', () => {
    const plan = { params: {}, inputs: [], output: {}, slicing: { params: ['dt', 'region'], outside: 'drop', time: 'dt', files: [], tables: [] } };
    const r = spawnSync('python3', ['-c', `import sys, json; sys.path.insert(0, ${JSON.stringify(path.join(ROOT, 'deploy/spark'))}); import driver
for given in [{"dt": "2026-11-31", "region": "eu"}, {"dt": "2026-11-01"}]:
    try:
        driver.specialize(${JSON.stringify(plan)}, given)
    except driver.DriverError as e:
        print(e.message)`], { encoding: 'utf8' });
    expect(r.stdout.trim().split('\n')).toEqual(['dt=2026-11-31 is not a date', 'the plan is sliced by dt, region: give all of them or none (missing region)']);
  });
});
