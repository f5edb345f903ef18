/**
 * Mistakes users make get an error that names the job file and says how to fix it, never
 * "(an unexpected error ...)"; what a run would refuse, etl plan refuses first.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyOfTestProject, edit, etlIn } from '../support/project.ts';
import { InternalError } from '../../framework/errors/index.ts';
import { assertNever } from '../../framework/schema/types.ts';

/** A project with one more job, `jobs/mine.ts`, reading the sample events through `transform`. */
function projectWithJob(transform: string, extra = ''): string {
  const dir = copyOfTestProject();
  writeFileSync(
    path.join(dir, 'jobs/mine.ts'),
    `import { z } from 'zod';
import { defineJob, jsonLines, table, col, lit, count, concat_ws, decimal } from 'lakeform';
import { RawEvent } from '../schemas/events.ts';
${extra}
export default defineJob({
  name: 'mine',
  inputs: { raw: jsonLines({ path: 's3://b/raw/', sample: 'sample/events/', schema: RawEvent }) },
  transform: ({ raw }) => raw${transform},
  output: table('analytics.mine'),
});
`,
  );
  return dir;
}

const run = (dir: string, command: string) => etlIn(dir, command === 'plan' ? ['plan', 'mine', '--env', 'dev'] : [command, 'mine']);

describe('errors users cause', () => {
  it('a DSL misuse: the file and step, the hint once, from plan and run alike', () => {
    const dir = projectWithJob(".select('event_id', lit(1))");
    for (const command of ['plan', 'run']) {
      const r = run(dir, command);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^error: jobs\/mine\.ts:\d+:\d+ \(select #1\): select argument 2 is an expression without a name\n  hint: name it with \.as\('column_name'\)\n$/);
    }
  }, 60_000);

  it('a groupBy wider than the engine can hash is refused by etl plan, not at run time', () => {
    const keys = Array.from({ length: 32 }, (_, i) => `k${i}`);
    const dir = projectWithJob(`.withColumns({ ${keys.map((k) => `${k}: col('event_id')`).join(', ')} }).groupBy(${keys.map((k) => `'${k}'`).join(', ')}).agg({ n: count() })`);
    for (const command of ['plan', 'run']) {
      const r = run(dir, command);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^error: jobs\/mine\.ts:\d+:\d+ \(groupBy #\d\): groupBy has 32 key columns; the local engine hashes keys of at most 31\n  hint: combine some key columns into one first/);
    }
  }, 60_000);

  it('a schema that has no table type names the job file, and a mistake caught as the file loads keeps its own hint', () => {
    let dir = projectWithJob('', "const Weird = z.object({ n: z.set(z.string()) });");
    edit(dir, 'jobs/mine.ts', [["output: table('analytics.mine'),", "output: table('analytics.mine', Weird),"]]);
    let r = run(dir, 'plan');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: jobs\/mine\.ts: n: zod type 'set' has no column type\. .*\n  hint: change the zod schema/);

    dir = projectWithJob('', 'const Price = decimal(40, 2);');
    r = run(dir, 'plan');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: jobs\/mine\.ts: could not be loaded: decimal\(40, 2\) is not supported.*\n  hint: fix the error in the job file/);
  }, 60_000);

  it('an always-null output column is refused at analysis with how to type it', () => {
    const r = run(projectWithJob(".select('event_id').withColumn('nothing', lit(null))"), 'plan');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error: jobs/mine.ts (output analytics.mine): column 'nothing' has no type");
    expect(r.stderr).not.toContain('unexpected error');
  }, 60_000);

  it('control characters in a name are shown escaped, not sent to the terminal', () => {
    const r = run(projectWithJob(".select(col('event_id').as('evil\\u001b[2Jname'))"), 'plan');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("column 'evil\\u001b[2Jname' is not a valid Glue/Athena column name");
    expect(r.stderr).not.toContain('\u001b');
  }, 60_000);

  it('etl plan without a job or pipeline is a usage error', () => {
    const r = etlIn(copyOfTestProject(), ['plan']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error: name a job or a pipeline, one of them\n  hint: etl plan <job>, or etl plan --pipeline <name>\n');
  }, 60_000);
});

describe('internal errors', () => {
  it('say it is a lakeform bug and how to report it', () => {
    expect(() => assertNever('x' as never)).toThrow(InternalError);
    const e = new InternalError('unhandled case');
    expect([e.message, e.hint, e.exitCode]).toEqual(['internal error: unhandled case', 'this is a lakeform bug, please report it with the output of the same command run with --debug', 70]);
  });
});
