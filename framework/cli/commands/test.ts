import path from 'node:path';
import type { CommandModule } from 'yargs';
import pc from 'picocolors';
import { findProject, jobNames, loadJob } from '../../run/project.ts';
import { tableSchemasOf } from '../../run/run-job.ts';
import { discoverCases, judge, runCase, FIXTURES_DIR, type CaseResult, type FixtureCase } from '../../testing/fixtures.ts';
import { runCasesOnSpark } from '../../testing/spark.ts';
import type { JobDefinition } from '../../dsl/job.ts';
import { caseText, junitXml, resultsJson, summaryText } from '../../testing/report.ts';
import type { DatasetSchema } from '../../schema/types.ts';
import { EtlError, UsageError, type Phase } from '../../errors/index.ts';
import { printJson } from '../output.ts';

interface TestArgs {
  jobs: string[];
  update: boolean;
  spark: boolean;
  json: boolean;
  reporter: 'text' | 'junit';
}

export class TestsFailedError extends EtlError {
  override readonly name: string = 'TestsFailedError';
  readonly phase: Phase = 'check';
  constructor(failed: number, total: number) {
    super(`${failed} of ${total} test case(s) failed`, 'if the new output is right, etl test --update writes it as the expected rows; review the change with git diff');
  }
}

export const testCommand: CommandModule<object, TestArgs> = {
  command: 'test [jobs..]',
  describe: `Run each job's test cases (${FIXTURES_DIR}/<job>/<case>/) in memory and compare the output with the expected rows`,
  builder: (y) =>
    y
      .positional('jobs', { type: 'string', array: true, default: [] as string[], describe: 'Jobs to test (default: all)' })
      .option('update', { type: 'boolean', default: false, describe: "Write each case's current output as its expected rows (review with git diff)" })
      .option('spark', { type: 'boolean', default: false, describe: 'Run the cases through the compiled plan on local Spark instead (one Spark session; see npm run setup:spark)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the results as JSON' })

      .option('reporter', { choices: ['text', 'junit'] as const, default: 'text' as const, describe: 'junit: JUnit XML on stdout, for CI' })
      .example('$0 test', 'Every case of every job')
      .example('$0 test events_clean --update', 'Accept the current output as expected')
      .example('$0 test --reporter junit > test-results.xml', '') as never,
  handler: async (argv) => {
    if (argv.spark && argv.update) throw new UsageError('--update writes what the local engine produces; run it without --spark', 'etl test --update, then etl test --spark to check Spark agrees');
    const started = performance.now();
    const project = findProject();
    const names = argv.jobs.length ? argv.jobs : jobNames(project);
    const results: CaseResult[] = [];
    const human = !argv.json && argv.reporter === 'text';
    let jobsWithoutCases = 0;
    const forSpark: { job: JobDefinition; fixture: FixtureCase; tableSchemas: Record<string, DatasetSchema> }[] = [];
    for (const name of names) {
      const { job, file } = await loadJob(project, name);
      const cases = discoverCases(project.root, job);
      if (!cases.length) jobsWithoutCases++;
      const tableSchemas = await tableSchemasOf(project, job);
      for (const c of cases) {
        if (argv.spark) {
          forSpark.push({ job, fixture: c, tableSchemas });
          continue;
        }
        const r = await runCase(project.root, job, c, { tableSchemas, file, update: argv.update });
        results.push(r);
        if (human) process.stdout.write((argv.update ? `${pc.cyan('updated')} ${path.join(c.dir, 'expected.jsonl')}${r.problems.length ? `\n    ${r.problems.join('\n    ')}` : ''}` : caseText(r)) + '\n');
      }
    }
    if (forSpark.length) {
      if (human) process.stdout.write(pc.dim(`running ${forSpark.length} case(s) on local Spark (one session; 20-60 s)...\n`));
      const outcomes = await runCasesOnSpark(project, forSpark);
      forSpark.forEach(({ job, fixture }, i) => {
        const r = judge(job, fixture, outcomes[i], outcomes[i].durationMs);
        results.push(r);
        if (human) process.stdout.write(caseText(r) + '\n');
      });
    }
    const ms = Math.round(performance.now() - started);
    if (argv.json) printJson(resultsJson(results));
    else if (argv.reporter === 'junit') process.stdout.write(junitXml(results));
    else {
      if (!results.length) process.stdout.write(`no test cases: add folders under ${FIXTURES_DIR}/<job>/ (see README.md, "Testing your job")\n`);
      else process.stdout.write(`\n${summaryText(results, ms)}${jobsWithoutCases ? pc.dim(`; ${jobsWithoutCases} job(s) without cases`) : ''}\n`);
    }
    const failed = results.filter((r) => !r.passed).length;
    if (failed && !argv.update) {
      if (human) throw new TestsFailedError(failed, results.length);
      process.exitCode = 1;
    }
  },
};
